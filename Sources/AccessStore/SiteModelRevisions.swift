import AccessPolicy
import GRDB
import Synchronization

/// The parts of a ``AccessPolicy/SiteModel`` that the store reads apart, each from its own tables.
public enum SiteModelPart: String, CaseIterable, Sendable {
    case timeZone, departments, people, credentials, zones, doors, schedules, holidays, accessLevels

    /// The model tables (``StoreSchema/modelTables``) the part is read from.
    var tables: [String] {
        switch self {
        case .timeZone: ["site_setting"]
        case .departments: ["department"]
        case .people: ["person"]
        case .credentials: ["card"]
        case .zones: ["zone"]
        case .doors: ["door"]
        case .schedules: ["schedule", "schedule_interval"]
        case .holidays: ["holiday"]
        case .accessLevels: ["access_level", "access_level_door", "access_level_person", "access_level_department"]
        }
    }

    public static let all = Set(allCases)
}

/// The revision of each model table: a random number that triggers replace on every insert, update and delete
/// (``StoreSchema/modelRevisionSQL``), whoever writes (the daemon, `cardgate site apply`, `sqlite3`).
///
/// Read in the same transaction as the model, the revisions say exactly which parts of the model changed since an
/// earlier read, so that a policy rebuild reads and compiles only those (``SiteModelStore/load(_:reusing:)``).
struct SiteModelRevisions: Sendable, Hashable {
    var revisions: [String: Int64]

    /// The revisions now, or nil in a database whose schema does not keep them yet.
    static func read(_ db: Database) throws -> SiteModelRevisions? {
        guard try db.tableExists("model_revision") else { return nil }
        var revisions: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, revision FROM model_revision") {
            revisions[try row.decode(atIndex: 0)] = try row.decode(atIndex: 1)
        }
        return SiteModelRevisions(revisions: revisions)
    }

    /// The parts with a table whose revision differs from `earlier`'s (or that either read lacks).
    func partsChanged(since earlier: SiteModelRevisions) -> Set<SiteModelPart> {
        SiteModelPart.all.filter { part in
            part.tables.contains { table in
                revisions[table] == nil || revisions[table] != earlier.revisions[table]
            }
        }
    }
}

/// A model read from the store, with the table revisions it was read at.
public struct StoredSiteModel: Sendable {
    public let model: SiteModel
    let revisions: SiteModelRevisions?
    /// The parts this read took from the database; the rest came from the earlier read it reused.
    public let partsRead: Set<SiteModelPart>
}

/// The newest model a store read (``AccessStore/currentSiteModel()``), which the next read starts from.
final class SiteModelCache: Sendable {
    private let stored = Mutex<StoredSiteModel?>(nil)

    var newest: StoredSiteModel? { stored.withLock { $0 } }

    func keep(_ model: StoredSiteModel) { stored.withLock { $0 = model } }
}
