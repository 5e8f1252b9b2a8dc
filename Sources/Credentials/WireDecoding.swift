import AccessPolicy

/// Strict decoders for the encodings of DESIGN.md's `credential` object: `certificate` and `signature` are standard
/// base64, `challenge` is the unpadded base64url string the server issued, `uid` is hex in either case.
///
/// Each decoder bounds the text length before decoding, so an oversized field costs nothing.
public enum WireDecoding {
    /// The largest certificate CardGate accepts, in bytes (a PIV certificate object holds at most a few kilobytes).
    public static let maximumCertificateBytes = 8_192
    /// The largest signature, in bytes (an RSA-4096 signature; CardGate verifies RSA-2048 and ECDSA, which are
    /// shorter).
    public static let maximumSignatureBytes = 512
    /// The number of random bytes in a challenge.
    public static let challengeBytes = 32

    /// The DER certificate in standard base64.
    public static func certificate(_ text: String) throws(WireDecodingError) -> [UInt8] {
        try base64(text, field: .certificate, alphabet: .standard, bytes: 1...maximumCertificateBytes)
    }

    /// The signature in standard base64.
    public static func signature(_ text: String) throws(WireDecodingError) -> [UInt8] {
        try base64(text, field: .signature, alphabet: .standard, bytes: 1...maximumSignatureBytes)
    }

    /// The challenge's 32 bytes from its unpadded base64url text.
    public static func challenge(_ text: String) throws(WireDecodingError) -> [UInt8] {
        try base64(text, field: .challenge, alphabet: .url, bytes: challengeBytes...challengeBytes)
    }

    /// The credential key of a UID given as hex digits (either case, no separators), 1…10 bytes.
    public static func uid(_ text: String) throws(WireDecodingError) -> CredentialKey {
        let utf8 = text.utf8
        guard !utf8.isEmpty else { throw WireDecodingError(field: .uid, problem: .empty) }
        guard utf8.count <= 64 else { throw WireDecodingError(field: .uid, problem: .tooLong(limit: 64)) }
        guard utf8.count % 2 == 0, utf8.allSatisfy(\.isHexDigit) else {
            throw WireDecodingError(field: .uid, problem: .invalidHex)
        }
        guard utf8.count <= 20, let key = CredentialKey.uid(hex: text) else {
            throw WireDecodingError(field: .uid, problem: .wrongLength(expected: 1...10, actual: utf8.count / 2))
        }
        return key
    }

    private static func base64(
        _ text: String, field: WireDecodingError.Field, alphabet: WireBase64.Alphabet, bytes: ClosedRange<Int>
    ) throws(WireDecodingError) -> [UInt8] {
        let count = text.utf8.count
        guard count > 0 else { throw WireDecodingError(field: field, problem: .empty) }
        let limit = (bytes.upperBound + 2) / 3 * 4
        guard count <= limit else { throw WireDecodingError(field: field, problem: .tooLong(limit: limit)) }
        guard let decoded = WireBase64.decode(text, alphabet: alphabet) else {
            throw WireDecodingError(field: field, problem: .invalidBase64)
        }
        guard bytes.contains(decoded.count) else {
            throw WireDecodingError(field: field, problem: .wrongLength(expected: bytes, actual: decoded.count))
        }
        return decoded
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
            UInt8(ascii: "A")...UInt8(ascii: "F"):
            true
        default: false
        }
    }
}
