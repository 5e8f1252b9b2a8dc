import GRDB

/// A row of `holiday`: a solar or lunar month and day every year, or a one-off date, lasting `days` days.
public struct HolidayRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Hashable, Identifiable {
    public static let databaseTableName = "holiday"
    public var id: String
    public var name: String
    public var kind: HolidayKind
    public var month: Int?
    public var day: Int?
    /// `YYYY-MM-DD` for `once`.
    public var date: String?
    public var days: Int

    public init(
        id: String, name: String, kind: HolidayKind, month: Int? = nil, day: Int? = nil, date: String? = nil,
        days: Int = 1
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.month = month
        self.day = day
        self.date = date
        self.days = days
    }
}
