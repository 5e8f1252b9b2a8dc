import GRDB

/// A row of `department`.
public struct DepartmentRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Hashable, Identifiable {
    public static let databaseTableName = "department"
    public var id: String
    public var name: String
    public var parentId: String?

    enum CodingKeys: String, CodingKey {
        case id, name
        case parentId = "parent_id"
    }

    public init(id: String, name: String, parentId: String? = nil) {
        self.id = id
        self.name = name
        self.parentId = parentId
    }
}
