import Crypto
import _CryptoExtras

/// Checks a card's signature over the raw challenge bytes, as DESIGN.md encodes it: a DER ECDSA signature with
/// SHA-256 (P-256) or SHA-384 (P-384), or an RSASSA-PKCS1-v1_5 signature with SHA-256 (RSA-2048).
///
/// Never throws and never traps: a signature of the wrong length, malformed DER or made by another key is a
/// ``SignatureFailure``.
public enum SignatureVerifier {
    /// The longest DER ECDSA signature: SEQUENCE of two INTEGERs of the curve size plus a sign byte each.
    static func maximumDERLength(coordinateBytes: Int) -> Int { 2 * (coordinateBytes + 3) + 3 }

    /// Whether `signature` is `key`'s signature over `message`.
    public static func verify(
        _ signature: [UInt8], over message: [UInt8], with key: CardPublicKey
    ) -> Result<Void, SignatureFailure> {
        let algorithm = key.algorithm.rawValue
        switch key.algorithm {
        case .p256:
            guard signature.count <= maximumDERLength(coordinateBytes: 32),
                let publicKey = P256.Signing.PublicKey(key.key),
                let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature)
            else { return .failure(.malformed(algorithm: algorithm, length: signature.count)) }
            return publicKey.isValidSignature(parsed, for: message) ? .success(()) : .failure(.mismatch)
        case .p384:
            guard signature.count <= maximumDERLength(coordinateBytes: 48),
                let publicKey = P384.Signing.PublicKey(key.key),
                let parsed = try? P384.Signing.ECDSASignature(derRepresentation: signature)
            else { return .failure(.malformed(algorithm: algorithm, length: signature.count)) }
            return publicKey.isValidSignature(parsed, for: message) ? .success(()) : .failure(.mismatch)
        case .rsa2048:
            guard signature.count == 256, let publicKey = _RSA.Signing.PublicKey(key.key) else {
                return .failure(.malformed(algorithm: algorithm, length: signature.count))
            }
            let parsed = _RSA.Signing.RSASignature(rawRepresentation: signature)
            return publicKey.isValidSignature(parsed, for: message, padding: .insecurePKCS1v1_5)
                ? .success(()) : .failure(.mismatch)
        }
    }
}

/// Why a card's signature was refused (`signature_invalid`).
public enum SignatureFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not a signature of the certificate key's form (wrong length, not DER).
    case malformed(algorithm: String, length: Int)
    /// Well formed, but not made by the certificate's key over this challenge.
    case mismatch
    /// The `signature` field could not be decoded.
    case undecodable(WireDecodingError)

    public var description: String {
        switch self {
        case .malformed(let algorithm, let length):
            "\(length)-byte signature is not a well-formed \(algorithm) signature"
        case .mismatch: "signature does not verify under the certificate key"
        case .undecodable(let error): "malformed signature: \(error)"
        }
    }
}
