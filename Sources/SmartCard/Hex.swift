extension Sequence where Element == UInt8 {
    /// Upper-case hexadecimal, optionally with a separator between bytes.
    public func hexString(separator: String = "") -> String {
        let digits: [Character] = Array("0123456789ABCDEF")
        var text = ""
        for (index, byte) in enumerated() {
            if index > 0 { text += separator }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }
}

extension Array where Element == UInt8 {
    /// Parses hexadecimal text (either case; spaces and colons ignored), or returns nil if it is not hex.
    public init?(hexString text: some StringProtocol) {
        var bytes: [UInt8] = []
        var high: UInt8?
        for character in text {
            if character == " " || character == ":" { continue }
            guard let nibble = character.hexDigitValue else { return nil }
            if let pending = high {
                bytes.append(pending << 4 | UInt8(nibble))
                high = nil
            } else {
                high = UInt8(nibble)
            }
        }
        guard high == nil else { return nil }
        self = bytes
    }
}
