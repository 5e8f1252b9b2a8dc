import AccessStore
import Foundation
import GRDB
import Testing

/// Queries through the lookup's span indexes, on a journal nine spans long (``JournalLookup/spanShift``): long enough
/// for a query to read spans one at a time and then in batches of two, four and eight.
@Suite struct JournalLookupSpanTests {
    /// Events in one span.
    static let span: Int64 = 1 << JournalLookup.spanShift
    static let eventCount: Int64 = 9 * span + span / 8
    /// The sequences of the one person whose events are rare: at both edges of each span, and one in the last.
    static let rareSequences: [Int64] =
        [3] + (1...8).flatMap { [$0 * span - 1, $0 * span] } + [span + 1, eventCount - 1]

    /// A journal of `eventCount` access decisions, written straight into the table (all hashes zero, which the
    /// append trigger accepts): one a second, 500 people and cards, 13 doors, 3 zones, every seventh denied, and
    /// the person `rare` at ``rareSequences``. The lookup holds all but the newest `unindexed`.
    static func journal(unindexed: Int64 = 0) async throws -> AccessStore {
        let store = try AccessStore.inMemory()
        let rare = rareSequences.map { String($0) }.joined(separator: ", ")
        try await store.writer.write { db in
            try db.execute(sql: """
                WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < \(eventCount))
                INSERT INTO journal_event
                    (seq, time_ms, type, door_id, zone_id, person_id, card_id, decision, reason, prev_hash, hash)
                SELECT x, 1700000000000 + x * 1000, 'access_decision', 'door-' || (x % 13), 'zone-' || (x % 3),
                    CASE WHEN x IN (\(rare)) THEN 'rare' ELSE 'person-' || (x % 500) END, 'card-' || (x % 500),
                    CASE WHEN x % 7 = 0 THEN 'deny' ELSE 'grant' END,
                    CASE WHEN x % 7 = 0 THEN 'outside_schedule' ELSE 'granted' END, zeroblob(32), zeroblob(32)
                FROM n
                """)
            _ = try JournalLookup.catchUp(in: db, limit: Int(eventCount - unindexed))
        }
        return store
    }

    /// Every page of `query`, followed by cursor.
    static func allPages(_ query: JournalQuery, in store: AccessStore) throws -> [Int64] {
        var query = query
        var sequences: [Int64] = []
        var pages = 0
        repeat {
            let page = try store.writer.read { [query] db in try query.page(in: db) }
            #expect(page.events.count <= query.limit)
            sequences += page.events.map(\.sequence)
            query.cursor = page.nextCursor
            pages += 1
        } while query.cursor != nil && pages < 1000
        return sequences
    }

