/// Why a field of a tap request could not be decoded from its wire encoding.
public struct WireDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field of the API's `credential` object.
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case certificate
        case challenge
        case signature
        case uid
    }

    /// What is wrong with the field.
    public enum Problem: Sendable, Hashable {
        /// The field is empty.
        case empty
        /// The text is longer than CardGate accepts for the field.
        case tooLong(limit: Int)
        /// Not the strict base64 (or base64url) encoding of any bytes.
        case invalidBase64
        /// Not hex digits in pairs.
        case invalidHex
        /// Decodes, but to the wrong number of bytes.
        case wrongLength(expected: ClosedRange<Int>, actual: Int)
    }

    public var field: Field
    public var problem: Problem

    public init(field: Field, problem: Problem) {
        self.field = field
        self.problem = problem
    }

    /// One line for the decision's detail and the HTTP problem's `detail`.
    public var description: String {
        switch problem {
        case .empty: "\(field.rawValue) is empty"
        case .tooLong(let limit): "\(field.rawValue) is longer than \(limit) characters"
        case .invalidBase64:
            field == .challenge
                ? "challenge is not unpadded base64url" : "\(field.rawValue) is not standard base64"
        case .invalidHex: "\(field.rawValue) is not hex"
        case .wrongLength(let expected, let actual):
            expected.lowerBound == expected.upperBound
                ? "\(field.rawValue) has \(actual) bytes, expected \(expected.lowerBound)"
                : "\(field.rawValue) has \(actual) bytes, expected \(expected.lowerBound)…\(expected.upperBound)"
        }
    }
}
