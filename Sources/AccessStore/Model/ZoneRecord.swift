import GRDB

/// A row of `zone`.
public struct ZoneRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Hashable, Identifiable {
    public static let databaseTableName = "zone"
    public var id: String
    public var name: String
    public var parentId: String?
    public var antiPassback: AntiPassback
    public var maxOccupancy: Int?

    enum CodingKeys: String, CodingKey {
        case id, name
        case parentId = "parent_id"
        case antiPassback = "anti_passback"
        case maxOccupancy = "max_occupancy"
    }

    public init(
        id: String, name: String, parentId: String? = nil, antiPassback: AntiPassback = .none, maxOccupancy: Int? = nil
    ) {
        self.id = id
        self.name = name
        self.parentId = parentId
        self.antiPassback = antiPassback
        self.maxOccupancy = maxOccupancy
    }
}
