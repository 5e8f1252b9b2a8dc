import AccessPolicy
import AccessStore
import Foundation

/// The result of one ``AccessAttempt``: the decision and what became of its event.
public struct AccessOutcome: Sendable, Hashable {
    /// Grant only when the event was committed; otherwise a deny (after a journal failure its reason is still the
    /// policy's, possibly a grant code: check ``journalFailure``).
    public var decision: Decision
    /// The committed event; nil when the journal failed.
    public var event: JournalEvent?
    /// Why the journal failed, when it did: the tap is denied and its state change undone.
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
