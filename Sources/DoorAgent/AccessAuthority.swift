import Credentials
import Foundation
import SmartCard

/// Who decides at a door: CardGate's one authority seam.
///
/// Two implementations: the daemon in-process for its own local doors (GateServer's `LocalAccessAuthority`), and
/// the daemon over HTTP for a remote gate controller (``HTTPAccessAuthority``). The shapes follow the HTTP API v1,
/// so both answer alike; an implementation that cannot decide throws, and the agent keeps the door shut.
public protocol AccessAuthority: Sendable {
    /// A fresh single-use challenge for `door` (`POST /v1/doors/{doorId}/challenges`).
    func challenge(door: String) async throws -> IssuedChallenge

    /// The decision for one tap (`POST /v1/doors/{doorId}/access`); the event is journaled before it returns.
    func requestAccess(door: String, _ request: TapRequest) async throws -> AccessAnswer
}

/// A challenge as the authority issued it.
public struct IssuedChallenge: Sendable, Hashable, Codable {
    /// The base64url string (no padding) of 32 random bytes, returned unchanged in the access request.
    public var challenge: String
    public var expiresAt: Date

    public init(challenge: String, expiresAt: Date) {
        self.challenge = challenge
        self.expiresAt = expiresAt
    }

    /// The challenge bytes the card signs.
    public var bytes: [UInt8]? { WireBase64.decode(challenge, alphabet: .url) }
}

/// What a door reader learned from a card, in the wire encodings of the API.
public enum TapCredential: Sendable, Hashable {
    /// PKI-CAK: the Card Authentication certificate (DER), the challenge string and the signature over its bytes.
    case piv(certificate: [UInt8], challenge: String, signature: [UInt8])
    /// A legacy contactless card's UID.
    case uid([UInt8])
}

/// One access request.
public struct TapRequest: Sendable, Hashable {
    public enum Direction: String, Sendable, Hashable, Codable { case `in`, out }

    public var credential: TapCredential
    public var pin: String?
    public var direction: Direction?

    public init(credential: TapCredential, pin: String? = nil, direction: Direction? = nil) {
        self.credential = credential
        self.pin = pin
        self.direction = direction
    }
}

extension TapRequest: Encodable {
    private enum CodingKeys: String, CodingKey { case credential, pin, direction }
    private enum CredentialKeys: String, CodingKey { case type, certificate, challenge, signature, uid }

    /// The JSON body of `POST /v1/doors/{doorId}/access`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var credentialContainer = container.nestedContainer(keyedBy: CredentialKeys.self, forKey: .credential)
        switch credential {
        case .piv(let certificate, let challenge, let signature):
            try credentialContainer.encode("piv", forKey: .type)
            try credentialContainer.encode(WireBase64.encode(certificate, alphabet: .standard), forKey: .certificate)
            try credentialContainer.encode(challenge, forKey: .challenge)
            try credentialContainer.encode(WireBase64.encode(signature, alphabet: .standard), forKey: .signature)
        case .uid(let uid):
            try credentialContainer.encode("uid", forKey: .type)
            try credentialContainer.encode(uid.hexString(), forKey: .uid)
        }
        try container.encodeIfPresent(pin, forKey: .pin)
        try container.encodeIfPresent(direction, forKey: .direction)
    }
}

/// The authority's answer to a tap.
public struct AccessAnswer: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Hashable, Codable { case grant, deny }

    public var decision: Outcome
    /// A reason code of the API (`granted`, `signature_invalid`, …).
    public var reason: String
    public var eventId: String?
    public var unlockSeconds: Int?
    public var person: PersonSummary?

    /// The person the authority recognised, as the API's `person` object.
    public struct PersonSummary: Sendable, Hashable, Codable {
        public var id: String
        public var displayName: String?

        public init(id: String, displayName: String? = nil) {
            self.id = id
            self.displayName = displayName
        }
    }

    public init(decision: Outcome, reason: String, eventId: String? = nil, unlockSeconds: Int? = nil,
                person: PersonSummary? = nil) {
        self.decision = decision
        self.reason = reason
        self.eventId = eventId
        self.unlockSeconds = unlockSeconds
        self.person = person
    }

    public var isGrant: Bool { decision == .grant }
}
