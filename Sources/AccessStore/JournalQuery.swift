import Foundation
import GRDB

/// A security staff query over the journal: filters, newest first, with cursor pagination.
///
/// The cursor is a sequence number: a page holds events with smaller sequences only, so events appended
/// while someone pages through never shift, repeat or hide the events of later pages.
public struct JournalQuery: Sendable, Hashable {
    public var personId: String?
    public var cardId: String?
    public var doorId: String?
    public var zoneId: String?
    public var decision: JournalDecision?
    public var reason: String?
    public var type: JournalEventType?
    /// Inclusive lower bound, UTC milliseconds.
    public var fromMilliseconds: Int64?
    /// Exclusive upper bound, UTC milliseconds.
    public var toMilliseconds: Int64?
    /// Events per page, 1 to 1000.
    public var limit: Int
    /// The `nextCursor` of the previous page, or `nil` for the newest events.
    public var cursor: Int64?

    public static let maximumLimit = 1000

    public init(
        personId: String? = nil, cardId: String? = nil, doorId: String? = nil, zoneId: String? = nil,
        decision: JournalDecision? = nil, reason: String? = nil, type: JournalEventType? = nil,
        fromMilliseconds: Int64? = nil, toMilliseconds: Int64? = nil, limit: Int = 50, cursor: Int64? = nil
    ) {
        self.personId = personId
        self.cardId = cardId
        self.doorId = doorId
        self.zoneId = zoneId
        self.decision = decision
        self.reason = reason
        self.type = type
        self.fromMilliseconds = fromMilliseconds
        self.toMilliseconds = toMilliseconds
        self.limit = limit
        self.cursor = cursor
    }

    /// Runs the query in `db`.
    ///
    /// Journal times never decrease along the sequence (the schema enforces it), so a time range is first
    /// turned into a sequence range with the time index. A filter on a person, card, door, zone, reason or type
    /// reads the events the lookup lacks from the journal, newest first, and then the older ones through the
    /// lookup's span index (``JournalLookup``), newest first, in one snapshot of the database.
    public func page(in db: Database) throws -> JournalPage {
        guard (1...Self.maximumLimit).contains(limit) else {
            throw AccessStoreError(.invalidInput, "limit must be between 1 and \(Self.maximumLimit)")
        }
        // Sequences start at 1; a page holds sequences below its cursor only.
        var lower: Int64 = 1
        var upper: Int64 = .max
        if fromMilliseconds != nil || toMilliseconds != nil {
            guard let range = try Self.sequences(from: fromMilliseconds, to: toMilliseconds, in: db) else {
                return JournalPage(events: [], nextCursor: nil)
            }
            (lower, upper) = (range.lowerBound, range.upperBound)
        }
        if let cursor {
            guard cursor > lower else { return JournalPage(events: [], nextCursor: nil) }
            upper = min(upper, cursor - 1)
        }
        guard lower <= upper else { return JournalPage(events: [], nextCursor: nil) }
        let keys: [(String, String?)] = [
            ("person_id", personId), ("card_id", cardId), ("door_id", doorId), ("zone_id", zoneId),
            ("reason", reason), ("type", type?.rawValue),
        ]
        let equalities = (keys + [("decision", decision?.rawValue)]).compactMap { column, value in
            value.map { (column, $0) }
        }
        var events: [JournalEvent] = []
        events.reserveCapacity(limit + 1)
        if keys.allSatisfy({ $0.1 == nil }) {
            try Self.fetch(
                "journal_event e", alias: "e", in: lower...upper, equalities: equalities, limit: limit + 1,
                into: &events, db: db)
        } else {
            let indexedThrough = try JournalLookup.indexedThrough(in: db)
            if max(lower, indexedThrough + 1) <= upper {
                try Self.fetch(
                    "journal_event e", alias: "e", in: max(lower, indexedThrough + 1)...upper,
                    equalities: equalities, limit: limit + 1, into: &events, db: db)
            }
            if events.count <= limit, lower <= min(upper, indexedThrough) {
                try Self.fetchFromLookup(
                    in: lower...min(upper, indexedThrough), equalities: equalities,
                    spanIndex: spanIndex, limit: limit + 1, into: &events, db: db)
            }
        }
        let more = events.count > limit
        if more { events.removeLast(events.count - limit) }
        return JournalPage(events: events, nextCursor: more ? events.last?.sequence : nil)
    }

    /// The span index a query reads when it filters on a card, person, door or zone (the most selective of them),
    /// or nil.
    var spanIndex: String? {
        let filters = [("card", cardId), ("person", personId), ("door", doorId), ("zone", zoneId)]
        return filters.first { $0.1 != nil }.map { JournalLookup.spanIndex($0.0) }
    }

    /// Fills `events` up to `limit` with events through the lookup, newest first. With a span index, it reads the
    /// spans newest first (``JournalLookup/spanShift``) until it has enough events or reaches the start of `range`:
    /// the two newest one at a time, each with one seek into that index, then the older ones in batches that double
    /// up to ``maximumSpansPerStatement``, one statement each, so that an id with few or no events costs a few
    /// statements rather than one per span of the journal.
    private static func fetchFromLookup(
        in range: ClosedRange<Int64>, equalities: [(String, String)], spanIndex: String?, limit: Int,
        into events: inout [JournalEvent], db: Database
    ) throws {
        guard let spanIndex else {
            try fetch("journal_lookup k JOIN journal_event e ON e.seq = k.seq", alias: "k", in: range,
                equalities: equalities, limit: limit - events.count, into: &events, db: db)
            return
        }
        // Named, so that SQLite does not prefer a scan of a frequent reason or type within the span.
        let source = "journal_lookup k INDEXED BY \(spanIndex) JOIN journal_event e ON e.seq = k.seq"
        let oldest = JournalLookup.span(of: range.lowerBound)
        var newest = JournalLookup.span(of: range.upperBound)
        var width = 1
        var statements = 0
        while events.count < limit, newest >= oldest {
            let spans = max(oldest, newest - Int64(width) + 1)...newest
            let sequences = JournalLookup.sequences(inSpan: spans.lowerBound).lowerBound
                ... JournalLookup.sequences(inSpan: spans.upperBound).upperBound
            try fetch(source, alias: "k", in: sequences.clamped(to: range), spans: (spans, width),
                equalities: equalities, limit: limit - events.count, into: &events, db: db)
            newest = spans.lowerBound - 1
            statements += 1
            if statements >= 2 { width = min(2 * width, maximumSpansPerStatement) }
        }
    }

