import GRDB

/// Reading a whole model table by column position, for the policy rebuild after every administrative change.
///
/// GRDB's `Codable` decoding looks every column up by name through keyed containers; at the reference site
/// (100,000 people, 200,000 cards) that was most of the time a rebuild spent reading. A record that conforms lists
/// its columns once, and `init(orderedRow:)` reads them by index in that order.
protocol OrderedColumns {
    /// The columns `init(orderedRow:)` reads, in its order, as an SQL select list.
    static var orderedColumns: String { get }
    init(orderedRow row: Row) throws
}

extension OrderedColumns where Self: TableRecord {
    /// Every row of the table, ordered by `orderBy` (SQL).
    static func fetchAllOrdered(_ db: Database, orderBy: String) throws -> [Self] {
        try Array(cursorOrdered(db, orderBy: orderBy).map { try Self(orderedRow: $0) })
    }

    /// The rows of the table with the columns `init(orderedRow:)` reads, ordered by `orderBy` (SQL).
    static func cursorOrdered(_ db: Database, orderBy: String) throws -> RowCursor {
        try Row.fetchCursor(db, sql: "SELECT \(orderedColumns) FROM \(databaseTableName) ORDER BY \(orderBy)")
    }
}

extension Row {
    /// The enumeration stored at `index`; a value the schema would not allow is a corrupt database.
    func enumeration<Value: RawRepresentable>(atIndex index: Int, in table: String) throws -> Value
    where Value.RawValue == String {
        let text: String = try decode(atIndex: index)
        guard let value = Value(rawValue: text) else {
            throw AccessStoreError(.corruptDatabase, "\(table) holds '\(text)', which is not a \(Value.self)")
        }
        return value
    }
}

extension PersonRecord: OrderedColumns {
    static let orderedColumns = "id, display_name, department_id, kind, status, responder, external_ids, pin_hash"

    init(orderedRow row: Row) throws {
        self.init(
            id: try row.decode(atIndex: 0), displayName: try row.decode(atIndex: 1),
            departmentId: try row.decode(atIndex: 2), kind: try row.enumeration(atIndex: 3, in: "person"),
            status: try row.enumeration(atIndex: 4, in: "person"), responder: try row.decode(atIndex: 5),
            externalIds: try row.decode(atIndex: 6), pinHash: try row.decode(atIndex: 7))
    }
}

extension CardRecord: OrderedColumns {
    static let orderedColumns = """
        id, person_id, type, certificate, uid, piv_guid, fingerprint, status, status_reason, valid_from_ms, \
        valid_until_ms
        """

    /// ``orderedColumns`` with NULL for the certificate, which the policy model does not hold.
    static let orderedColumnsWithoutCertificate = orderedColumns.replacingOccurrences(
        of: "certificate", with: "NULL AS certificate")

    init(orderedRow row: Row) throws {
        self.init(
            id: try row.decode(atIndex: 0), personId: try row.decode(atIndex: 1),
            type: try row.enumeration(atIndex: 2, in: "card"), certificate: try row.decode(atIndex: 3),
            uid: try row.decode(atIndex: 4), pivGuid: try row.decode(atIndex: 5),
            fingerprint: try row.decode(atIndex: 6), status: try row.enumeration(atIndex: 7, in: "card"),
            statusReason: try row.decode(atIndex: 8), validFromMilliseconds: try row.decode(atIndex: 9),
            validUntilMilliseconds: try row.decode(atIndex: 10))
    }
}

extension AccessLevelDoorRecord: OrderedColumns {
    static let orderedColumns = "access_level_id, door_id"

    init(orderedRow row: Row) throws {
        self.init(accessLevelId: try row.decode(atIndex: 0), doorId: try row.decode(atIndex: 1))
    }
}
