/// Why an APDU could not be built or understood.
public enum APDUError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The command data field is longer than extended encoding allows (65,535 bytes).
    case dataTooLong(Int)
    /// Le is outside 1...65,536.
    case invalidLe(Int)
    /// A response shorter than the two status bytes.
    case responseTooShort(Int)
    /// Command bytes that are none of the ISO/IEC 7816-4 cases.
    case malformedCommand(String)
    /// A card kept asking for GET RESPONSE or a corrected Le beyond any sensible total.
    case chainingLimitExceeded(Int)

    public var description: String {
        switch self {
        case .dataTooLong(let count): "command data of \(count) bytes exceeds 65535"
        case .invalidLe(let le): "Le \(le) is outside 1...65536"
        case .responseTooShort(let count): "response of \(count) bytes has no status word"
        case .malformedCommand(let why): "malformed command APDU: \(why)"
        case .chainingLimitExceeded(let total): "card response chaining exceeded \(total) bytes"
        }
    }
}
