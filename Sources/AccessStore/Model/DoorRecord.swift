import GRDB

/// A row of `door`: it leads from one zone (or outside) into another.
public struct DoorRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Hashable, Identifiable {
    public static let databaseTableName = "door"
    public var id: String
    public var name: String
    public var fromZoneId: String?
    public var toZoneId: String
    public var mode: DoorMode
    public var minAssurance: Assurance
    public var unlockSeconds: Int
    public var twoPersonSeconds: Int?
    public var escortSeconds: Int?
    public var meetingRoom: Bool
    public var attendancePoint: Bool

    enum CodingKeys: String, CodingKey {
        case id, name, mode
        case fromZoneId = "from_zone_id"
        case toZoneId = "to_zone_id"
        case minAssurance = "min_assurance"
        case unlockSeconds = "unlock_seconds"
        case twoPersonSeconds = "two_person_seconds"
        case escortSeconds = "escort_seconds"
        case meetingRoom = "meeting_room"
        case attendancePoint = "attendance_point"
    }

    public init(
        id: String, name: String, fromZoneId: String? = nil, toZoneId: String, mode: DoorMode = .normal,
        minAssurance: Assurance = .pkiCak, unlockSeconds: Int = 5, twoPersonSeconds: Int? = nil,
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
