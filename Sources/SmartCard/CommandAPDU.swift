/// A command APDU (ISO/IEC 7816-4 §5.1): header, optional data field, optional expected length.
///
/// Short encoding is used when the data fits in 255 bytes and Le in 256; otherwise extended encoding.
/// `le == nil` means no response data is expected; `le == 256` (short) or `65536` (extended) mean
/// "as many as available" and encode as zeros.
public struct CommandAPDU: Hashable, Sendable, CustomStringConvertible {
    /// The four ISO/IEC 7816-4 command cases.
    public enum Case: Int, Sendable {
        case noDataNoLe = 1, leOnly, dataOnly, dataAndLe
    }

    public var cla: UInt8
    public var ins: UInt8
    public var p1: UInt8
    public var p2: UInt8
    public private(set) var data: [UInt8]
    public private(set) var le: Int?

    /// Largest data field extended encoding allows.
    public static let maxDataLength = 65_535
    /// Largest Le extended encoding allows.
    public static let maxLe = 65_536

    /// Builds a command, validating the lengths.
    /// - Throws: `APDUError.dataTooLong` or `APDUError.invalidLe`.
    public init(cla: UInt8, ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8] = [], le: Int? = nil) throws(APDUError) {
        guard data.count <= Self.maxDataLength else { throw .dataTooLong(data.count) }
        if let le, !(1...Self.maxLe).contains(le) { throw .invalidLe(le) }
        self.cla = cla
        self.ins = ins
        self.p1 = p1
        self.p2 = p2
        self.data = data
        self.le = le
    }

    public var commandCase: Case {
        switch (data.isEmpty, le == nil) {
        case (true, true): .noDataNoLe
        case (true, false): .leOnly
        case (false, true): .dataOnly
        case (false, false): .dataAndLe
        }
    }

    /// Whether this command needs extended length fields.
    public var needsExtendedLength: Bool { data.count > 255 || (le ?? 0) > 256 }

    /// The same command with another Le (used for the `6Cxx` resend).
    public func with(le newLe: Int?) throws(APDUError) -> CommandAPDU {
        try CommandAPDU(cla: cla, ins: ins, p1: p1, p2: p2, data: data, le: newLe)
    }

    /// The bytes sent to the card.
    /// - Parameter forceExtended: use extended length fields even where short ones would do.
    public func encoded(forceExtended: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = [cla, ins, p1, p2]
        let extended = forceExtended || needsExtendedLength
        bytes.reserveCapacity(4 + data.count + (extended ? 5 : 2))
        if extended {
            if commandCase != .noDataNoLe { bytes.append(0x00) }
            if !data.isEmpty {
                bytes.append(UInt8(data.count >> 8))
                bytes.append(UInt8(data.count & 0xFF))
                bytes.append(contentsOf: data)
            }
            if let le {
                let value = le == Self.maxLe ? 0 : le
                bytes.append(UInt8(value >> 8))
                bytes.append(UInt8(value & 0xFF))
            }
        } else {
            if !data.isEmpty {
                bytes.append(UInt8(data.count))
                bytes.append(contentsOf: data)
            }
            if let le { bytes.append(le == 256 ? 0 : UInt8(le)) }
        }
        return bytes
    }

    /// Parses command bytes as a card does, recognising all seven short and extended forms.
    /// - Throws: `APDUError.malformedCommand` when the bytes fit none of them.
    public init(bytes: [UInt8]) throws(APDUError) {
        guard bytes.count >= 4 else { throw .malformedCommand("\(bytes.count) bytes, a header needs 4") }
        let body = bytes[4...]
        var data: [UInt8] = []
        var le: Int?
        if body.isEmpty {
            // Case 1.
        } else if body.count == 1 {
            le = body[4] == 0 ? 256 : Int(body[4])
        } else if body[4] != 0 {
            let lc = Int(body[4])
            switch body.count - 1 - lc {
            case 0: data = Array(body[5..<(5 + lc)])
            case 1:
                data = Array(body[5..<(5 + lc)])
                le = body[5 + lc] == 0 ? 256 : Int(body[5 + lc])
            default: throw .malformedCommand("Lc \(lc) does not match \(body.count) body bytes")
            }
        } else if body.count == 3 {
            let value = Int(body[5]) << 8 | Int(body[6])
            le = value == 0 ? Self.maxLe : value
        } else if body.count > 3 {
            let lc = Int(body[5]) << 8 | Int(body[6])
            guard lc > 0 else { throw .malformedCommand("extended Lc of zero") }
            switch body.count - 3 - lc {
            case 0: data = Array(body[7..<(7 + lc)])
            case 2:
                data = Array(body[7..<(7 + lc)])
                let value = Int(body[7 + lc]) << 8 | Int(body[8 + lc])
                le = value == 0 ? Self.maxLe : value
            default: throw .malformedCommand("extended Lc \(lc) does not match \(body.count) body bytes")
            }
        } else {
            throw .malformedCommand("\(body.count) body bytes starting with 00")
        }
        try self.init(cla: bytes[0], ins: bytes[1], p1: bytes[2], p2: bytes[3], data: data, le: le)
    }

    public var description: String { encoded().hexString(separator: " ") }
}
