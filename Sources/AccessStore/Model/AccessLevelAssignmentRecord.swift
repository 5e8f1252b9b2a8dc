import GRDB

/// A row of `access_level_person` or `access_level_department`: who holds an access level, and when.
public struct AccessLevelAssignmentRecord: Codable, Sendable, Hashable {
    /// Whom the level is assigned to.
    public enum Holder: Sendable, Hashable {
        case person(String)
        case department(String)
    }

    public var accessLevelId: String
    public var holder: Holder
    public var validFromMilliseconds: Int64?
    public var validUntilMilliseconds: Int64?

    public init(
        accessLevelId: String, holder: Holder, validFromMilliseconds: Int64? = nil, validUntilMilliseconds: Int64? = nil
    ) {
        self.accessLevelId = accessLevelId
        self.holder = holder
        self.validFromMilliseconds = validFromMilliseconds
        self.validUntilMilliseconds = validUntilMilliseconds
    }

    enum CodingKeys: String, CodingKey {
        case accessLevelId = "access_level_id"
        case personId = "person_id"
        case departmentId = "department_id"
        case validFromMilliseconds = "valid_from_ms"
        case validUntilMilliseconds = "valid_until_ms"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        accessLevelId = try container.decode(String.self, forKey: .accessLevelId)
        if let person = try container.decodeIfPresent(String.self, forKey: .personId) {
            holder = .person(person)
        } else {
            holder = .department(try container.decode(String.self, forKey: .departmentId))
        }
        validFromMilliseconds = try container.decodeIfPresent(Int64.self, forKey: .validFromMilliseconds)
        validUntilMilliseconds = try container.decodeIfPresent(Int64.self, forKey: .validUntilMilliseconds)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(accessLevelId, forKey: .accessLevelId)
        switch holder {
        case .person(let id): try container.encode(id, forKey: .personId)
        case .department(let id): try container.encode(id, forKey: .departmentId)
        }
        try container.encode(validFromMilliseconds, forKey: .validFromMilliseconds)
        try container.encode(validUntilMilliseconds, forKey: .validUntilMilliseconds)
    }

    /// Inserts or replaces the assignment in the table that matches its holder.
    public func save(_ db: Database) throws {
        let (table, column, id): (String, String, String)
        switch holder {
        case .person(let person): (table, column, id) = ("access_level_person", "person_id", person)
        case .department(let department): (table, column, id) = ("access_level_department", "department_id", department)
        }
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO \(table) (access_level_id, \(column), valid_from_ms, valid_until_ms)
                VALUES (?, ?, ?, ?)
                """,
            arguments: [accessLevelId, id, validFromMilliseconds, validUntilMilliseconds])
    }

    /// All assignments of the access level with `accessLevelId`.
    public static func fetchAll(_ db: Database, accessLevelId: String) throws -> [AccessLevelAssignmentRecord] {
        let sql = """
            SELECT access_level_id, person_id, NULL AS department_id, valid_from_ms, valid_until_ms
            FROM access_level_person WHERE access_level_id = ?1
            UNION ALL
            SELECT access_level_id, NULL, department_id, valid_from_ms, valid_until_ms
            FROM access_level_department WHERE access_level_id = ?1
            """
        return try Row.fetchAll(db, sql: sql, arguments: [accessLevelId]).map { row in
            let person: String? = try row.decode(atIndex: 1)
            let department: String? = try row.decode(atIndex: 2)
            guard let holder = person.map(Holder.person) ?? department.map(Holder.department) else {
                throw AccessStoreError(.corruptDatabase, "an assignment of \(accessLevelId) has no holder")
            }
            return AccessLevelAssignmentRecord(
                accessLevelId: try row.decode(atIndex: 0), holder: holder,
                validFromMilliseconds: try row.decode(atIndex: 3), validUntilMilliseconds: try row.decode(atIndex: 4))
        }
    }
}