    /// The sequences `condition` selects from the events themselves, newest first.
    static func expected(_ condition: String, in store: AccessStore) throws -> [Int64] {
        try store.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT seq FROM journal_event WHERE \(condition) ORDER BY seq DESC")
        }
    }

    static func time(_ seq: Int64) -> Int64 { 1_700_000_000_000 + seq * 1000 }

    @Test(arguments: [Int64(0), 5000])
    func aRarePersonIsFoundInEverySpanNewestFirst(unindexed: Int64) async throws {
        let store = try await Self.journal(unindexed: unindexed)
        for limit in [1, 2, 3, 50] {
            let found = try Self.allPages(JournalQuery(personId: "rare", limit: limit), in: store)
            #expect(found == Self.rareSequences.sorted().reversed())
        }
        let middle = JournalQuery(
            personId: "rare", fromMilliseconds: Self.time(Self.span), toMilliseconds: Self.time(2 * Self.span),
            limit: 1)
        #expect(try Self.allPages(middle, in: store) == [2 * Self.span - 1, Self.span + 1, Self.span])
        #expect(try Self.allPages(JournalQuery(personId: "nobody", limit: 10), in: store).isEmpty)
    }

    @Test func filtersCombinedAcrossSpansMatchTheEvents() async throws {
        let store = try await Self.journal(unindexed: 700)
        let cases: [(JournalQuery, String)] = [
            (JournalQuery(personId: "person-7", limit: 37), "person_id = 'person-7'"),
            (JournalQuery(cardId: "card-8", doorId: "door-3", limit: 9), "card_id = 'card-8' AND door_id = 'door-3'"),
            (
                JournalQuery(zoneId: "zone-1", decision: .deny, reason: "outside_schedule", limit: 1000),
                "zone_id = 'zone-1' AND decision = 'deny'"
            ),
            (
                JournalQuery(
                    doorId: "door-12", fromMilliseconds: Self.time(60_000), toMilliseconds: Self.time(70_000),
                    limit: 100),
                "door_id = 'door-12' AND seq >= 60000 AND seq < 70000"
            ),
        ]
        for (query, condition) in cases {
            #expect(try Self.allPages(query, in: store) == Self.expected(condition, in: store), "\(condition)")
        }
    }

    /// A store of an earlier version migrated up to `migration`, with its 40 events in the lookup, whose span indexes
    /// are replaced by those `index` creates (given `person`, `card`, `door` or `zone`).
    static func makeStore(
        at path: String, upTo migration: String, index: @escaping @Sendable (String) -> String
    ) async throws {
        try await JournalQueryTests.makeStoreOfTheEarlierVersion(at: path, upTo: migration) { db in
            _ = try JournalLookup.catchUp(in: db, limit: 40)
            for name in ["person", "card", "door", "zone"] {
                try db.execute(sql: "DROP INDEX journal_lookup_\(name)_span; " + index(name))
            }
        }
    }

    /// A store that the `journal-lookup-v1` migration left, with the lookup keyed by id alone: opening it replaces
    /// those indexes with the span indexes, and queries find the same events.
    @Test func openingAStoreOfTheEarlierLookupBuildsTheSpanIndexes() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("journal.sqlite")
        try await Self.makeStore(at: path, upTo: "journal-lookup-v1") { name in
            "CREATE INDEX journal_lookup_\(name) ON journal_lookup(\(name)_id, seq) WHERE \(name)_id IS NOT NULL"
        }
        #expect(
            AccessStore.pendingMigrations(at: path)
                == ["journal-lookup-spans-v1", "model-revision-v1", "journal-lookup-spans-v2"])
        let store = try AccessStore.open(at: path)
        let indexes = try await store.writer.read { db in
            try String.fetchAll(
                db, sql: """
                    SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'journal_lookup' ORDER BY name
                    """)
        }
        #expect(indexes == [
            "journal_lookup_card_span", "journal_lookup_door_span", "journal_lookup_person_span",
            "journal_lookup_reason", "journal_lookup_type", "journal_lookup_zone_span",
        ])
        let page = try await store.writer.read { db in try JournalQuery(personId: "person-2").page(in: db) }
        #expect(page.events.map(\.sequence) == (try Self.expected("person_id = 'person-2'", in: store)))
    }

    /// A store whose span indexes were built at 2^16 events to a span gets them again at the current span, so that
    /// the queries (which spell `seq >> spanShift`) use them.
    @Test func openingAStoreWithWiderSpansBuildsTheIndexesAgain() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("journal.sqlite")
        try await Self.makeStore(at: path, upTo: "model-revision-v1") { name in
            "CREATE INDEX journal_lookup_\(name)_span ON journal_lookup(seq >> 16, \(name)_id, seq)"
                + " WHERE \(name)_id IS NOT NULL"
        }
        #expect(AccessStore.pendingMigrations(at: path) == ["journal-lookup-spans-v2"])
        let store = try AccessStore.open(at: path)
        let spans = try await store.writer.read { db in
            try String.fetchAll(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND name LIKE 'journal_lookup_%_span'")
        }
        #expect(spans.count == 4)
        #expect(spans.allSatisfy { $0.contains("seq >> \(JournalLookup.spanShift),") })
        let plan = try await store.writer.read { db in
            try Row.fetchAll(
                db, sql: """
                    EXPLAIN QUERY PLAN SELECT seq FROM journal_lookup
                    WHERE (seq >> \(JournalLookup.spanShift)) = 0 AND person_id = 'person-2' ORDER BY seq DESC
                    """
            ).map { $0["detail"] as String? ?? "" }.joined(separator: "; ")
        }
        #expect(plan.contains("journal_lookup_person_span"))
        let page = try await store.writer.read { db in try JournalQuery(personId: "person-2").page(in: db) }
        #expect(page.events.map(\.sequence) == (try Self.expected("person_id = 'person-2'", in: store)))
    }
}
