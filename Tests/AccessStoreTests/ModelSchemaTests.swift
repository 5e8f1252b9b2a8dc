import AccessStore
import Foundation
import GRDB
import Synchronization
import Testing

@Suite struct ModelSchemaTests {
    /// A small site: a department, a person with a PIV and a UID card, two zones, a door, a schedule,
    /// an access level with assignments, and a controller token bound to the door.
    static func site() throws -> AccessStore {
        let store = try AccessStore.inMemory()
        try store.writer.write { db in
            try DepartmentRecord(id: "finance", name: "Phòng Tài chính").insert(db)
            try PersonRecord(id: "p-1", displayName: "Lê Thị Hoa", departmentId: "finance").insert(db)
            try CardRecord.piv(id: "c-1", personId: "p-1", certificate: Data([0x30, 0x82, 1, 2]),
                               guid: "0123456789ABCDEF0123456789ABCDEF").insert(db)
            try CardRecord.uid(id: "c-2", personId: "p-1", uid: "04a1b2c3").insert(db)
            try ZoneRecord(id: "outside", name: "Outside").insert(db)
            try ZoneRecord(id: "lobby", name: "Lobby", antiPassback: .soft, maxOccupancy: 50).insert(db)
            try DoorRecord(id: "d-1", name: "Main entrance", fromZoneId: "outside", toZoneId: "lobby").insert(db)
            try ScheduleRecord(id: "office-hours", name: "Office hours").insert(db)
            try ScheduleIntervalRecord(scheduleId: "office-hours", position: 0, days: 0b0011111, startMinute: 450,
                                       endMinute: 1050).insert(db)
            try HolidayRecord(id: "tet", name: "Tết Nguyên Đán", kind: .lunar, month: 1, day: 1, days: 5).insert(db)
            try AccessLevelRecord(id: "staff", name: "Staff", scheduleId: "office-hours").insert(db)
            try AccessLevelDoorRecord(accessLevelId: "staff", doorId: "d-1").insert(db)
            try AccessLevelAssignmentRecord(accessLevelId: "staff", holder: .person("p-1"),
                                            validUntilMilliseconds: 1_800_000_000_000).save(db)
            try AccessLevelAssignmentRecord(accessLevelId: "staff", holder: .department("finance")).save(db)
            try TokenRecord(id: "t-1", role: .controller, secret: "s3cret", createdMilliseconds: 1).insert(db)
            try TokenDoorRecord(tokenId: "t-1", doorId: "d-1").insert(db)
        }
        return store
    }

    @Test func recordsRoundTripThroughTheSchema() throws {
        let store = try Self.site()
        try store.writer.read { db in
            let card = try #require(try CardRecord.fetchOne(db, key: "c-1"))
            #expect(card.fingerprint == CardRecord.fingerprint(of: Data([0x30, 0x82, 1, 2])))
            #expect(card.fingerprint?.count == 64)
            #expect(card.pivGuid == "0123456789abcdef0123456789abcdef")
            #expect(try CardRecord.fetchOne(db, key: "c-2")?.uid == "04A1B2C3")
            #expect(try PersonRecord.fetchOne(db, key: "p-1")?.displayName == "Lê Thị Hoa")
            #expect(try DoorRecord.fetchOne(db, key: "d-1")?.minAssurance == .pkiCak)
            let assignments = try AccessLevelAssignmentRecord.fetchAll(db, accessLevelId: "staff")
            #expect(Set(assignments.map(\.holder)) == [.person("p-1"), .department("finance")])
            #expect(try TokenRecord.fetchOne(db, key: "t-1")?.secretHash == TokenRecord.hash(secret: "s3cret"))
        }
    }

