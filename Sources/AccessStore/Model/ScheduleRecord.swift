import GRDB

/// A row of `schedule`; its intervals are `ScheduleIntervalRecord`s.
public struct ScheduleRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Hashable, Identifiable {
    public static let databaseTableName = "schedule"
    public var id: String
    public var name: String
    public var onHolidays: HolidayPolicy

    enum CodingKeys: String, CodingKey {
        case id, name
        case onHolidays = "on_holidays"
    }

    public init(id: String, name: String, onHolidays: HolidayPolicy = .closed) {
        self.id = id
        self.name = name
        self.onHolidays = onHolidays
    }
}

/// A row of `schedule_interval`: days as a bit set (Monday = bit 0 ... Sunday = bit 6) and minutes of the
/// day; `endMinute` 1440 is the end of the day, and a start after the end crosses midnight.
public struct ScheduleIntervalRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Hashable {
    public static let databaseTableName = "schedule_interval"
    public var scheduleId: String
    /// Whether this is one of the schedule's holiday intervals.
    public var holiday: Bool
    public var position: Int
    public var days: Int
    public var startMinute: Int
    public var endMinute: Int

    enum CodingKeys: String, CodingKey {
        case holiday, position, days
        case scheduleId = "schedule_id"
        case startMinute = "start_minute"
        case endMinute = "end_minute"
    }

    public init(scheduleId: String, holiday: Bool = false, position: Int, days: Int, startMinute: Int, endMinute: Int) {
        self.scheduleId = scheduleId
        self.holiday = holiday
        self.position = position
        self.days = days
        self.startMinute = startMinute
        self.endMinute = endMinute
    }
}
