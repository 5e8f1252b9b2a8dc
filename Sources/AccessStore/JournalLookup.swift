import GRDB

/// The journal's lookup table: each event's person, card, door, zone, type, decision and reason, indexed for
/// security staff queries, filled behind the commit path.
///
/// A commit inserts events into `journal_event` only, whose rows and time index grow at their right edge, so a
/// group of events costs a few pages of WAL. ``catchUp(in:limit:)`` later copies the new events' lookup
/// columns into `journal_lookup` in large groups, where events of the same person or door share index pages.
/// The lookup holds every event up to its newest sequence (it is filled in sequence order); queries read the
/// events after that from `journal_event` itself (``JournalQuery``), so an event is found from the moment its
/// append returns, whether or not the lookup has caught up. ``EventJournal`` copies a chunk after every
/// ``defaultChunk`` events it commits; ``JournalMaintenance`` catches up with the rest (events other writers
/// appended, a lookup built for an existing journal).
///
/// The lookup is derived data, not evidence: `journal verify` checks that it agrees with the events.
public enum JournalLookup {
    /// Events one ``catchUp(in:limit:)`` copies by default. A copy holds up the appends behind it, and costs
    /// less per event the more events share its index pages (30 000 events copied in chunks of 256: 15 us per
    /// event; of 1024: 6.9 us; of 4096: 4.4 us): 1024 events take the writer about 7 ms.
    public static let defaultChunk = 1024

    /// The lookup's person, card, door and zone indexes begin with the span of an event's sequence, `seq >> spanShift`:
    /// 16 384 events to a span (``StoreSchema/journalLookupSpanIndexSQL``). A copy changes the leaves of the newest
    /// span only, so smaller spans make copies cheaper, and queries for a rare id slower (one index seek per span
    /// of the journal, batched by ``JournalQuery``). At 2 M events, spans of 2^14 events cost 3.9 us per copied
    /// event, 2^16 9.8 us, 2^18 27 us (`Tools/JournalBench/lookup-spans.py`). In the daemon under UID taps at full
    /// load, 2^16 spans made each 1024-event copy hold the appends up for 15 ms or more (`Tools/LoadBench/README.md`);
    /// at 10 M events and 2^14 spans, "one person's last 50" for a person with no events, the query that reads every
    /// span, takes 2 ms at the median and 3.3-4.0 ms at p99 (`journal-bench query`).
    public static let spanShift: Int64 = 14

    /// The columns (without `_id`) that have a span index.
    static let spanKeys = ["person", "card", "door", "zone"]

    /// The name of the span index on `key` (one of ``spanKeys``).
    static func spanIndex(_ key: String) -> String { "journal_lookup_\(key)_span" }

    /// The span of sequence `sequence`, and the sequences it holds.
    static func span(of sequence: Int64) -> Int64 { sequence >> spanShift }
    static func sequences(inSpan span: Int64) -> ClosedRange<Int64> {
        (span << spanShift)...((span << spanShift) | ((1 << spanShift) - 1))
    }

    /// The newest sequence in the lookup; every event up to it that retention left is in the lookup.
    /// (Clamped so that the next sequence is a number even in a database edited by hand.)
    static func indexedThrough(in db: Database) throws -> Int64 {
        let newest = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM journal_lookup") ?? 0
        return min(max(newest, 0), .max - 1)
    }

    /// Copies the lookup columns of up to `limit` events after the lookup's newest into the lookup.
    ///
    /// The copy is one statement. Run outside a transaction, it is its own transaction, and SQLite then keeps no
    /// statement journal of the index pages it changes (inside one, it did: a temporary file written page by page;
    /// on a lookup of 170 k events, Python's sqlite3 measured 22-30 us per copied event inside a transaction and
    /// 18-23 us outside).
    /// - Returns: how many events it copied; fewer than `limit` means the lookup has caught up.
    public static func catchUp(in db: Database, limit: Int = defaultChunk) throws -> Int {
        let columns = (["seq"] + copiedColumns).joined(separator: ", ")
        try db.execute(
            sql: """
                INSERT INTO journal_lookup (\(columns)) SELECT \(columns) FROM journal_event
                WHERE seq > (SELECT coalesce(max(seq), 0) FROM journal_lookup) ORDER BY seq LIMIT ?
                """,
            arguments: [limit])
        return db.changesCount
    }

    /// The event columns the lookup holds besides the sequence.
    static let copiedColumns = ["type", "door_id", "zone_id", "person_id", "card_id", "decision", "reason"]

    /// Drops the lookup and builds it again from the events, in one transaction: the remedy when `journal verify`
    /// reports a lookup that disagrees with the journal. Appends wait while it runs (10 M events: 60 s).
    /// - Returns: how many events the new lookup holds.
    public static func rebuild(in db: Database) throws -> Int {
        try db.execute(sql: "DROP TABLE IF EXISTS journal_lookup")
        try db.execute(sql: StoreSchema.journalLookupTableSQL)
        let copied = try catchUp(in: db, limit: .max)
        try db.execute(sql: StoreSchema.journalLookupIndexSQL)
        return copied
    }

    /// Events the lookup does not hold yet: from the sequences alone (the journal has no gaps), without counting.
    public static func pending(in db: Database) throws -> Int {
        let row = try Row.fetchOne(
            db, sql: "SELECT (SELECT max(seq) FROM journal_event), (SELECT seq FROM journal_anchor WHERE id = 1)")
        let newest: Int64? = try row?.decode(atIndex: 0)
        let pruned: Int64? = try row?.decode(atIndex: 1)
        let (head, anchor) = (newest ?? 0, pruned ?? 0)
        let (lag, overflow) = head.subtractingReportingOverflow(max(try indexedThrough(in: db), anchor))
        return overflow ? Int.max : Int(max(0, lag))
    }
}
