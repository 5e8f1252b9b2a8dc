import AccessPolicy
import GRDB

/// One record of the policy model as the administration API edits it: the row of its table and the rows that
/// belong to it (a schedule's intervals, an access level's doors and holders).
///
/// Rows carry the columns the model does not hold (a person's external ids and PIN hash, a card's certificate and
/// status reason, a zone's anti-passback reset), so an edit made through the API keeps them.
public enum AdminEntity: Sendable, Hashable {
    case department(DepartmentRecord)
    case person(PersonRecord)
    case card(CardRecord)
    case zone(ZoneRecord)
    case door(DoorRecord)
    /// A schedule and its intervals (holiday intervals flagged), in position order.
    case schedule(ScheduleRecord, intervals: [ScheduleIntervalRecord])
    case holiday(HolidayRecord)
    /// An access level, its doors and its holders.
    case accessLevel(AccessLevelRecord, doorIds: [String], holders: [AccessLevelAssignmentRecord])

    /// The entity's id.
    public var id: String {
        switch self {
        case .department(let record): record.id
        case .person(let record): record.id
        case .card(let record): record.id
        case .zone(let record): record.id
        case .door(let record): record.id
        case .schedule(let record, _): record.id
        case .holiday(let record): record.id
        case .accessLevel(let record, _, _): record.id
        }
    }

    /// The model collection the entity belongs to.
    public var collection: SiteCollection {
        switch self {
        case .department: .departments
        case .person: .people
        case .card: .credentials
        case .zone: .zones
        case .door: .doors
        case .schedule: .schedules
        case .holiday: .holidays
        case .accessLevel: .accessLevels
        }
    }

    /// The entity with its child rows in the order the store reads them back (doors sorted and unique, people
    /// before departments, intervals by kind and position), so that equal entities compare equal.
    public var normalized: AdminEntity {
        switch self {
        case .schedule(let record, let intervals):
            let ordered = intervals.sorted { ($0.holiday ? 1 : 0, $0.position) < ($1.holiday ? 1 : 0, $1.position) }
            return .schedule(record, intervals: ordered)
        case .accessLevel(let record, let doorIds, let holders):
            return .accessLevel(record, doorIds: Set(doorIds).sorted(),
                holders: holders.sorted(by: SiteModelRows.holderOrder))
        case .card(var record):
            record.uid = record.uid?.uppercased()
            record.fingerprint = record.fingerprint?.lowercased()
            record.pivGuid = record.pivGuid?.lowercased()
            return .card(record)
        default:
            return self
        }
    }

    /// The rows of this entity alone.
    var rows: SiteModelRows {
        var rows = SiteModelRows()
        switch normalized {
        case .department(let record): rows.departments = [record]
        case .person(let record): rows.people = [record]
        case .card(let record): rows.cards = [record]
        case .zone(let record): rows.zones = [record]
        case .door(let record): rows.doors = [record]
        case .schedule(let record, let intervals):
            rows.schedules = [record]
            if !intervals.isEmpty { rows.intervals[record.id] = intervals }
        case .holiday(let record): rows.holidays = [record]
        case .accessLevel(let record, let doorIds, let holders):
            rows.levels = [record]
            if !doorIds.isEmpty {
                rows.levelDoors[record.id] = doorIds.map { AccessLevelDoorRecord(accessLevelId: record.id, doorId: $0) }
            }
            if !holders.isEmpty { rows.assignments[record.id] = holders }
        }
        return rows
    }
}

extension AdminEntity {
    /// The database table of each collection.
    public static func table(of collection: SiteCollection) -> String {
        switch collection {
        case .departments: "department"
        case .people: "person"
        case .credentials: "card"
        case .zones: "zone"
        case .doors: "door"
        case .schedules: "schedule"
        case .holidays: "holiday"
        case .accessLevels: "access_level"
        }
    }

    /// The name of one entity of a collection, as in journal reasons (`person`, `card`, `access_level`), or with
    /// a space for people to read (`access level`).
    public static func noun(of collection: SiteCollection, spaced: Bool = false) -> String {
        let noun = collection == .people ? "person" : collection == .credentials ? "card" : table(of: collection)
        return spaced ? noun.replacingOccurrences(of: "_", with: " ") : noun
    }

    /// Reads the entity `id` of `collection`; nil when there is none.
    public static func fetch(_ collection: SiteCollection, id: String, in db: Database) throws -> AdminEntity? {
        try fetchAll(collection, sql: "WHERE id = ?", arguments: [id], in: db).first
    }

    /// Reads the entities of `collection` selected by `filter` (an SQL `WHERE …` clause with its `ORDER BY` and
    /// `LIMIT`), with their child rows.
    static func fetchAll(
        _ collection: SiteCollection, sql filter: String, arguments: StatementArguments, in db: Database
    ) throws -> [AdminEntity] {
        let sql = "SELECT * FROM \(table(of: collection)) " + filter
        switch collection {
        case .departments:
            return try DepartmentRecord.fetchAll(db, sql: sql, arguments: arguments).map(AdminEntity.department)
        case .people:
            return try PersonRecord.fetchAll(db, sql: sql, arguments: arguments).map(AdminEntity.person)
        case .credentials:
            return try CardRecord.fetchAll(db, sql: sql, arguments: arguments).map(AdminEntity.card)
        case .zones:
            return try ZoneRecord.fetchAll(db, sql: sql, arguments: arguments).map(AdminEntity.zone)
        case .doors:
            return try DoorRecord.fetchAll(db, sql: sql, arguments: arguments).map(AdminEntity.door)
        case .holidays:
            return try HolidayRecord.fetchAll(db, sql: sql, arguments: arguments).map(AdminEntity.holiday)
        case .schedules:
            return try ScheduleRecord.fetchAll(db, sql: sql, arguments: arguments).map { record in
                let intervals = try ScheduleIntervalRecord.filter(Column("schedule_id") == record.id)
                    .order(Column("holiday"), Column("position")).fetchAll(db)
                return .schedule(record, intervals: intervals)
            }
        case .accessLevels:
            return try AccessLevelRecord.fetchAll(db, sql: sql, arguments: arguments).map { record in
                let doors = try String.fetchAll(db,
                    sql: "SELECT door_id FROM access_level_door WHERE access_level_id = ? ORDER BY door_id",
                    arguments: [record.id])
                let holders = try AccessLevelAssignmentRecord.fetchAll(db, accessLevelId: record.id)
                return .accessLevel(record, doorIds: doors, holders: holders.sorted(by: SiteModelRows.holderOrder))
            }
        }
    }
}

extension AdminEntity {
    /// The change of writing this entity.
    func modelChange() throws(AccessStoreError) -> AdminModelChange {
        AdminModelChange(collection: collection, id: id, written: try rows.model())
    }
}
