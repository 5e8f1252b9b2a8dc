import Foundation

/// What changes at a site as people pass: lockdowns, door-mode overrides, who is in which zone, pending two-person
/// and escort taps. A value; ``PolicySnapshot/evaluate(_:in:)`` reads it and returns a ``StateChange`` that
/// ``apply(_:)`` makes, separately.
///
/// Keyed by string ids so that it survives a rebuilt snapshot.
public struct SiteState: Sendable, Hashable {
    /// Zones in lockdown (their sub-zones too): only responders pass doors into or out of them.
    public var lockdownZones: Set<String>
    /// Door modes set by security staff, in force instead of the doors' own.
    public var doorModeOverrides: [String: DoorMode]
    /// Where each person was last recorded, by person id.
    public var presence: [String: Presence]
    /// How many people are recorded in each zone, by zone id.
    public var occupancy: [String: Int]
    /// The first tap at each two-person door still waiting for a second person, by door id.
    public var pendingTwoPerson: [String: Tap]
    /// The last staff member who passed each escort door, by door id.
    public var lastEscort: [String: Tap]

    public init(
        lockdownZones: Set<String> = [], doorModeOverrides: [String: DoorMode] = [:],
        presence: [String: Presence] = [:], occupancy: [String: Int] = [:], pendingTwoPerson: [String: Tap] = [:],
        lastEscort: [String: Tap] = [:]
    ) {
        self.lockdownZones = lockdownZones
        self.doorModeOverrides = doorModeOverrides
        self.presence = presence
        self.occupancy = occupancy
        self.pendingTwoPerson = pendingTwoPerson
        self.lastEscort = lastEscort
    }

    /// Makes a change returned by ``PolicySnapshot/evaluate(_:in:)``.
    public mutating func apply(_ change: StateChange) {
        switch change {
        case .passage(let passage):
            if let previous = presence[passage.personId]?.zoneId, let count = occupancy[previous] {
                occupancy[previous] = count > 1 ? count - 1 : nil
            }
            presence[passage.personId] = Presence(zoneId: passage.toZoneId, since: passage.time)
            if let zone = passage.toZoneId { occupancy[zone, default: 0] += 1 }
            if passage.recordsEscort {
                lastEscort[passage.doorId] = Tap(personId: passage.personId, time: passage.time)
            }
            if passage.completesTwoPerson { pendingTwoPerson[passage.doorId] = nil }
        case .twoPersonPending(let doorId, let tap):
            pendingTwoPerson[doorId] = tap
        }
    }

    /// Forgets a person's recorded zone (an administrator's anti-passback reset).
    public mutating func resetPresence(of personId: String) {
        guard let removed = presence.removeValue(forKey: personId), let zone = removed.zoneId,
            let count = occupancy[zone]
        else { return }
        occupancy[zone] = count > 1 ? count - 1 : nil
    }

    /// Where a person was last recorded.
    public struct Presence: Sendable, Hashable {
        /// nil: outside the site.
        public var zoneId: String?
        public var since: Date

        public init(zoneId: String?, since: Date) {
            self.zoneId = zoneId
            self.since = since
        }
    }

    /// A person's tap at a door.
    public struct Tap: Sendable, Hashable {
        public var personId: String
        public var time: Date

        public init(personId: String, time: Date) {
            self.personId = personId
            self.time = time
        }
    }
}

/// The change one decision makes to a ``SiteState``.
///
/// A grant returns `.passage`. A deny returns no change, with one exception that is the point of the rule:
/// `two_person_pending` records the first person's tap (`.twoPersonPending`).
public enum StateChange: Sendable, Hashable {
    case passage(Passage)
    case twoPersonPending(doorId: String, SiteState.Tap)
}

/// Someone passing a door from one zone to another.
public struct Passage: Sendable, Hashable {
    public var personId: String
    public var doorId: String
    public var fromZoneId: String?
    public var toZoneId: String?
    public var time: Date
    /// A staff member passing an escort door: visitors may follow within the window.
    public var recordsEscort: Bool
    /// The second person of a two-person door: the pending tap is used up.
    public var completesTwoPerson: Bool

    public init(
        personId: String, doorId: String, fromZoneId: String?, toZoneId: String?, time: Date,
        recordsEscort: Bool = false, completesTwoPerson: Bool = false
    ) {
        self.personId = personId
        self.doorId = doorId
        self.fromZoneId = fromZoneId
        self.toZoneId = toZoneId
        self.time = time
        self.recordsEscort = recordsEscort
        self.completesTwoPerson = completesTwoPerson
    }
}

/// A decision and the state change it makes (nil for none).
public struct Evaluation: Sendable, Hashable {
    public var decision: Decision
    public var change: StateChange?

    public init(decision: Decision, change: StateChange?) {
        self.decision = decision
        self.change = change
    }
}
