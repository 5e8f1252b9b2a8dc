/// A response APDU: the data field and the status word that ends it.
public struct ResponseAPDU: Hashable, Sendable, CustomStringConvertible {
    public var data: [UInt8]
    public var statusWord: StatusWord

    public init(data: [UInt8] = [], statusWord: StatusWord) {
        self.data = data
        self.statusWord = statusWord
    }

    /// Splits raw response bytes into data and status word.
    /// - Throws: `APDUError.responseTooShort` when fewer than two bytes came back.
    public init(bytes: [UInt8]) throws(APDUError) {
        guard bytes.count >= 2 else { throw .responseTooShort(bytes.count) }
        data = Array(bytes[..<(bytes.count - 2)])
        statusWord = StatusWord(sw1: bytes[bytes.count - 2], sw2: bytes[bytes.count - 1])
    }

    /// The bytes as the card sends them.
    public var encoded: [UInt8] { data + [statusWord.sw1, statusWord.sw2] }

    public var description: String {
        data.isEmpty ? statusWord.description : "\(data.hexString(separator: " ")) \(statusWord)"
    }
}
