import GRDB

/// A row of `access_level`: doors (`AccessLevelDoorRecord`) open on a schedule to the people and
/// departments assigned to it (`AccessLevelAssignmentRecord`).
public struct AccessLevelRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Hashable, Identifiable {
    public static let databaseTableName = "access_level"
    public var id: String
    public var name: String
    public var scheduleId: String
    public var validFromMilliseconds: Int64?
    public var validUntilMilliseconds: Int64?

    enum CodingKeys: String, CodingKey {
        case id, name
        case scheduleId = "schedule_id"
        case validFromMilliseconds = "valid_from_ms"
        case validUntilMilliseconds = "valid_until_ms"
    }

    public init(
        id: String, name: String, scheduleId: String, validFromMilliseconds: Int64? = nil,
        validUntilMilliseconds: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.scheduleId = scheduleId
        self.validFromMilliseconds = validFromMilliseconds
        self.validUntilMilliseconds = validUntilMilliseconds
    }
}

/// A row of `access_level_door`.
public struct AccessLevelDoorRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Hashable {
    public static let databaseTableName = "access_level_door"
    public var accessLevelId: String
    public var doorId: String

    enum CodingKeys: String, CodingKey {
        case accessLevelId = "access_level_id"
        case doorId = "door_id"
    }

    public init(accessLevelId: String, doorId: String) {
        self.accessLevelId = accessLevelId
        self.doorId = doorId
    }
}
