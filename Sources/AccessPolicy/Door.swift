/// A door (or turnstile, gate) between two zones.
///
/// Maps to the API's Door `{id, name, fromZoneId?, toZoneId, mode, minAssurance, unlockSeconds, twoPersonSeconds?,
/// escortSeconds?, meetingRoom?, attendancePoint?}`. Passing it `in` goes from `fromZoneId` (nil: outside the site)
/// to `toZoneId`; passing it `out` goes back.
public struct Door: Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var fromZoneId: String?
    public var toZoneId: String
    public var mode: DoorMode
    public var minAssurance: Assurance
    public var unlockSeconds: Int
    /// Two-person rule: a second, different person must present within this many seconds of the first.
    public var twoPersonSeconds: Int?
    /// Visitors pass only within this many seconds after a staff member passed the same door (their escort).
    public var escortSeconds: Int?
    public var meetingRoom: Bool
    public var attendancePoint: Bool

    public init(
        id: String, name: String, fromZoneId: String? = nil, toZoneId: String, mode: DoorMode = .normal,
        minAssurance: Assurance = .uid, unlockSeconds: Int = 5, twoPersonSeconds: Int? = nil,
        escortSeconds: Int? = nil, meetingRoom: Bool = false, attendancePoint: Bool = false
    ) {
        self.id = id
        self.name = name
        self.fromZoneId = fromZoneId
        self.toZoneId = toZoneId
        self.mode = mode
        self.minAssurance = minAssurance
        self.unlockSeconds = unlockSeconds
        self.twoPersonSeconds = twoPersonSeconds
        self.escortSeconds = escortSeconds
        self.meetingRoom = meetingRoom
        self.attendancePoint = attendancePoint
    }
}

/// How a door behaves.
public enum DoorMode: String, Sendable, Hashable, CaseIterable, Codable {
    /// A valid credential, an access level and its schedule are needed.
    case normal
    /// Unlocked for anyone holding a valid credential; no access level needed.
    case freeAccess = "free_access"
    /// Nobody passes by card.
    case locked
    /// As `normal`, and the holder must also prove their PIN.
    case cardAndPin = "card_and_pin"
}

/// Which way someone passes a door.
public enum Direction: String, Sendable, Hashable, CaseIterable, Codable {
    /// From `fromZoneId` into `toZoneId`.
    case `in`
    /// From `toZoneId` back to `fromZoneId`.
    case out
}
