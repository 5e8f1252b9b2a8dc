import AccessPolicy
import AccessStore
import GRDB
import Testing

/// The policy rebuild reads only the parts of the model whose tables changed since its last read, and what it
/// builds is the model a full read gives.
@Suite struct SiteModelRevisionTests {
    /// One change made with SQL, as any writer could make it, and the part it must make the rebuild read again.
    struct Change: Sendable, CustomTestStringConvertible {
        var sql: String
        var part: SiteModelPart
        var testDescription: String { "\(part.rawValue): \(sql)" }
    }

    static let changes: [Change] = [
        Change(sql: "UPDATE site_setting SET time_zone = 'Asia/Bangkok'", part: .timeZone),
        Change(sql: "UPDATE department SET name = 'Renamed' WHERE id = (SELECT min(id) FROM department)",
            part: .departments),
        Change(sql: "UPDATE person SET display_name = 'Renamed' WHERE id = (SELECT min(id) FROM person)",
            part: .people),
        Change(sql: "UPDATE card SET status = 'suspended' WHERE id = (SELECT min(id) FROM card)", part: .credentials),
        Change(sql: "DELETE FROM card WHERE id = (SELECT max(id) FROM card)", part: .credentials),
        Change(sql: "UPDATE zone SET name = 'Renamed' WHERE id = (SELECT min(id) FROM zone)", part: .zones),
        Change(sql: "UPDATE door SET unlock_seconds = 9 WHERE id = (SELECT min(id) FROM door)", part: .doors),
        Change(sql: "UPDATE schedule SET name = 'Renamed' WHERE id = (SELECT min(id) FROM schedule)",
            part: .schedules),
        Change(sql: "DELETE FROM schedule_interval WHERE rowid = (SELECT max(rowid) FROM schedule_interval)",
            part: .schedules),
        Change(sql: "UPDATE holiday SET name = 'Renamed' WHERE id = (SELECT min(id) FROM holiday)", part: .holidays),
        Change(sql: "UPDATE access_level SET name = 'Renamed' WHERE id = (SELECT min(id) FROM access_level)",
            part: .accessLevels),
        Change(sql: "DELETE FROM access_level_door WHERE rowid = (SELECT max(rowid) FROM access_level_door)",
            part: .accessLevels),
        Change(
            sql: """
                INSERT INTO access_level_person (access_level_id, person_id)
                VALUES ((SELECT min(id) FROM access_level), (SELECT min(id) FROM person))
                """,
            part: .accessLevels),
        Change(
            sql: "DELETE FROM access_level_department WHERE rowid = (SELECT max(rowid) FROM access_level_department)",
            part: .accessLevels),
    ]

    @Test(arguments: changes)
    func aChangeIsReadAgainAndOnlyItsPart(_ change: Change) async throws {
        let store = try await ExampleSite.store()
        let earlier = try await store.writer.read { db in try SiteModelStore.load(db, reusing: nil) }
        #expect(earlier.partsRead == SiteModelPart.all)
        try await store.writer.write { db in
            try db.execute(sql: change.sql)
            #expect(db.changesCount == 1, "the change must touch one row")
        }
        let (updated, full) = try await store.writer.read { db in
            (try SiteModelStore.load(db, reusing: earlier), try SiteModelStore.load(db, reusing: nil))
        }
        #expect(updated.partsRead == [change.part])
        #expect(updated.model == full.model)
        #expect(updated.model != earlier.model)
    }

    @Test func rowsThatACascadeDeletesCountAsChangesOfTheirTable() async throws {
        let store = try await ExampleSite.store()
        let earlier = try await store.writer.read { db in try SiteModelStore.load(db, reusing: nil) }
        // The door's place in the canteen level goes with it (ON DELETE CASCADE).
        try await store.writer.write { db in try db.execute(sql: "DELETE FROM door WHERE id = 'canteen-door'") }
        let (updated, full) = try await store.writer.read { db in
            (try SiteModelStore.load(db, reusing: earlier), try SiteModelStore.load(db, reusing: nil))
        }
        #expect(updated.partsRead == [.doors, .accessLevels])
        #expect(updated.model == full.model)
        #expect(updated.model.accessLevels.first { $0.id == "canteen" }?.doorIds == [])
    }

