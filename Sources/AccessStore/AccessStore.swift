import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CardGate's SQLite store: the policy model, tokens and the event journal in one database file.
///
/// Files are opened in WAL mode with `synchronous = FULL` and foreign keys on, so a committed
/// transaction survives a crash or power loss. Code reads and writes through `writer`.
public final class AccessStore: Sendable {
    /// How to open the database.
    public struct Options: Sendable {
        /// Open without writing: no migrations, no WAL checkpoints by this process.
        public var readOnly: Bool
        /// Caps the database size in pages (`PRAGMA max_page_count`); a write beyond fails with `diskFull`.
        public var maxPageCount: Int?
        /// WAL size in pages that triggers a checkpoint on commit (`PRAGMA wal_autocheckpoint`). Larger than
        /// SQLite's 1000 because journal appends rewrite the same index pages: fewer checkpoints write each
        /// page back less often (measured: 25-45 % more appends per second at 10 000, see Tools/JournalBench).
        public var walAutocheckpointPages: Int
        /// The page size of a database this call creates (`PRAGMA page_size`); an existing file keeps its own.
        public var pageSize: Int
        /// Bytes of the file each connection reads through a memory map (`PRAGMA mmap_size`) instead of copying
        /// pages with `read`; 0 turns it off. Worth it for long scans (verification); SQLite caps it (2 GB for
        /// Debian's build).
        public var memoryMapBytes: Int
        /// Refuse a file that is not already a CardGate store (missing, empty, another application's database)
        /// instead of creating one there: for commands that change an existing store.
        public var existingStoreOnly: Bool

        public init(
            readOnly: Bool = false, maxPageCount: Int? = nil, walAutocheckpointPages: Int = 10_000,
            pageSize: Int = 4096, memoryMapBytes: Int = 0, existingStoreOnly: Bool = false
        ) {
            self.readOnly = readOnly
            self.existingStoreOnly = existingStoreOnly
            self.maxPageCount = maxPageCount
            self.walAutocheckpointPages = walAutocheckpointPages
            self.pageSize = pageSize
            self.memoryMapBytes = memoryMapBytes
        }
    }

    /// The database connection(s): a `DatabasePool` for files, a `DatabaseQueue` in memory.
    public let writer: any DatabaseWriter
    /// The model read last (``currentSiteModel()``).
    let siteModels = SiteModelCache()

    private init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Opens (and creates or migrates, unless read-only) the store at `path`.
    ///
    /// - Throws: `AccessStoreError` with `notADatabase`, `corruptDatabase`, `cannotOpen`,
    ///   `notACardGateStore` (read-only and the tables are missing) and the like.
    public static func open(at path: String, options: Options = Options()) throws(AccessStoreError) -> AccessStore {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.readonly = options.readOnly
        configuration.busyMode = .timeout(5)
        let maxPageCount = options.maxPageCount
        let autocheckpoint = max(0, options.walAutocheckpointPages)
        let pageSize = options.pageSize
        let memoryMapBytes = max(0, options.memoryMapBytes)
        configuration.prepareDatabase { db in
            if memoryMapBytes > 0 {
                try db.execute(sql: "PRAGMA mmap_size = \(memoryMapBytes)")
            }
            // Takes effect only on a file without pages yet, i.e. before GRDB switches a new file to WAL.
            try db.execute(sql: "PRAGMA page_size = \(pageSize)")
            try db.execute(sql: "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = \(autocheckpoint)")
            if let maxPageCount {
                try db.execute(sql: "PRAGMA max_page_count = \(maxPageCount)")
            }
        }
        do {
            if options.existingStoreOnly {
                try requireExistingFile(at: path)
            }
            let writer: any DatabaseWriter
            if options.readOnly {
                // A pool even when read-only, so that verification can scan ranges in parallel.
                writer = try DatabasePool(path: path, configuration: configuration)
                // Verification and export read the journal of a store written by an earlier version too (an
                // evidence copy is not migrated); a store from a later version may mean things this one does not.
                let (journal, later) = try writer.read { db in
                    (try db.tableExists("journal_event"), try StoreSchema.migrator.hasBeenSuperseded(db))
                }
                guard journal else { throw AccessStoreError(.notACardGateStore, "\(path) is not a CardGate store") }
                guard !later else {
                    throw AccessStoreError(
                        .notACardGateStore, "\(path) was written by a later version of CardGate; use that version")
                }
            } else {
                writer = try DatabasePool(path: path, configuration: configuration)
                // GRDB switches a pool's writer to `synchronous = NORMAL` when it enables WAL, after
                // `prepareDatabase` ran: NORMAL syncs the WAL only at checkpoints, so a commit could be lost
                // on power failure. Set FULL again on the writer, where every commit then syncs the WAL.
                // Statement journals in memory on the writer: a row written to a model table also replaces its
                // table's revision (a trigger), so each such statement keeps a statement journal, which SQLite
                // otherwise writes to a temporary file; a whole reference site applied at once (350,000 rows) took
                // 13.5 s with the files and 8.4 s before the revisions. The writer's statements touch few pages each;
                // readers, whose sorts can be large, keep the default.
                try writer.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY")
                }
                if options.existingStoreOnly, try !writer.read({ db in try db.tableExists("journal_event") }) {
                    throw AccessStoreError(.notACardGateStore, "not a CardGate store; create one with cardgate init")
                }
                try StoreSchema.migrator.migrate(writer)
            }
            return AccessStore(writer: writer)
        } catch {
            var mapped = AccessStoreError(error)
            mapped.message = "\(path): \(mapped.message)"
            throw mapped
        }
    }

    /// The migrations that opening the existing store at `path` will apply, in order: none for a missing file, a
    /// new store or a current one. The daemon says so before it opens a store that needs them, since building the
    /// journal's query lookup for a large journal takes a while (10 M events: about a minute).
    public static func pendingMigrations(at path: String) -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        guard FileManager.default.fileExists(atPath: path),
            let queue = try? DatabaseQueue(path: path, configuration: configuration),
            let applied = try? queue.read({ db in try StoreSchema.migrator.appliedIdentifiers(db) }),
            !applied.isEmpty
        else { return [] }
        return StoreSchema.migrator.migrations.filter { !applied.contains($0) }
    }

    /// Refuses a missing or empty file before SQLite would make a new database of it.
    private static func requireExistingFile(at path: String) throws(AccessStoreError) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw AccessStoreError(.cannotOpen, "the file does not exist; create a store with cardgate init")
        }
        guard status.st_size > 0 else {
            throw AccessStoreError(.notACardGateStore, "the file is empty, not a CardGate store")
        }
    }

    /// A new, migrated store in memory (tests, simulations).
    public static func inMemory() throws(AccessStoreError) -> AccessStore {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        do {
            let queue = try DatabaseQueue(configuration: configuration)
            try StoreSchema.migrator.migrate(queue)
            return AccessStore(writer: queue)
        } catch {
            throw AccessStoreError(error)
        }
    }
}
