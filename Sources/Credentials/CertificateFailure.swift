import Foundation

/// Why a card certificate was refused (`certificate_invalid`).
public enum CertificateFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `certificate` field could not be decoded.
    case undecodable(WireDecodingError)
    /// The bytes are not one DER X.509 certificate.
    case notACertificate(String)
    /// An extension CardGate reads (key usage, basic constraints) cannot be parsed.
    case malformedExtension(String)
    /// The key is not ECDSA P-256, ECDSA P-384 or RSA-2048.
    case unsupportedKey(String)
    /// The card certificate's `notAfter` is before the validation time.
    case expired(notAfter: Date)
    /// The card certificate's `notBefore` is after the validation time.
    case notYetValid(notBefore: Date)
    /// The certificate lacks the `digitalSignature` key usage.
    case wrongKeyUsage
    /// The presented certificate is itself a CA certificate.
    case certificateAuthority
    /// No configured CA certificate has the certificate's issuer name.
    case unknownIssuer(String)
    /// A configured CA has the issuer name, but the certificate's signature does not verify under its key.
    case badSignature(String)
    /// The issuing CA certificate is outside its validity at the validation time.
    case issuerNotValid(String)
    /// The chain fails another RFC 5280 rule (basic constraints, name constraints, critical extensions).
    case chainRejected(String)

    public var description: String {
        switch self {
        case .undecodable(let error): "malformed certificate: \(error)"
        case .notACertificate(let why): "not an X.509 certificate: \(why)"
        case .malformedExtension(let why): "malformed certificate extension: \(why)"
        case .unsupportedKey(let key): "unsupported card key \(key)"
        case .expired(let notAfter): "certificate expired at \(notAfter.ISO8601Format())"
        case .notYetValid(let notBefore): "certificate is not valid before \(notBefore.ISO8601Format())"
        case .wrongKeyUsage: "certificate key usage lacks digitalSignature"
        case .certificateAuthority: "certificate is a CA certificate, not a card certificate"
        case .unknownIssuer(let issuer): "issuer \(issuer) is not a configured CA"
        case .badSignature(let issuer): "certificate signature does not verify under the key of \(issuer)"
        case .issuerNotValid(let issuer): "issuing CA \(issuer) is outside its validity"
        case .chainRejected(let why): "certificate chain rejected: \(why)"
        }
    }
}
