import Foundation

/// Bearer token secrets: `cgt_` and 32 random bytes in unpadded base64url. Only their SHA-256 is stored.
public enum TokenSecret {
    /// The prefix that makes a CardGate token recognisable in logs and secret scanners.
    public static let prefix = "cgt_"
    /// The longest `Authorization` value considered; longer ones are refused without a look-up.
    static let maximumLength = 256

    /// A new secret from the system's cryptographic random generator.
    public static func generate() -> String {
        prefix + randomBase64URL(byteCount: 32)
    }

    /// A new token id, `tok-` and 12 hex digits.
    public static func generateId() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = (generator.next() as UInt64) & 0xFFFF_FFFF_FFFF
        let hex = String(value, radix: 16)
        return "tok-" + String(repeating: "0", count: 12 - hex.count) + hex
    }

    static func randomBase64URL(byteCount: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
