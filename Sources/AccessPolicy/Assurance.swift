/// How strongly the caller established that the card in front of the reader is the enrolled credential.
///
/// Ordered from weakest to strongest, so doors compare with `<`:
/// - `uid`: a contactless UID was read; it proves nothing cryptographically.
/// - `pkiCak`: the PIV card signed a fresh challenge with its Card Authentication key (NIST SP 800-116 PKI-CAK).
/// - `pkiAuthPin`: PKI authentication after the card verified the holder's PIN.
public enum Assurance: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case uid
    case pkiCak = "pki_cak"
    case pkiAuthPin = "pki_auth_pin"

    private var rank: Int {
        switch self {
        case .uid: 0
        case .pkiCak: 1
        case .pkiAuthPin: 2
        }
    }

    public static func < (lhs: Assurance, rhs: Assurance) -> Bool { lhs.rank < rhs.rank }
}
