/// A BER-TLV tag (ISO/IEC 8825-1 as profiled by ISO/IEC 7816-4), kept as its encoded bytes in a `UInt32`.
///
/// `0x53`, `0x7C` and `0x5FC102` are tags of one, one and three bytes. Tags longer than four bytes are
/// rejected when decoding.
public struct TLVTag: RawRepresentable, Hashable, Sendable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(integerLiteral value: UInt32) { self.rawValue = value }

    /// The encoded bytes of the tag.
    public var bytes: [UInt8] {
        var bytes: [UInt8] = []
        var shift = 24
        while shift >= 0 {
            let byte = UInt8((rawValue >> UInt32(shift)) & 0xFF)
            if byte != 0 || !bytes.isEmpty || shift == 0 { bytes.append(byte) }
            shift -= 8
        }
        return bytes
    }

    /// Whether the first byte marks a constructed encoding (bit 6 set).
    public var isConstructed: Bool { (bytes.first ?? 0) & 0x20 != 0 }

    public var description: String { bytes.hexString() }
}
