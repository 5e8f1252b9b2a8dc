import AccessPolicy
import AccessStore
import Foundation
import GRDB
import Testing

@Suite(.timeLimit(.minutes(1)))
struct PolicySnapshotProviderTests {
    @Test func aModelChangeRebuildsTheSnapshotAndTellsSubscribers() async throws {
        let store = try await ExampleSite.store()
        let provider = try await PolicySnapshotProvider(store: store)
        defer { provider.stop() }
        #expect(provider.version == 1)
        #expect(provider.current.model.doors.count == 11)
        var updates = provider.updates().makeAsyncIterator()

        var model = try ExampleSite.model()
        model.doors.append(Door(id: "roof-door", name: "Roof", fromZoneId: "floor4", toZoneId: "grounds"))
        _ = try await store.apply(model, scope: .site, actor: "test", journal: JournalWriter(key: nil))

        guard case .rebuilt(let snapshot, let version) = try #require(await updates.next()) else {
            Issue.record("expected a rebuilt snapshot")
            return
        }
        #expect(version == 2)
        #expect(snapshot.model.doors.contains { $0.id == "roof-door" })
        #expect(provider.current.model.doors.count == 12)
        #expect(provider.lastError == nil)
    }

    @Test func aChangeIsCountedWhenItsWriteReturnsAndTheNextSnapshotSaysItReadIt() async throws {
        let store = try await ExampleSite.store()
        let provider = try await PolicySnapshotProvider(store: store)
        defer { provider.stop() }
        #expect(provider.observedChanges == 0)
        #expect(provider.currentWithChangesRead.changesRead == 0)
        var updates = provider.updates().makeAsyncIterator()

        try await store.writer.write { db in try ZoneRecord(id: "roof", name: "Roof").insert(db) }
        // Counted by the time the write returns: a waiter that reads the count now asks for this change.
        #expect(provider.observedChanges == 1)
        guard case .rebuilt = try #require(await updates.next()) else {
            Issue.record("expected a rebuilt snapshot")
            return
        }
        let (snapshot, changesRead) = provider.currentWithChangesRead
        #expect(changesRead == 1)
        #expect(snapshot.model.zones.contains { $0.id == "roof" })
    }

    @Test func aRequestedRebuildRunsWithoutAChange() async throws {
        let store = try await ExampleSite.store()
        let provider = try await PolicySnapshotProvider(store: store)
        defer { provider.stop() }
        var updates = provider.updates().makeAsyncIterator()
        provider.requestRebuild()
        guard case .rebuilt(_, let version) = try #require(await updates.next()) else {
            Issue.record("expected a rebuilt snapshot")
            return
        }
        #expect(version == 2)
        #expect(provider.observedChanges == 0)
    }

    @Test func aBrokenModelKeepsThePreviousSnapshotUntilItIsRepaired() async throws {
        let store = try await ExampleSite.store()
        let provider = try await PolicySnapshotProvider(store: store)
        defer { provider.stop() }
        var updates = provider.updates().makeAsyncIterator()
        let request = AccessRequest(
            doorId: "floor4-door", credential: try #require(CredentialKey.uid(hex: "04A2B3C4D5E680")),
            assurance: .uid, time: ExampleSite.time("2025-03-03 09:00"))
        let before = provider.current.decide(request)

        // An interval overlapping another: the schema accepts the row, the model does not compile.
        try await store.writer.write { db in
            try ScheduleIntervalRecord(
                scheduleId: "office-hours", position: 2, days: 1, startMinute: 480, endMinute: 540
            ).insert(db)
        }
        guard case .failed(.invalidModel(let error), let kept) = try #require(await updates.next()) else {
            Issue.record("expected a failed rebuild")
            return
        }
        #expect(kept == 1)
        #expect(error.problems.contains { $0.collection == .schedules && $0.id == "office-hours" })
        #expect(provider.version == 1)
        #expect(provider.current.model.doors.count == 11)
        #expect(provider.current.decide(request) == before)
        #expect(provider.lastError != nil)

        try await store.writer.write { db in
            try db.execute(sql: "DELETE FROM schedule_interval WHERE schedule_id = 'office-hours' AND position = 2")
        }
        guard case .rebuilt(_, let version) = try #require(await updates.next()) else {
            Issue.record("expected a rebuilt snapshot")
            return
        }
        #expect(version == 2)
        #expect(provider.lastError == nil)
    }

    /// Link tables only: the snapshot must follow a level given one more door or one more holder.
    @Test(arguments: [
        "INSERT INTO access_level_door (access_level_id, door_id) VALUES ('it-floor', 'server-room-door')",
        "INSERT INTO access_level_person (access_level_id, person_id) VALUES ('it-floor', 'nguyen-van-an')",
        "INSERT INTO access_level_department (access_level_id, department_id) VALUES ('it-floor', 'admin')",
        "DELETE FROM access_level_door WHERE access_level_id = 'it-floor'",
    ])
    func aChangeOfALinkTableAloneRebuilds(sql: String) async throws {
        let store = try await ExampleSite.store()
        let provider = try await PolicySnapshotProvider(store: store)
        defer { provider.stop() }
        let before = try #require(provider.current.model.accessLevels.first { $0.id == "it-floor" })
        var updates = provider.updates().makeAsyncIterator()
        try await store.writer.write { db in try db.execute(sql: sql) }
        guard case .rebuilt(let snapshot, _) = try #require(await updates.next()) else {
            Issue.record("expected a rebuilt snapshot")
            return
        }
        #expect(snapshot.model.accessLevels.first { $0.id == "it-floor" } != before)
    }

    @Test func aJournalAppendDoesNotRebuild() async throws {
        let store = try await ExampleSite.store()
        let provider = try await PolicySnapshotProvider(store: store)
        defer { provider.stop() }
        var updates = provider.updates().makeAsyncIterator()
        try Sample.fill(store, count: 5, batch: 5, writer: JournalWriter(key: nil))
        try await store.writer.write { db in
            try db.execute(sql: "UPDATE zone SET name = 'Sân' WHERE id = 'grounds'")
        }
        // The first update is the zone change's; the journal append before it caused none.
        guard case .rebuilt(let snapshot, let version) = try #require(await updates.next()) else {
            Issue.record("expected a rebuilt snapshot")
            return
        }
        #expect(version == 2)
        #expect(snapshot.model.zones.first { $0.id == "grounds" }?.name == "Sân")
    }

    @Test func aStoreWithABrokenModelCannotStartAProvider() async throws {
        let store = try AccessStore.inMemory()
        try await store.writer.write { db in
            try ZoneRecord(id: "a", name: "A").insert(db)
            try DoorRecord(id: "d", name: "D", toZoneId: "a").insert(db)
            try ScheduleRecord(id: "s", name: "S", onHolidays: .holidayIntervals).insert(db)
        }
        await #expect(throws: PolicySnapshotError.self) { try await PolicySnapshotProvider(store: store) }
    }
}
