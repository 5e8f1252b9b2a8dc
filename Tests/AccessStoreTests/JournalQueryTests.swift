import AccessStore
import Foundation
import GRDB
import Testing

@Suite struct JournalQueryTests {
    /// 200 events, one a second from `start`, in transactions of 10.
    static func journal() throws -> (AccessStore, [JournalEvent], Int64) {
        let store = try AccessStore.inMemory()
        let time = ManualTime()
        let start = time.now
        let events = try Sample.fill(
            store, count: 200, batch: 1, writer: JournalWriter(clock: time.clock, key: nil), time: time)
        return (store, events, start)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var query: JournalQuery
        var matches: @Sendable (JournalEvent) -> Bool
        var testDescription: String { name }
    }

    static let start: Int64 = ManualTime().now

    static let cases: [Case] = [
        Case(name: "everything", query: JournalQuery(), matches: { _ in true }),
        Case(name: "person", query: JournalQuery(personId: "person-2"), matches: { $0.personId == "person-2" }),
        Case(name: "card", query: JournalQuery(cardId: "card-4"), matches: { $0.cardId == "card-4" }),
        Case(name: "door", query: JournalQuery(doorId: "door-1"), matches: { $0.doorId == "door-1" }),
        Case(name: "zone", query: JournalQuery(zoneId: "zone-0"), matches: { $0.zoneId == "zone-0" }),
        Case(name: "decision", query: JournalQuery(decision: .deny), matches: { $0.decision == .deny }),
        Case(
            name: "reason", query: JournalQuery(reason: "outside_schedule"),
            matches: { $0.reason == "outside_schedule" }),
        Case(name: "type", query: JournalQuery(type: .doorStatus), matches: { $0.type == .doorStatus }),
        Case(
            name: "time range",
            query: JournalQuery(fromMilliseconds: start + 50_000, toMilliseconds: start + 60_000),
            matches: { $0.timeMilliseconds >= start + 50_000 && $0.timeMilliseconds < start + 60_000 }),
        Case(
            name: "door and person in a range",
            query: JournalQuery(
                personId: "person-1", doorId: "door-0", fromMilliseconds: start + 20_000,
                toMilliseconds: start + 150_000),
            matches: {
                $0.personId == "person-1" && $0.doorId == "door-0" && $0.timeMilliseconds >= start + 20_000
                    && $0.timeMilliseconds < start + 150_000
            }),
        Case(
            name: "nothing in range", query: JournalQuery(fromMilliseconds: start + 10_000_000),
            matches: { _ in false }),
    ]

    /// Each filter with the lookup empty (every event read from the journal), holding the first 95 events (pages
    /// that cross from the journal into the lookup), and holding all 200.
    @Test(arguments: cases, [0, 95, 200])
    func filtersReturnMatchingEventsNewestFirstAcrossPages(_ testCase: Case, indexed: Int) async throws {
        let (store, events, _) = try Self.journal()
        let copied = try await store.writer.write { db in try JournalLookup.catchUp(in: db, limit: indexed) }
        #expect(copied == indexed)
        var query = testCase.query
        query.limit = 7
        var collected: [JournalEvent] = []
        var pages = 0
        repeat {
            let page = try await store.writer.read { [query] db in try query.page(in: db) }
            collected += page.events
            query.cursor = page.nextCursor
            pages += 1
        } while query.cursor != nil && pages < 100
        #expect(collected == events.filter(testCase.matches).reversed())
    }

