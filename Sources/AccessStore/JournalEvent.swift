import Foundation

/// An event as committed to the journal.
public struct JournalEvent: Sendable, Hashable {
    /// Gap-free position in the journal, starting at 1.
    public var sequence: Int64
    /// UTC milliseconds since the Unix epoch; never smaller than the previous event's.
    public var timeMilliseconds: Int64
    public var type: JournalEventType
    public var doorId: String?
    public var zoneId: String?
    public var personId: String?
    public var cardId: String?
    public var decision: JournalDecision?
    public var reason: String?
    public var actor: String?
    /// A JSON object as text.
    public var details: String
    /// The previous event's hash (32 zero bytes before the first event).
    public var previousHash: Data
    /// SHA-256 of `previousHash` followed by the canonical encoding (`CanonicalEventEncoding`).
    public var hash: Data

    public init(
        sequence: Int64, timeMilliseconds: Int64, event: NewJournalEvent, previousHash: Data, hash: Data
    ) {
        self.sequence = sequence
        self.timeMilliseconds = timeMilliseconds
        self.type = event.type
        self.doorId = event.doorId
        self.zoneId = event.zoneId
        self.personId = event.personId
        self.cardId = event.cardId
        self.decision = event.decision
        self.reason = event.reason
        self.actor = event.actor
        self.details = event.details
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The event time as a `Date`.
    public var time: Date { Date(timeIntervalSince1970: Double(timeMilliseconds) / 1000) }
}
