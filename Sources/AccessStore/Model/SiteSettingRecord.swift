import GRDB

/// The one row of `site_setting`: the site's time zone, which schedules are evaluated in.
public struct SiteSettingRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Hashable {
    public static let databaseTableName = "site_setting"
    /// Always 1: the table holds one row.
    public var id: Int
    /// The IANA name, e.g. `Asia/Ho_Chi_Minh`.
    public var timeZone: String
    public var secondsFromUTC: Int

    enum CodingKeys: String, CodingKey {
        case id
        case timeZone = "time_zone"
        case secondsFromUTC = "seconds_from_utc"
    }

    public init(timeZone: String, secondsFromUTC: Int) {
        self.id = 1
        self.timeZone = timeZone
        self.secondsFromUTC = secondsFromUTC
    }
}
