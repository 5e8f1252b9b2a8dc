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
    /// turned into a sequence range with the time index; every other filter then uses its `(column, seq)`
    /// index and reads newest first without sorting.
    public func page(in db: Database) throws -> JournalPage {
        guard (1...Self.maximumLimit).contains(limit) else {
            throw AccessStoreError(.invalidInput, "limit must be between 1 and \(Self.maximumLimit)")
        }
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if fromMilliseconds != nil || toMilliseconds != nil {
            guard let range = try Self.sequences(from: fromMilliseconds, to: toMilliseconds, in: db) else {
                return JournalPage(events: [], nextCursor: nil)
            }
            conditions.append("seq BETWEEN ? AND ?")
            arguments += [range.lowerBound, range.upperBound]
        }
        if let cursor {
            conditions.append("seq < ?")
            arguments.append(cursor)
        }
        let equalities: [(String, String?)] = [
            ("person_id", personId), ("card_id", cardId), ("door_id", doorId), ("zone_id", zoneId),
            ("reason", reason), ("type", type?.rawValue), ("decision", decision?.rawValue),
        ]
        for (column, value) in equalities {
            if let value {
                conditions.append("\(column) = ?")
                arguments.append(value)
            }
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        // A cursor decodes each row in place instead of copying every row first.
        let rows = try Row.fetchCursor(
            db,
            sql: "SELECT \(JournalEvent.columns) FROM journal_event \(whereClause) ORDER BY seq DESC LIMIT ?",
            arguments: StatementArguments(arguments + [limit + 1]))
        var events: [JournalEvent] = []
        events.reserveCapacity(limit)
        var more = false
        while let row = try rows.next() {
            guard events.count < limit else {
                more = true
                break
            }
            events.append(try JournalEvent(row: row))
        }
        return JournalPage(events: events, nextCursor: more ? events.last?.sequence : nil)
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
