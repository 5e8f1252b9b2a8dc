import SmartCard
import Testing

/// SplitMix64: a small seeded generator so fuzz runs are reproducible from their seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Parser fuzzing")
struct ParserFuzzTests {
    static let cases = 120_000

    /// Random bytes, or a valid encoding with a few bytes flipped, cut or duplicated.
    static func input(_ random: inout SeededGenerator, seeds: [[UInt8]]) -> [UInt8] {
        if Bool.random(using: &random) {
            let count = Int.random(in: 0...64, using: &random)
            return (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
        var bytes = seeds.randomElement(using: &random) ?? []
        for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
            let index = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0: bytes[index] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes.removeSubrange(index...)
            case 2: bytes.insert(bytes[index], at: index)
            default: bytes[index] ^= 0x80
            }
        }
        return bytes
    }

    static let seeds: [[UInt8]] = [
        TLV(tag: 0x53, children: [TLV(tag: 0x70, value: [UInt8](repeating: 0x30, count: 40)),
                                  TLV(tag: 0x71, value: [0]), TLV(tag: 0xFE, value: [])]).encoded,
        TLV(tag: 0x7C, children: [TLV(tag: 0x82, value: [UInt8](repeating: 1, count: 70))]).encoded,
        TLV(tag: 0x5FC102, value: [UInt8](repeating: 7, count: 200)).encoded,
        [0x00, 0xCB, 0x3F, 0xFF, 0x05, 0x5C, 0x03, 0x5F, 0xC1, 0x02, 0x00],
        [0x00, 0x87, 0x11, 0x9E, 0x00, 0x00, 0x04, 0x7C, 0x02, 0x82, 0x00, 0x00, 0x00],
    ]

    @Test("random and mutated bytes never crash the TLV, command and response parsers")
    func fuzz() {
        var random = SeededGenerator(state: 0xCA7D_6A7E)
        var decoded = (tlv: 0, command: 0, response: 0)
        for _ in 0..<Self.cases {
            let bytes = Self.input(&random, seeds: Self.seeds)
            if let objects = try? TLV.decodeAll(bytes) {
                decoded.tlv += 1
                // What decoded must re-encode to something that decodes to the same objects.
                #expect((try? TLV.decodeAll(objects.flatMap(\.encoded))) == objects)
                for object in objects where object.tag.isConstructed { _ = try? object.children() }
            }
            if let command = try? CommandAPDU(bytes: bytes) {
                decoded.command += 1
                #expect((try? CommandAPDU(bytes: command.encoded())) == command)
            }
            if (try? ResponseAPDU(bytes: bytes)) != nil { decoded.response += 1 }
        }
        // The mutations must exercise both the accepting and the rejecting paths.
        #expect(decoded.tlv > 0 && decoded.tlv < Self.cases)
        #expect(decoded.command > 0 && decoded.command < Self.cases)
    }
}
