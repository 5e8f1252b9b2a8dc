import AccessStore
import Foundation
import GRDB

/// A clock the test moves by hand.
///
/// `@unchecked Sendable`: `value` is only read and written while holding `lock`.
final class ManualTime: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64

    init(_ milliseconds: Int64 = 1_750_000_000_000) { value = milliseconds }

    var now: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func advance(by milliseconds: Int64) {
        lock.lock()
        value += milliseconds
        lock.unlock()
    }

    var clock: JournalClock { JournalClock { [self] in now } }
}

/// A temporary directory removed when the value is released.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "cardgate-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

enum Sample {
    static let day: Int64 = 86_400_000

    /// A varied access decision event number `index`.
    static func decision(_ index: Int) -> NewJournalEvent {
        if index % 10 == 9 {
            return NewJournalEvent(
                type: .doorStatus, doorId: "door-\(index % 3)", zoneId: "zone-\(index % 2)",
                details: #"{"state":"held_open"}"#)
        }
        let denied = index % 4 == 3
        return NewJournalEvent(
            type: .accessDecision, doorId: "door-\(index % 3)", zoneId: "zone-\(index % 2)",
            personId: "person-\(index % 5)", cardId: "card-\(index % 5)", decision: denied ? .deny : .grant,
            reason: denied ? "outside_schedule" : "granted", details: #"{"index":\#(index),"name":"Nguyễn Văn An"}"#)
    }

    /// Appends `count` events in transactions of `batch` events and returns them.
    @discardableResult
    static func fill(
        _ store: AccessStore, count: Int, batch: Int = 10, writer: JournalWriter, time: ManualTime? = nil,
        step: Int64 = 1000, first: Int = 0
    ) throws -> [JournalEvent] {
        var events: [JournalEvent] = []
        for start in stride(from: first, to: first + count, by: batch) {
            let group = (start..<min(first + count, start + batch)).map(decision)
            events += try store.writer.write { db in try writer.append(group, in: db) }
            time?.advance(by: step)
        }
        return events
    }

    static let journalTriggers = [
        "journal_event_append_at_head", "journal_event_no_update", "journal_event_delete_only_pruned",
        "journal_checkpoint_no_update", "journal_checkpoint_delete_only_pruned", "journal_anchor_forward_only",
        "journal_anchor_no_delete", "journal_lookup_no_update", "journal_lookup_delete_only_pruned",
    ]

    /// Runs raw SQL the way someone with the sqlite3 command line would: triggers dropped first.
    static func tamper(_ store: AccessStore, _ sql: String, arguments: StatementArguments = []) throws {
        try store.writer.writeWithoutTransaction { db in
            for trigger in journalTriggers {
                try db.execute(sql: "DROP TRIGGER IF EXISTS \(trigger)")
            }
            try db.execute(sql: sql, arguments: arguments)
        }
    }
}
