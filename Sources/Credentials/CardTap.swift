/// A credential presented at a door, as the authority receives it.
///
/// ``WireCredential`` is the API's `credential` object with its text encodings; ``CardTap`` is the same after
/// decoding (certificate DER and signature bytes; the challenge stays the issued string, which the
/// ``ChallengeIssuer`` decodes itself).
public enum CardTap: Sendable, Hashable {
    /// A PIV card's PKI-CAK answer: its Card Authentication certificate and its signature over the challenge.
    case piv(certificate: [UInt8], challenge: String, signature: [UInt8])
    /// A UID-only card: its UID as hex, either case.
    case uid(String)
}

/// The API's `credential` object: `{type: "piv", certificate, challenge, signature}` or `{type: "uid", uid}`.
public enum WireCredential: Sendable, Hashable {
    /// `certificate` and `signature` in standard base64, `challenge` as issued (unpadded base64url).
    case piv(certificate: String, challenge: String, signature: String)
    /// `uid` in hex, either case.
    case uid(String)
}
