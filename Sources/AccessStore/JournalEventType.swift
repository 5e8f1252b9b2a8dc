/// The kind of a journal event, as a stable snake_case string.
///
/// Unknown values read from a newer database are kept as they are.
public struct JournalEventType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }

    /// A card was presented at a door and the authority decided (grant or deny).
    public static let accessDecision = JournalEventType(rawValue: "access_decision")
    /// A door reported its state (closed, open, forced_open, held_open, tamper).
    public static let doorStatus = JournalEventType(rawValue: "door_status")
    /// An alarm was raised or cleared.
    public static let alarm = JournalEventType(rawValue: "alarm")
    /// An administrator changed the model; `actor` names who.
    public static let adminChange = JournalEventType(rawValue: "admin_change")
    /// A lockdown started or ended.
    public static let lockdown = JournalEventType(rawValue: "lockdown")
    /// A request carried a bad, revoked or wrongly bound API token.
    public static let tokenFailure = JournalEventType(rawValue: "token_failure")
}

/// The outcome of an access decision as recorded in the journal.
public enum JournalDecision: String, Sendable, Codable, CaseIterable {
    case grant
    case deny
}
