import GRDB

/// A row of `zone`.
public struct ZoneRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Hashable, Identifiable {
    public static let databaseTableName = "zone"
    public var id: String
    public var name: String
    public var parentId: String?
    public var antiPassback: AntiPassback
    /// Seconds after which a recorded presence no longer blocks anti-passback; nil: never.
    public var antiPassbackResetSeconds: Int?
    public var maxOccupancy: Int?

    enum CodingKeys: String, CodingKey {
        case id, name
        case parentId = "parent_id"
        case antiPassback = "anti_passback"
        case antiPassbackResetSeconds = "anti_passback_reset_seconds"
        case maxOccupancy = "max_occupancy"
    }

    public init(
        id: String, name: String, parentId: String? = nil, antiPassback: AntiPassback = .none, maxOccupancy: Int? = nil,
        antiPassbackResetSeconds: Int? = nil
    ) {
        self.id = id
        self.name = name
        self.parentId = parentId
        self.antiPassback = antiPassback
        self.maxOccupancy = maxOccupancy
        self.antiPassbackResetSeconds = antiPassbackResetSeconds
    }
}
