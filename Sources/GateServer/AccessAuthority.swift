import AccessPolicy
import AccessStore
import Credentials
import Foundation

/// Decides card taps at doors: the seam between the HTTP API (or an in-process door agent) and the verification,
/// policy and journal behind it.
///
/// A conforming authority never answers a grant before the event is durably journaled, and turns every internal
/// failure into a deny.
public protocol AccessAuthority: Sendable {
    /// A fresh challenge for a PIV card at `doorId`.
    func issueChallenge(doorId: String) async throws(AuthorityError) -> ChallengeIssuer.Issued

    /// Decides one tap, journals it and returns the outcome.
    func decide(_ request: TapRequest) async -> TapOutcome
}

/// Why the authority could not issue a challenge.
public enum AuthorityError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No policy is loaded, so no door is known.
    case policyUnavailable
    /// The door is not in the policy in force.
    case unknownDoor(String)
    /// Too many unused challenges are outstanding.
    case challengeLimit(ChallengeIssueError)

    public var description: String {
        switch self {
        case .policyUnavailable: "no access policy is loaded"
        case .unknownDoor(let id): "door '\(id)' is not in the access policy"
        case .challengeLimit(let error): "\(error)"
        }
    }
}

/// One tap as presented by a gate controller.
public struct TapRequest: Sendable, Hashable {
    public var doorId: String
    /// The credential presented; nil when the request could not be decoded (see ``inputProblem``).
    public var credential: WireCredential?
    public var pin: String?
    public var direction: Direction
    /// Who presented it (the controller's token id), for the journal.
    public var actor: String?
    /// Why the request is malformed; such a request is journaled as a deny and answered with a 4xx.
    public var inputProblem: String?

    public init(
        doorId: String, credential: WireCredential?, pin: String? = nil, direction: Direction = .in,
        actor: String? = nil, inputProblem: String? = nil
    ) {
        self.doorId = doorId
        self.credential = credential
        self.pin = pin
        self.direction = direction
        self.actor = actor
        self.inputProblem = inputProblem
    }
}

/// The result of one tap: the decision and what became of its event.
public struct TapOutcome: Sendable, Hashable {
    /// Grant only when the event was committed; otherwise a deny (after a journal failure its reason is still the
    /// policy's, possibly a grant code: check ``journalFailure``).
    public var decision: Decision
    /// The committed event; nil when the journal failed.
    public var event: JournalEvent?
    /// Why the journal failed, when it did: the tap is denied.
    public var journalFailure: String?
    /// No policy was in force: the tap is denied.
    public var policyMissing: Bool
    /// Why the request or one of its fields was malformed; the answer is then a 4xx.
    public var inputProblem: String?
    /// What the credential step found wrong, for the journal and the log.
    public var detail: String?
    /// The person's display name when the card was recognised.
    public var personName: String?

    public init(
        decision: Decision, event: JournalEvent?, journalFailure: String? = nil, policyMissing: Bool = false,
        inputProblem: String? = nil, detail: String? = nil, personName: String? = nil
    ) {
        self.decision = decision
        self.event = event
        self.journalFailure = journalFailure
        self.policyMissing = policyMissing
        self.inputProblem = inputProblem
        self.detail = detail
        self.personName = personName
    }
}