    /// The most spans one statement of ``fetchFromLookup(in:equalities:spanIndex:limit:into:db:)`` reads.
    static let maximumSpansPerStatement = 128

    /// Appends to `events` up to `limit` events from `source` with sequences in `range` (and, for the lookup's span
    /// indexes, in `spans`), newest first, whose columns (of the table `alias` names) equal the given values.
    ///
    /// `spans` come with the number of values the statement lists (`width`, at least their count; the oldest span
    /// fills the rest), so that a batch cut short at the start of the range reuses the statement of its width.
    private static func fetch(
        _ source: String, alias: String, in range: ClosedRange<Int64>,
        spans: (spans: ClosedRange<Int64>, width: Int)? = nil,
        equalities: [(String, String)], limit: Int, into events: inout [JournalEvent], db: Database
    ) throws {
        var conditions = ["\(alias).seq BETWEEN ? AND ?"]
        var arguments: [any DatabaseValueConvertible] = [range.lowerBound, range.upperBound]
        if let (spans, width) = spans {
            // Written as the index's expression, so that SQLite seeks the span index once per listed span (a
            // single value is an equality, read in index order; several are sorted, keeping the newest `limit`).
            let placeholders = Array(repeating: "?", count: width).joined(separator: ", ")
            conditions.append("(\(alias).seq >> \(JournalLookup.spanShift)) IN (\(placeholders))")
            for index in 0..<Int64(width) {
                arguments.append(max(spans.lowerBound, spans.upperBound - index))
            }
        }
        for (column, value) in equalities {
            conditions.append("\(alias).\(column) = ?")
            arguments.append(value)
        }
        let whereClause = "WHERE " + conditions.joined(separator: " AND ")
        // A cursor decodes each row in place instead of copying every row first.
        // Cached: a query over many spans runs the same statement once per span.
        let statement = try db.cachedStatement(
            sql: """
                SELECT \(JournalEvent.qualifiedColumns) FROM \(source) \(whereClause) \
                ORDER BY \(alias).seq DESC LIMIT ?
                """)
        let rows = try Row.fetchCursor(statement, arguments: StatementArguments(arguments + [limit]))
        while let row = try rows.next() {
            events.append(try JournalEvent(row: row))
        }
    }
}

extension JournalQuery {
    /// The sequences of the events with times in `from..<to` (either bound optional), or `nil` when none.
    ///
    /// Times never decrease along the sequence (the schema enforces it), so the range is contiguous and
    /// found with two lookups in the time index.
    static func sequences(from: Int64?, to: Int64?, in db: Database) throws -> ClosedRange<Int64>? {
        let first = try Int64.fetchOne(
            db, sql: "SELECT seq FROM journal_event WHERE time_ms >= ? ORDER BY time_ms, seq LIMIT 1",
            arguments: [from ?? .min])
        let last = try Int64.fetchOne(
            db, sql: "SELECT seq FROM journal_event WHERE time_ms < ? ORDER BY time_ms DESC, seq DESC LIMIT 1",
            arguments: [to ?? .max])
        guard let first, let last, first <= last else { return nil }
        return first...last
    }
}

/// One page of query results, newest first.
public struct JournalPage: Sendable, Hashable {
    public var events: [JournalEvent]
    /// Pass as `cursor` for the next (older) page; `nil` on the last page.
    public var nextCursor: Int64?
}

extension JournalEvent {
    /// The columns `init(row:)` reads, in order.
    static let columns =
        "seq, time_ms, type, door_id, zone_id, person_id, card_id, decision, reason, actor, details, prev_hash, hash"
    /// `columns` of the table named `e`.
    static let qualifiedColumns = columns.split(separator: ", ").map { "e." + $0 }.joined(separator: ", ")

    /// Decodes a row selected with `columns`; a value of the wrong type throws, it never traps.
    init(row: Row) throws {
        let sequence: Int64 = try row.decode(atIndex: 0)
        let decisionText: String? = try row.decode(atIndex: 7)
        var decision: JournalDecision?
        if let decisionText {
            guard let known = JournalDecision(rawValue: decisionText) else {
                throw AccessStoreError(.corruptDatabase, "event \(sequence) has decision '\(decisionText)'")
            }
            decision = known
        }
        let event = NewJournalEvent(
            type: JournalEventType(rawValue: try row.decode(atIndex: 2)), doorId: try row.decode(atIndex: 3),
            zoneId: try row.decode(atIndex: 4), personId: try row.decode(atIndex: 5),
            cardId: try row.decode(atIndex: 6), decision: decision, reason: try row.decode(atIndex: 8),
            actor: try row.decode(atIndex: 9), details: try row.decode(atIndex: 10))
        self.init(
            sequence: sequence, timeMilliseconds: try row.decode(atIndex: 1), event: event,
            previousHash: try row.decode(atIndex: 11), hash: try row.decode(atIndex: 12))
    }
}
