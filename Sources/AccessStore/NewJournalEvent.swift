/// An event to append: everything but the sequence, time and hashes, which the journal assigns.
public struct NewJournalEvent: Sendable, Hashable {
    public var type: JournalEventType
    public var doorId: String?
    public var zoneId: String?
    public var personId: String?
    public var cardId: String?
    public var decision: JournalDecision?
    /// A reason code (`DESIGN.md`, "Decisions"), snake_case.
    public var reason: String?
    /// Who caused the event when it is an administrative change (a token id or a user name).
    public var actor: String?
    /// A JSON object as text. Stored and hashed exactly as given.
    public var details: String

    public init(
        type: JournalEventType, doorId: String? = nil, zoneId: String? = nil, personId: String? = nil,
        cardId: String? = nil, decision: JournalDecision? = nil, reason: String? = nil, actor: String? = nil,
        details: String = "{}"
    ) {
        self.type = type
        self.doorId = doorId
        self.zoneId = zoneId
        self.personId = personId
        self.cardId = cardId
        self.decision = decision
        self.reason = reason
        self.actor = actor
        self.details = details
    }
}
