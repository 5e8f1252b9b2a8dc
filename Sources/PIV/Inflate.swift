/// A decoder for DEFLATE (RFC 1951) inside a gzip member (RFC 1952), for certificates that a card stores
/// compressed (certinfo bit 0).
///
/// Written from the RFCs for CardGate; every malformed stream is an `InflateError`, and the output is bounded
/// so a hostile card cannot exhaust memory.
public enum Inflate {
    /// Why a stream could not be inflated.
    public enum InflateError: Error, Hashable, Sendable {
        case notGzip
        case unsupportedMethod(UInt8)
        case truncated
        case invalidBlockType
        case storedLengthMismatch
        case invalidCodeLengths
        case invalidSymbol
        case distanceTooFar
        case outputTooLarge(Int)
        case checksumMismatch
    }

    /// Inflates one gzip member and checks its CRC-32 and length.
    public static func gunzip(_ bytes: [UInt8], maxOutput: Int = 1 << 16) throws(InflateError) -> [UInt8] {
        guard bytes.count >= 18, bytes[0] == 0x1F, bytes[1] == 0x8B else { throw .notGzip }
        guard bytes[2] == 8 else { throw .unsupportedMethod(bytes[2]) }
        let flags = bytes[3]
        var offset = 10
        if flags & 0x04 != 0 {
            guard offset + 2 <= bytes.count else { throw .truncated }
            offset += 2 + (Int(bytes[offset]) | Int(bytes[offset + 1]) << 8)
        }
        for flag in [UInt8(0x08), 0x10] where flags & flag != 0 {
            while true {
                guard offset < bytes.count else { throw .truncated }
                offset += 1
                if bytes[offset - 1] == 0 { break }
            }
        }
        if flags & 0x02 != 0 { offset += 2 }
        guard offset < bytes.count else { throw .truncated }
        var reader = BitReader(bytes: bytes, offset: offset)
        let output = try inflate(&reader, maxOutput: maxOutput)
        let trailer = reader.alignedOffset
        guard trailer + 8 <= bytes.count else { throw .truncated }
        let crc = bytes[trailer..<(trailer + 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let size = bytes[(trailer + 4)..<(trailer + 8)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard crc == crc32(output), size == UInt32(truncatingIfNeeded: output.count) else { throw .checksumMismatch }
        return output
    }

    /// Inflates a raw DEFLATE stream.
    public static func inflate(raw bytes: [UInt8], maxOutput: Int = 1 << 16) throws(InflateError) -> [UInt8] {
        var reader = BitReader(bytes: bytes, offset: 0)
        return try inflate(&reader, maxOutput: maxOutput)
    }

    /// CRC-32 (ISO 3309, reflected polynomial EDB88320).
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83,
                                    99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5,
                                     5, 0]
    static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
                                      1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11,
                                       11, 12, 12, 13, 13]
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    static func inflate(_ reader: inout BitReader, maxOutput: Int) throws(InflateError) -> [UInt8] {
        var output: [UInt8] = []
        var last = false
        while !last {
            last = try reader.bits(1) == 1
            switch try reader.bits(2) {
            case 0:
                reader.alignToByte()
                let length = try reader.bits(16)
                let complement = try reader.bits(16)
                guard length == ~complement & 0xFFFF else { throw .storedLengthMismatch }
                guard output.count + length <= maxOutput else { throw .outputTooLarge(output.count + length) }
                for _ in 0..<length { output.append(UInt8(try reader.bits(8))) }
            case 1:
                try inflateBlock(&reader, &output, literals: .fixedLiterals, distances: .fixedDistances,
                                 maxOutput: maxOutput)
            case 2:
                let (literals, distances) = try dynamicTables(&reader)
                try inflateBlock(&reader, &output, literals: literals, distances: distances, maxOutput: maxOutput)
            default:
                throw .invalidBlockType
            }
        }
        return output
    }

    static func dynamicTables(_ reader: inout BitReader) throws(InflateError) -> (Huffman, Huffman) {
        let literalCount = try reader.bits(5) + 257
        let distanceCount = try reader.bits(5) + 1
        let codeCount = try reader.bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw .invalidCodeLengths }
        var codeLengths = [Int](repeating: 0, count: 19)
        for index in 0..<codeCount { codeLengths[codeLengthOrder[index]] = try reader.bits(3) }
        let codeTable = try Huffman(lengths: codeLengths)
        var lengths: [Int] = []
        while lengths.count < literalCount + distanceCount {
            let symbol = try codeTable.decode(&reader)
            switch symbol {
            case 0...15: lengths.append(symbol)
            case 16:
                guard let previous = lengths.last else { throw .invalidCodeLengths }
                lengths += Array(repeating: previous, count: 3 + (try reader.bits(2)))
            case 17: lengths += Array(repeating: 0, count: 3 + (try reader.bits(3)))
            default: lengths += Array(repeating: 0, count: 11 + (try reader.bits(7)))
            }
        }
        guard lengths.count == literalCount + distanceCount, lengths[256] != 0 else { throw .invalidCodeLengths }
        return (try Huffman(lengths: Array(lengths[..<literalCount])),
                try Huffman(lengths: Array(lengths[literalCount...])))
    }

