/// The answer for one card presented at one door: a value, never an error.
///
/// `reason` is the first failed check (see ``DecisionReason`` for the precedence) or the kind of grant. A grant
/// names the access level and schedule interval that allowed it (none for free access); a deny names what is known
/// when it was made (the person once the credential is found, the level for `outside_schedule`).
public struct Decision: Sendable, Hashable {
    public var outcome: Outcome
    public var reason: DecisionReason
    public var doorId: String?
    public var personId: String?
    public var credentialId: String?
    /// The access level that granted (the one with the smallest id when several do), or for `outside_schedule`
    /// the first level that has the door.
    public var levelId: String?
    /// The schedule interval that was open.
    public var interval: MatchedInterval?
    /// How long to unlock, for a grant.
    public var unlockSeconds: Int?
    /// A rule that was broken but does not deny: `anti_passback` in soft mode.
    public var advisory: DecisionReason?

    public init(
        outcome: Outcome, reason: DecisionReason, doorId: String? = nil, personId: String? = nil,
        credentialId: String? = nil, levelId: String? = nil, interval: MatchedInterval? = nil,
        unlockSeconds: Int? = nil, advisory: DecisionReason? = nil
    ) {
        self.outcome = outcome
        self.reason = reason
        self.doorId = doorId
        self.personId = personId
        self.credentialId = credentialId
        self.levelId = levelId
        self.interval = interval
        self.unlockSeconds = unlockSeconds
        self.advisory = advisory
    }

    /// A deny with the given reason, for checks made outside the engine (`challenge_invalid`,
    /// `signature_invalid`, `certificate_invalid`, `pin_invalid`, …). A grant reason is turned into
    /// `unknown_credential` so that a deny can never carry a grant code.
    public static func deny(
        _ reason: DecisionReason, doorId: String? = nil, personId: String? = nil, credentialId: String? = nil
    ) -> Decision {
        Decision(outcome: .deny, reason: reason.isGrant ? .unknownCredential : reason, doorId: doorId,
            personId: personId, credentialId: credentialId)
    }

    /// Whether the door opens.
    public var isGranted: Bool { outcome == .grant }

    /// The check that failed, for a deny.
    public var failedCheck: PolicyCheck? { outcome == .deny ? reason.check : nil }

    /// Grant or deny.
    public enum Outcome: String, Sendable, Hashable, Codable {
        case grant
        case deny
    }
}

/// The schedule interval that made a level open.
public struct MatchedInterval: Sendable, Hashable {
    public var scheduleId: String
    /// The position in the schedule's `intervals` (or `holidayIntervals` when `holidayInterval`).
    public var index: Int
    public var holidayInterval: Bool
    public var interval: ScheduleInterval

    public init(scheduleId: String, index: Int, holidayInterval: Bool, interval: ScheduleInterval) {
        self.scheduleId = scheduleId
        self.index = index
        self.holidayInterval = holidayInterval
        self.interval = interval
    }
}
