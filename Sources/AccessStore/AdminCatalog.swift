import AccessPolicy
import GRDB

/// Reads the policy model for the administration API: pages of one collection in id order, with filters, and
/// single entities.
public struct AdminCatalog: Sendable {
    /// What a list can be filtered by; each collection supports some (``supported(by:)``).
    public enum Filter: String, Sendable, Hashable, CaseIterable {
        case parentId, departmentId, personId, status, kind, type, zoneId, doorId, scheduleId
    }

    /// One page: the entities and the cursor of the next page (nil on the last page).
    public struct Page: Sendable {
        public var entities: [AdminEntity]
        public var nextCursor: String?
    }

    /// The largest page.
    public static let maximumLimit = 1000

    let reader: any DatabaseReader

    public init(store: AccessStore) {
        reader = store.writer
    }

    /// The filters a collection's list takes.
    public static func supported(by collection: SiteCollection) -> [Filter] {
        switch collection {
        case .departments, .zones: [.parentId]
        case .people: [.departmentId, .status, .kind]
        case .credentials: [.personId, .status, .type]
        case .doors: [.zoneId]
        case .schedules: []
        case .holidays: [.kind]
        case .accessLevels: [.doorId, .personId, .departmentId, .scheduleId]
        }
    }

    /// The SQL condition of a filter on a collection's table (one `?`).
    static func condition(_ filter: Filter, _ collection: SiteCollection) -> String? {
        guard supported(by: collection).contains(filter) else { return nil }
        switch (filter, collection) {
        case (.zoneId, _): return "(from_zone_id = ?1 OR to_zone_id = ?1)"
        case (.doorId, _): return "id IN (SELECT access_level_id FROM access_level_door WHERE door_id = ?1)"
        case (.personId, .accessLevels):
            return "id IN (SELECT access_level_id FROM access_level_person WHERE person_id = ?1)"
        case (.departmentId, .accessLevels):
            return "id IN (SELECT access_level_id FROM access_level_department WHERE department_id = ?1)"
        case (.parentId, _): return "parent_id = ?1"
        case (.departmentId, _): return "department_id = ?1"
        case (.personId, _): return "person_id = ?1"
        case (.scheduleId, _): return "schedule_id = ?1"
        case (.status, _), (.kind, _), (.type, _): return "\(filter.rawValue) = ?1"
        }
    }

    /// Entities of `collection` matching every filter, with ids after `cursor`, at most `limit` of them.
    ///
    /// - Throws: `invalidInput` for a filter the collection does not take or a limit out of range.
    public func page(
        _ collection: SiteCollection, filters: [Filter: String] = [:], after cursor: String? = nil, limit: Int = 50
    ) async throws(AccessStoreError) -> Page {
        guard (1...Self.maximumLimit).contains(limit) else {
            throw AccessStoreError(.invalidInput, "limit must be between 1 and \(Self.maximumLimit)")
        }
        var conditions: [String] = []
        var values: [String] = []
        for (filter, value) in filters.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            guard let condition = Self.condition(filter, collection) else {
                throw AccessStoreError(.invalidInput, "\(collection.rawValue) cannot be filtered by \(filter.rawValue)")
            }
            values.append(value)
            conditions.append(condition.replacingOccurrences(of: "?1", with: "?\(values.count)"))
        }
        if let cursor {
            values.append(cursor)
            conditions.append("id > ?\(values.count)")
        }
        let clause = (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY id LIMIT \(limit + 1)"
        let arguments = values
        do {
            let entities = try await reader.read { db in
                try AdminEntity.fetchAll(collection, sql: clause,
                    arguments: StatementArguments(arguments.map { $0 as (any DatabaseValueConvertible)? }), in: db)
            }
            let more = entities.count > limit
            let items = Array(entities.prefix(limit))
            return Page(entities: items, nextCursor: more ? items.last?.id : nil)
        } catch {
            throw AccessStoreError(error)
        }
    }

    /// The entity `id` of `collection`, or nil.
    public func entity(_ collection: SiteCollection, id: String) async throws(AccessStoreError) -> AdminEntity? {
        do {
            return try await reader.read { db in try AdminEntity.fetch(collection, id: id, in: db) }
        } catch {
            throw AccessStoreError(error)
        }
    }
}
