import AccessPolicy
import Foundation

/// The outcome of the authority's credential step: the credential established, or a deny decision.
public enum CredentialVerification: Sendable, Hashable {
    case verified(VerifiedCredential)
    case denied(CredentialDenial)

    /// The established credential, if any.
    public var credential: VerifiedCredential? {
        if case .verified(let credential) = self { credential } else { nil }
    }

    /// The denial, if any.
    public var denial: CredentialDenial? {
        if case .denied(let denial) = self { denial } else { nil }
    }
}

/// A credential the authority established: the key the policy looks the card up by and the assurance achieved.
public struct VerifiedCredential: Sendable, Hashable {
    /// For PIV the certificate's SHA-256 fingerprint, for UID the UID; both uppercase hex.
    public var key: CredentialKey
    /// The PIV GUID from the certificate's `urn:uuid:` subject alternative name, 32 uppercase hex digits.
    public var guid: String?
    /// `pkiCak` for a verified PIV tap, `uid` for a UID.
    public var assurance: Assurance
    /// For PIV, the last instant at which the validated chain is valid.
    public var validUntil: Date?

    public init(key: CredentialKey, guid: String? = nil, assurance: Assurance, validUntil: Date? = nil) {
        self.key = key
        self.guid = guid
        self.assurance = assurance
        self.validUntil = validUntil
    }

    /// The request for the policy engine at `doorId` and `time`.
    public func accessRequest(
        doorId: String, time: Date, pin: String? = nil, direction: Direction = .in
    ) -> AccessRequest {
        AccessRequest(doorId: doorId, credential: key, assurance: assurance, pin: pin, direction: direction, time: time)
    }
}

/// A tap refused by the credential step, with the deny decision to journal and answer, and the precise failure.
public struct CredentialDenial: Sendable, Hashable {
    /// A deny built with ``Decision/deny(_:doorId:personId:credentialId:)``.
    public var decision: Decision
    public var failure: CredentialFailure

    public init(failure: CredentialFailure, doorId: String) {
        self.decision = Decision.deny(failure.reason, doorId: doorId)
        self.failure = failure
    }

    /// One line for the journal's details and the log.
    public var detail: String { failure.description }
}

/// What the credential step found wrong.
public enum CredentialFailure: Sendable, Hashable, CustomStringConvertible {
    /// `challenge_invalid`.
    case challenge(ChallengeFailure)
    /// `certificate_invalid`.
    case certificate(CertificateFailure)
    /// `signature_invalid`.
    case signature(SignatureFailure)
    /// A UID that is not 1…10 bytes of hex: no enrolled card can have it, so `unknown_credential`.
    case uid(WireDecodingError)

    /// The decision reason code.
    public var reason: DecisionReason {
        switch self {
        case .challenge: .challengeInvalid
        case .certificate: .certificateInvalid
        case .signature: .signatureInvalid
        case .uid: .unknownCredential
        }
    }

    public var description: String {
        switch self {
        case .challenge(let failure): failure.description
        case .certificate(let failure): failure.description
        case .signature(let failure): failure.description
        case .uid(let error): "malformed uid: \(error)"
        }
    }
}
