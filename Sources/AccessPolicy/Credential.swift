/// A card enrolled for a person: a PIV staff card or a legacy UID-only card.
///
/// Maps to the API's Card `{id, personId, type, certificate?, uid?, status, validFrom?, validUntil?}`; the server
/// derives the PIV identifier (certificate fingerprint and CHUID GUID) from the certificate.
public struct Credential: Sendable, Hashable, Identifiable {
    public var id: String
    public var personId: String
    public var identifier: CredentialIdentifier
    public var status: CredentialStatus
    public var validity: ValidityWindow

    public init(
        id: String, personId: String, identifier: CredentialIdentifier, status: CredentialStatus = .active,
        validity: ValidityWindow = .always
    ) {
        self.id = id
        self.personId = personId
        self.identifier = identifier
        self.status = status
        self.validity = validity
    }

    /// PIV or UID.
    public var kind: CredentialKind { identifier.kind }

    /// The key the authority looks the credential up by.
    public var key: CredentialKey { identifier.key }
}

/// The two kinds of card.
public enum CredentialKind: String, Sendable, Hashable, CaseIterable, Codable {
    case piv
    case uid

    /// The strongest assurance a credential of this kind can ever establish: a UID proves nothing, a PIV card can
    /// reach PKI authentication with PIN.
    public var maximumAssurance: Assurance {
        switch self {
        case .piv: .pkiAuthPin
        case .uid: .uid
        }
    }
}

/// The lifecycle state of a card.
public enum CredentialStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case active
    case suspended
    case revoked
    case lost
}

/// What identifies a card physically.
public enum CredentialIdentifier: Sendable, Hashable {
    /// A PIV card: the SHA-256 fingerprint of its Card Authentication certificate and its CHUID GUID, both as
    /// uppercase hex (see ``CredentialKey/normalizedHex(_:)``).
    case piv(fingerprint: String, guid: String)
    /// A UID-only card: its UID as uppercase hex.
    case uid(String)

    /// A PIV identifier from hex in any case and with optional `:`/space/`-` separators; nil if not hex.
    public static func piv(fingerprintHex: String, guidHex: String) -> CredentialIdentifier? {
        guard let fingerprint = CredentialKey.normalizedHex(fingerprintHex), fingerprint.utf8.count == 64,
            let guid = CredentialKey.normalizedHex(guidHex), guid.utf8.count == 32
        else { return nil }
        return .piv(fingerprint: fingerprint, guid: guid)
    }

    /// A UID identifier from hex in any case; nil if not hex or longer than 10 bytes.
    public static func uid(hex: String) -> CredentialIdentifier? {
        guard let uid = CredentialKey.normalizedHex(hex), uid.utf8.count <= 20 else { return nil }
        return .uid(uid)
    }

    public var kind: CredentialKind {
        switch self {
        case .piv: .piv
        case .uid: .uid
        }
    }

    /// The look-up key: the certificate fingerprint for PIV, the UID otherwise.
    public var key: CredentialKey {
        switch self {
        case .piv(let fingerprint, _): CredentialKey(kind: .piv, hex: fingerprint)
        case .uid(let uid): CredentialKey(kind: .uid, hex: uid)
        }
    }
}

/// The key of a credential as presented at a door: its kind and normalised hex.
///
/// For a PIV card the authority computes the SHA-256 fingerprint of the certificate it verified; for a UID card it
/// is the UID read by the reader. Build keys with ``piv(fingerprintHex:)`` and ``uid(hex:)`` so that the hex is
/// normalised once, outside the decision path.
public struct CredentialKey: Sendable, Hashable, CustomStringConvertible {
    public let kind: CredentialKind
    /// Uppercase hex without separators.
    public let hex: String

    init(kind: CredentialKind, hex: String) {
        self.kind = kind
        self.hex = hex
    }

    /// The key of a PIV certificate fingerprint; nil unless it is 32 bytes of hex.
    public static func piv(fingerprintHex: String) -> CredentialKey? {
        guard let hex = normalizedHex(fingerprintHex), hex.utf8.count == 64 else { return nil }
        return CredentialKey(kind: .piv, hex: hex)
    }

    /// The key of a card UID; nil unless it is 1…10 bytes of hex.
    public static func uid(hex: String) -> CredentialKey? {
        guard let normalized = normalizedHex(hex), normalized.utf8.count <= 20 else { return nil }
        return CredentialKey(kind: .uid, hex: normalized)
    }

    /// `piv:<hex>` or `uid:<hex>`.
    public var description: String { kind.rawValue + ":" + hex }

    /// Uppercase hex with `:`, space and `-` separators removed; nil if empty, odd-length or not hex.
    public static func normalizedHex(_ text: String) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "F"): out.append(byte)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): out.append(byte - 32)
            case UInt8(ascii: ":"), UInt8(ascii: " "), UInt8(ascii: "-"): continue
            default: return nil
            }
        }
        guard !out.isEmpty, out.count % 2 == 0 else { return nil }
        return String(decoding: out, as: UTF8.self)
    }
}