    static func inflateBlock(_ reader: inout BitReader, _ output: inout [UInt8], literals: Huffman,
                             distances: Huffman, maxOutput: Int) throws(InflateError) {
        while true {
            let symbol = try literals.decode(&reader)
            if symbol < 256 {
                guard output.count < maxOutput else { throw .outputTooLarge(output.count + 1) }
                output.append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let lengthIndex = symbol - 257
            guard lengthIndex < lengthBase.count else { throw .invalidSymbol }
            let length = lengthBase[lengthIndex] + (try reader.bits(lengthExtra[lengthIndex]))
            let distanceIndex = try distances.decode(&reader)
            guard distanceIndex < distanceBase.count else { throw .invalidSymbol }
            let distance = distanceBase[distanceIndex] + (try reader.bits(distanceExtra[distanceIndex]))
            guard distance <= output.count else { throw .distanceTooFar }
            guard output.count + length <= maxOutput else { throw .outputTooLarge(output.count + length) }
            let start = output.count - distance
            for index in 0..<length { output.append(output[start + index]) }
        }
    }

    /// Reads bits least significant first, as DEFLATE packs them.
    struct BitReader {
        let bytes: [UInt8]
        var offset: Int
        var bitBuffer = 0
        var bitCount = 0

        init(bytes: [UInt8], offset: Int) {
            self.bytes = bytes
            self.offset = offset
        }

        mutating func bits(_ count: Int) throws(InflateError) -> Int {
            while bitCount < count {
                guard offset < bytes.count else { throw .truncated }
                bitBuffer |= Int(bytes[offset]) << bitCount
                offset += 1
                bitCount += 8
            }
            let value = bitBuffer & ((1 << count) - 1)
            bitBuffer >>= count
            bitCount -= count
            return value
        }

        mutating func alignToByte() {
            bitBuffer = 0
            bitCount = 0
        }

        /// The offset of the first whole byte not yet consumed.
        var alignedOffset: Int { offset - bitCount / 8 }
    }

    /// A canonical Huffman code, decoded bit by bit (counts and symbols per length, RFC 1951 §3.2.2).
    struct Huffman {
        var counts: [Int]
        var symbols: [Int]

        init(lengths: [Int]) throws(InflateError) {
            counts = [Int](repeating: 0, count: 16)
            for length in lengths { counts[length] += 1 }
            counts[0] = 0
            var left = 1
            for length in 1...15 {
                left = left << 1 - counts[length]
                guard left >= 0 else { throw .invalidCodeLengths }
            }
            var offsets = [Int](repeating: 0, count: 16)
            for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
            symbols = [Int](repeating: 0, count: lengths.count)
            for (symbol, length) in lengths.enumerated() where length != 0 {
                symbols[offsets[length]] = symbol
                offsets[length] += 1
            }
        }

        func decode(_ reader: inout BitReader) throws(InflateError) -> Int {
            var code = 0
            var first = 0
            var index = 0
            for length in 1...15 {
                code |= try reader.bits(1)
                let count = counts[length]
                if code - first < count { return symbols[index + code - first] }
                index += count
                first = (first + count) << 1
                code <<= 1
            }
            throw .invalidSymbol
        }

        static let fixedLiterals: Huffman = {
            let lengths = Array(repeating: 8, count: 144) + Array(repeating: 9, count: 112)
                + Array(repeating: 7, count: 24) + Array(repeating: 8, count: 8)
            return (try? Huffman(lengths: lengths)) ?? .empty
        }()

        static let fixedDistances: Huffman = {
            (try? Huffman(lengths: Array(repeating: 5, count: 30))) ?? .empty
        }()

        /// A code with no symbols: every decode fails.
        static let empty = Huffman(counts: Array(repeating: 0, count: 16), symbols: [])

        private init(counts: [Int], symbols: [Int]) {
            self.counts = counts
            self.symbols = symbols
        }
    }
}