    @Test func aLimitOutsideTheRangeIsRefused() async throws {
        let (store, _, _) = try Self.journal()
        for limit in [0, JournalQuery.maximumLimit + 1] {
            #expect(throws: AccessStoreError(.invalidInput, "")) {
                try store.writer.read { db in try JournalQuery(limit: limit).page(in: db) }
            }
        }
    }

    @Test func theLookupCatchesUpInChunksAndOnlyOnce() async throws {
        let (store, _, _) = try Self.journal()
        let journal = EventJournal(writer: store.writer, journalWriter: JournalWriter(key: nil))
        #expect(try await store.writer.read { db in try JournalLookup.pending(in: db) } == 200)
        #expect(try await journal.catchUpLookup(chunk: 30) == 200)
        #expect(try await journal.catchUpLookup(chunk: 30) == 0)
        let rows = try store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, person_id, door_id, decision FROM journal_lookup ORDER BY seq")
        }
        let events = try await journal.events(JournalQuery(limit: 1000)).events.reversed()
        #expect(rows.map { $0[0] as Int64 } == events.map(\.sequence))
        #expect(rows.map { $0[1] as String? } == events.map(\.personId))
        #expect(rows.map { $0[2] as String? } == events.map(\.doorId))
        #expect(rows.map { $0[3] as String? } == events.map(\.decision?.rawValue))
    }

    @Test func theJournalCopiesIntoTheLookupAsItCommits() async throws {
        let store = try AccessStore.inMemory()
        let journal = EventJournal(store: store, key: nil)
        for index in 0..<(2 * JournalLookup.defaultChunk + 50) {
            _ = try await journal.append(Sample.decision(index))
        }
        let pending = try await store.writer.read { db in try JournalLookup.pending(in: db) }
        #expect(pending < JournalLookup.defaultChunk)
    }

    /// A lookup that cannot be written never holds up an append; the maintenance's catch-up resumes the copies.
    @Test func aFailingLookupCopyLeavesAppendsAloneUntilTheCatchUpSucceeds() async throws {
        let store = try AccessStore.inMemory()
        let journal = EventJournal(store: store, key: nil)
        try await store.writer.write { db in
            try db.execute(sql: """
                CREATE TRIGGER broken_lookup BEFORE INSERT ON journal_lookup
                BEGIN SELECT RAISE(ABORT, 'the lookup cannot be written'); END
                """)
        }
        let chunk = JournalLookup.defaultChunk
        for index in 0..<(2 * chunk + 10) {
            _ = try await journal.append(Sample.decision(index))
        }
        #expect(try await store.writer.read { db in try JournalLookup.pending(in: db) } == 2 * chunk + 10)
        await #expect(throws: AccessStoreError.self) { try await journal.catchUpLookup() }
        try await store.writer.write { db in try db.execute(sql: "DROP TRIGGER broken_lookup") }
        #expect(try await journal.catchUpLookup() == 2 * chunk + 10)
        for index in 0..<(chunk + 10) {
            _ = try await journal.append(Sample.decision(index))
        }
        #expect(try await store.writer.read { db in try JournalLookup.pending(in: db) } < chunk)
    }

    /// A store as an earlier version left it (migrated through `migration`, by default the version before the
    /// lookup), with 40 events; `then` runs in the same transaction after the appends.
    static func makeStoreOfTheEarlierVersion(
        at path: String, upTo migration: String = "lockdown-v1",
        then: @escaping @Sendable (Database) throws -> Void = { _ in }
    ) async throws {
        let pool = try DatabasePool(path: path)
        try StoreSchema.migrator.migrate(pool, upTo: migration)
        try await pool.write { db in
            _ = try JournalWriter(key: nil).append((0..<40).map(Sample.decision), in: db)
            try then(db)
        }
    }

    /// A store made before the lookup existed: its events are copied into the lookup when it is opened, and the
    /// journal keeps only its time index.
    @Test func openingAnOlderStoreFillsTheLookup() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("journal.sqlite")
        try await Self.makeStoreOfTheEarlierVersion(at: path)
        #expect(
            AccessStore.pendingMigrations(at: path)
                == ["journal-lookup-v1", "journal-lookup-spans-v1", "model-revision-v1", "journal-lookup-spans-v2"])
        let store = try AccessStore.open(at: path)
        #expect(AccessStore.pendingMigrations(at: path).isEmpty)
        #expect(AccessStore.pendingMigrations(at: directory.file("none.sqlite")).isEmpty)
        let indexes = try await store.writer.read { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'journal_event'")
        }
        #expect(indexes == ["journal_event_time"])
        #expect(try await store.writer.read { db in try JournalLookup.pending(in: db) } == 0)
        let page = try await store.writer.read { db in try JournalQuery(personId: "person-2").page(in: db) }
        #expect(!page.events.isEmpty && page.events.allSatisfy { $0.personId == "person-2" })
    }

    /// An evidence copy written by an earlier version is verified read-only, as it is: not migrated, no lookup.
    @Test func anOlderStoreIsVerifiedReadOnlyWithoutBeingMigrated() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("journal.sqlite")
        try await Self.makeStoreOfTheEarlierVersion(at: path)
        let store = try AccessStore.open(at: path, options: .init(readOnly: true))
        let verification = try JournalVerifier().verify(store.writer)
        #expect(verification.isIntact)
        #expect(verification.eventsChecked == 40)
        #expect(try await store.writer.read { db in try db.tableExists("journal_lookup") } == false)
    }

    @Test(arguments: [false, true])
    func paginationIsStableWhileEventsAreAppended(lookupCatchesUp: Bool) async throws {
        let directory = try TemporaryDirectory()
        let store = try AccessStore.open(at: directory.file("journal.sqlite"))
        let journal = EventJournal(store: store, key: .generate())
        for index in 0..<120 {
            _ = try await journal.append(Sample.decision(index))
        }
        let appender = Task {
            for index in 120..<300 {
                _ = try await journal.append(Sample.decision(index))
            }
        }
        var query = JournalQuery(doorId: "door-1", limit: 5)
        var seen: [Int64] = []
        var first = true
        var newestAtStart: Int64 = 0
        repeat {
            let page = try await journal.events(query)
            if first, let top = page.events.first?.sequence {
                newestAtStart = top
                first = false
            }
            seen += page.events.map(\.sequence)
            query.cursor = page.nextCursor
            if lookupCatchesUp { try await journal.catchUpLookup(chunk: 13) }
            try await Task.sleep(for: .milliseconds(2))
        } while query.cursor != nil
        try await appender.value
        let all = try await journal.events(JournalQuery(doorId: "door-1", limit: 1000)).events.map(\.sequence)
        #expect(seen == all.filter { $0 <= newestAtStart })
        #expect(Set(seen).count == seen.count)
        #expect(newestAtStart >= 115)
        #expect((all.first ?? 0) > newestAtStart)
    }
}