    @Test func theWriterKeepsStatementJournalsInMemoryAndReadersDoNot() async throws {
        let directory = try TemporaryDirectory()
        let store = try AccessStore.open(at: directory.file("store.sqlite"))
        let writer = try await store.writer.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA temp_store")
        }
        let reader = try await store.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") }
        #expect(writer == 2)  // MEMORY
        #expect(reader == 0)  // the default
    }

    @Test func withoutAChangeNothingIsRead() async throws {
        let store = try await ExampleSite.store()
        let earlier = try await store.writer.read { db in try SiteModelStore.load(db, reusing: nil) }
        // A journal event is not a model change.
        _ = try await EventJournal(store: store, key: nil)
            .append(NewJournalEvent(type: .doorStatus, doorId: "main-entrance"))
        let again = try await store.writer.read { db in try SiteModelStore.load(db, reusing: earlier) }
        #expect(again.partsRead.isEmpty)
        #expect(again.model == earlier.model)
    }

    /// A backup restored over the store, then changed with other rows: as many changes as the store had made since
    /// the backup, but not the same ones. The revisions are random, so they do not come back as counts would.
    @Test func aRestoredBackupChangedAgainIsReadAgain() async throws {
        let store = try await ExampleSite.store()
        let backup = try DatabaseQueue()
        try store.writer.backup(to: backup)
        try await store.writer.write { db in
            try db.execute(sql: "UPDATE card SET status = 'suspended' WHERE id = 'card-an'")
        }
        let suspended = try await store.writer.read { db in try SiteModelStore.load(db, reusing: nil) }
        try backup.backup(to: store.writer)
        try await store.writer.write { db in
            try db.execute(sql: "UPDATE card SET status = 'revoked' WHERE id = 'card-binh'")
        }
        let (updated, full) = try await store.writer.read { db in
            (try SiteModelStore.load(db, reusing: suspended), try SiteModelStore.load(db, reusing: nil))
        }
        #expect(updated.partsRead == [.credentials])
        #expect(updated.model == full.model)
        #expect(updated.model.credentials.first { $0.id == "card-an" }?.status == .active)
        #expect(updated.model.credentials.first { $0.id == "card-binh" }?.status == .revoked)
    }

    /// Another process's commit may come from a connection without the triggers (turned off, or dropped and made
    /// again as here): the provider then reads the whole model.
    @Test(.timeLimit(.minutes(1)))
    func aChangeByAnotherProcessWithoutTheTriggersIsSeen() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        let store = try AccessStore.open(at: path)
        _ = try await store.apply(try ExampleSite.model(), scope: .all, actor: "test", journal: JournalWriter(key: nil))
        let provider = try await PolicySnapshotProvider(store: store)
        defer { provider.stop() }
        var updates = provider.updates().makeAsyncIterator()
        let other = try AccessStore.open(at: path)
        try await other.writer.write { db in
            let trigger = try #require(
                try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'card_revision_update'"))
            try db.execute(sql: """
                DROP TRIGGER card_revision_update;
                UPDATE card SET status = 'revoked' WHERE id = 'card-cuong';
                """)
            try db.execute(sql: trigger)
        }
        guard case .rebuilt(let snapshot, _) = try #require(await updates.next()) else {
            Issue.record("expected a rebuilt snapshot")
            return
        }
        #expect(snapshot.model.credentials.first { $0.id == "card-cuong" }?.status == .revoked)
    }

    @Test func changesOfSeveralPartsInOneTransactionAreReadTogether() async throws {
        let store = try await ExampleSite.store()
        let earlier = try await store.writer.read { db in try SiteModelStore.load(db, reusing: nil) }
        try await store.writer.write { db in
            try db.execute(sql: Self.changes[2].sql)
            try db.execute(sql: Self.changes[3].sql)
        }
        let (updated, full) = try await store.writer.read { db in
            (try SiteModelStore.load(db, reusing: earlier), try SiteModelStore.load(db, reusing: nil))
        }
        #expect(updated.partsRead == [.people, .credentials])
        #expect(updated.model == full.model)
    }

    @Test func aDatabaseThatDoesNotCountChangesIsReadWhole() async throws {
        let store = try await ExampleSite.store()
        try await store.writer.write { db in
            for table in StoreSchema.modelTables {
                for event in ["insert", "update", "delete"] {
                    try db.execute(sql: "DROP TRIGGER \(table)_revision_\(event)")
                }
            }
            try db.execute(sql: "DROP TABLE model_revision")
        }
        let earlier = try await store.writer.read { db in try SiteModelStore.load(db, reusing: nil) }
        try await store.writer.write { db in try db.execute(sql: Self.changes[3].sql) }
        let updated = try await store.writer.read { db in try SiteModelStore.load(db, reusing: earlier) }
        #expect(updated.partsRead == SiteModelPart.all)
        #expect(updated.model.credentials != earlier.model.credentials)
    }

    @Test func theProviderFollowsACardChangeAndThenAPersonChange() async throws {
        let store = try await ExampleSite.store()
        let provider = try await PolicySnapshotProvider(store: store)
        defer { provider.stop() }
        var updates = provider.updates().makeAsyncIterator()
        let first = provider.current
        for sql in [Self.changes[3].sql, Self.changes[2].sql] {
            try await store.writer.write { db in try db.execute(sql: sql) }
            guard case .rebuilt = try #require(await updates.next()) else {
                Issue.record("expected a rebuilt snapshot")
                return
            }
        }
        let full = try await store.siteModel()
        let current = provider.current
        #expect(current.model == full)
        #expect(current.model.credentials != first.model.credentials)
        #expect(current.model.people != first.model.people)
        let suspended = try #require(full.credentials.min { $0.id < $1.id })
        #expect(suspended.status == .suspended)
        for door in full.doors {
            let request = AccessRequest(
                doorId: door.id, credential: suspended.key, assurance: suspended.kind == .piv ? .pkiCak : .uid,
                time: ExampleSite.time("2025-03-03 09:00"))
            #expect(current.decide(request) == (try PolicySnapshot(model: full)).decide(request))
        }
    }
}