    @Test(arguments: [
        "INSERT INTO person (id, display_name, kind) VALUES ('p-2', 'X', 'robot')",
        "INSERT INTO person (id, display_name) VALUES ('p 2', 'Space in id')",
        "INSERT INTO person (id, display_name) VALUES ('p-1', 'Duplicate id')",
        "INSERT INTO person (id, display_name, department_id) VALUES ('p-3', 'X', 'nowhere')",
        "INSERT INTO card (id, person_id, type, uid) VALUES ('c-3', 'p-1', 'uid', '04A1B2C3')",
        "INSERT INTO card (id, person_id, type, uid) VALUES ('c-4', 'p-1', 'uid', 'XYZ1')",
        "INSERT INTO card (id, person_id, type) VALUES ('c-5', 'p-1', 'piv')",
        "UPDATE card SET status = 'stolen' WHERE id = 'c-1'",
        "INSERT INTO door (id, name, to_zone_id, mode) VALUES ('d-2', 'X', 'lobby', 'open_sesame')",
        "INSERT INTO door (id, name, from_zone_id, to_zone_id) VALUES ('d-3', 'X', 'lobby', 'lobby')",
        "INSERT INTO door (id, name, to_zone_id, unlock_seconds) VALUES ('d-4', 'X', 'lobby', 0)",
        "INSERT INTO zone (id, name, anti_passback) VALUES ('z', 'X', 'sometimes')",
        "INSERT INTO schedule_interval VALUES ('office-hours', 0, 1, 1, 600, 600)",
        "INSERT INTO schedule_interval VALUES ('office-hours', 0, 2, 128, 0, 60)",
        "INSERT INTO schedule_interval VALUES ('office-hours', 0, 3, 1, 0, 1441)",
        "INSERT INTO holiday (id, name, kind, date) VALUES ('h', 'X', 'once', '2025-02-30')",
        "INSERT INTO holiday (id, name, kind, month, day) VALUES ('h', 'X', 'lunar', 1, 31)",
        "INSERT INTO holiday (id, name, kind) VALUES ('h', 'X', 'solar')",
        "INSERT INTO access_level (id, name, schedule_id, valid_from_ms, valid_until_ms)"
            + " VALUES ('a', 'X', 'office-hours', 5, 5)",
        "INSERT INTO access_level_person VALUES ('staff', 'ghost', NULL, NULL)",
        "INSERT INTO token (id, role, secret_hash, created_ms) VALUES ('t-2', 'root', zeroblob(32), 1)",
        "INSERT INTO token_door VALUES ('t-3', 'd-1')",
        "DELETE FROM schedule WHERE id = 'office-hours'",
        "DELETE FROM person WHERE id = 'p-1'",
    ])
    func theSchemaRefusesBrokenInvariants(sql: String) throws {
        let store = try Self.site()
        if sql.contains("'t-3', 'd-1'") {
            try store.writer.write { db in
                try TokenRecord(id: "t-3", role: .security, secret: "x", createdMilliseconds: 1).insert(db)
            }
        }
        #expect(throws: DatabaseError.self) { try store.writer.write { db in try db.execute(sql: sql) } }
    }

    @Test func listenersHearOfModelChangesButNotOfJournalAppends() async throws {
        let directory = try TemporaryDirectory()
        let store = try AccessStore.open(at: directory.file("store.sqlite"))
        let (changes, continuation) = AsyncStream.makeStream(of: Int.self)
        let observation = ModelChangeObservation(store: store) { continuation.yield(1) }
        defer { observation.cancel() }
        try Sample.fill(store, count: 3, batch: 3, writer: JournalWriter(key: nil))
        try await store.writer.write { db in try ZoneRecord(id: "roof", name: "Roof").insert(db) }
        try Sample.fill(store, count: 3, batch: 3, writer: JournalWriter(key: nil), first: 3)
        try await store.writer.write { db in try ZoneRecord(id: "roof", name: "Roof terrace").update(db) }
        continuation.finish()
        var heard = 0
        for await _ in changes { heard += 1 }
        #expect(heard == 2)
    }

    @Test func anotherConnectionsCommitIsHeardButNotTheStoresOwnWork() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        let store = try AccessStore.open(at: path)
        let heard = Mutex(0)
        let observation = ModelChangeObservation(store: store, foreignPollInterval: .milliseconds(20)) {
            heard.withLock { $0 += 1 }
        }
        defer { observation.cancel() }
        // The store's own journal appends and the maintenance's WAL checkpoint (on a connection of its own) are
        // not foreign commits: a daemon under load must not rebuild its policy for them.
        try Sample.fill(store, count: 30, batch: 3, writer: JournalWriter(key: nil))
        let maintenance = try JournalMaintenance(journal: EventJournal(store: store, key: nil))
        let pass = await maintenance.runOnce()
        #expect(pass.errors.isEmpty)
        #expect((pass.wal?.checkpointed ?? 0) > 0)
        try await Task.sleep(for: .milliseconds(200))
        #expect(heard.withLock { $0 } == 0)

        // Another process applying a site: here a second store on the same file, a connection of its own.
        let other = try AccessStore.open(at: path)
        try await other.writer.write { db in try ZoneRecord(id: "roof", name: "Roof").insert(db) }
        for _ in 0..<250 where heard.withLock({ $0 }) == 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(heard.withLock { $0 } >= 1)
    }
}
