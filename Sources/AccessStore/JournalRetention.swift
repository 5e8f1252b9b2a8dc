import Foundation
import GRDB

/// Deletes old events for privacy while keeping the rest verifiable.
///
/// Pruning moves the retention anchor to a checkpoint and deletes every event and older checkpoint at or
/// below it. The anchor's checkpoint keeps the sequence and hash of the last pruned event, signed, so the
/// remaining chain starts from a value that cannot be forged.
public struct JournalRetention: Sendable {
    /// The default number of days events are kept.
    public static let defaultDays = 365

    public var clock: JournalClock
    /// With a key, the anchor is exactly the last event older than the cut-off (a checkpoint is signed
    /// for it). Without one, the anchor is the newest existing checkpoint at or before it, so a few events
    /// older than the cut-off (at most one checkpoint interval) may stay until the next prune.
    public var key: JournalKey?

    public init(clock: JournalClock = .system, key: JournalKey?) {
        self.clock = clock
        self.key = key
    }

    /// What a prune did.
    public struct Outcome: Sendable, Hashable {
        /// The anchor after pruning (unchanged when nothing was old enough).
        public var anchorSequence: Int64?
        public var deletedEvents: Int
        public var deletedCheckpoints: Int
    }

    /// Prunes events older than `days` days before now.
    public func prune(olderThanDays days: Int, in db: Database) throws -> Outcome {
        guard days >= 0 else { throw AccessStoreError(.invalidInput, "the number of days must not be negative") }
        // More days than the clock can count back to: nothing is that old.
        let (span, tooMany) = Int64(days).multipliedReportingOverflow(by: 86_400_000)
        let (cutoff, beforeTime) = clock.nowMilliseconds().subtractingReportingOverflow(span)
        return try prune(before: tooMany || beforeTime ? .min : cutoff, in: db)
    }

    /// Prunes events with a time before `cutoffMilliseconds`.
    public func prune(before cutoffMilliseconds: Int64, in db: Database) throws -> Outcome {
        let current: Int64? = try Int64.fetchOne(db, sql: "SELECT seq FROM journal_anchor WHERE id = 1")
        var outcome = Outcome(anchorSequence: current, deletedEvents: 0, deletedCheckpoints: 0)
        guard let last = try Row.fetchOne(
            db, sql: "SELECT seq, hash FROM journal_event WHERE time_ms < ? ORDER BY time_ms DESC, seq DESC LIMIT 1",
            arguments: [cutoffMilliseconds])
        else { return outcome }
        let lastSequence: Int64 = try last.decode(atIndex: 0)
        let lastHash: Data = try last.decode(atIndex: 1)
        var anchor: Int64
        if let key {
            anchor = lastSequence
            let existing = try Data.fetchOne(
                db, sql: "SELECT hash FROM journal_checkpoint WHERE seq = ?", arguments: [anchor])
            if existing == nil {
                let checkpoint = try JournalCheckpoint.sign(
                    sequence: anchor, hash: lastHash, signedAtMilliseconds: clock.nowMilliseconds(), key: key)
                try JournalWriter.insert(checkpoint, in: db)
            }
        } else {
            guard let found = try Int64.fetchOne(
                db, sql: "SELECT seq FROM journal_checkpoint WHERE seq <= ? ORDER BY seq DESC LIMIT 1",
                arguments: [lastSequence])
            else { return outcome }
            anchor = found
        }
        guard anchor > (current ?? 0) else { return outcome }
        try checkAnchor(anchor, in: db)
        try db.execute(
            sql: """
                INSERT INTO journal_anchor (id, seq, pruned_at_ms) VALUES (1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, pruned_at_ms = excluded.pruned_at_ms
                """,
            arguments: [anchor, clock.nowMilliseconds()])
        try db.execute(sql: "DELETE FROM journal_event WHERE seq <= ?", arguments: [anchor])
        outcome.deletedEvents = db.changesCount
        try db.execute(sql: "DELETE FROM journal_lookup WHERE seq <= ?", arguments: [anchor])
        try db.execute(sql: "DELETE FROM journal_checkpoint WHERE seq < ?", arguments: [anchor])
        outcome.deletedCheckpoints = db.changesCount
        outcome.anchorSequence = anchor
        return outcome
    }

    /// Refuses to anchor on a checkpoint that does not match the event it names: pruning would hide that.
    private func checkAnchor(_ anchor: Int64, in db: Database) throws {
        let row = try Row.fetchOne(
            db, sql: """
                SELECT c.seq, c.hash, c.signed_at_ms, c.public_key, c.signature, e.hash
                FROM journal_checkpoint c JOIN journal_event e ON e.seq = c.seq WHERE c.seq = ?
                """, arguments: [anchor])
        guard let row else {
            throw AccessStoreError(.invalidInput, "no checkpoint and event at \(anchor) to anchor on")
        }
        let checkpoint = JournalVerifier.checkpoint(row: row).verified
        let eventHash: Data? = try? row.decode(atIndex: 5)
        guard checkpoint.hasValidSignature, checkpoint.hash == eventHash else {
            throw AccessStoreError(
                .invalidInput, "the checkpoint at \(anchor) does not match the journal; run verify before pruning")
        }
    }
}
