import AccessStore
import Foundation
import GRDB
import Synchronization
import Testing

@Suite struct JournalRetentionTests {
    /// Checkpoints every 5 events (1, 6, 11, ...); the verifier is told so.
    static let policy = CheckpointPolicy(events: 5, milliseconds: 100 * Sample.day)

    static func verify(_ store: AccessStore, key: JournalKey? = nil) throws -> JournalVerification {
        try JournalVerifier(trustedKeys: key.map { [$0.publicKey] }, checkpointPolicy: policy).verify(store.writer)
    }

    /// Ten days of events, 12 a day, with checkpoints every 5 events.
    static func journal(key: JournalKey) throws -> (AccessStore, ManualTime, JournalWriter) {
        let store = try AccessStore.inMemory()
        let time = ManualTime()
        let writer = JournalWriter(clock: time.clock, key: key, checkpointPolicy: policy)
        try Sample.fill(store, count: 120, batch: 1, writer: writer, time: time, step: Sample.day / 12)
        return (store, time, writer)
    }

    @Test func pruningWithTheKeyAnchorsExactlyAndTheRestStillVerifies() throws {
        let key = JournalKey.generate()
        let (store, time, writer) = try Self.journal(key: key)
        let retention = JournalRetention(clock: time.clock, key: key)
        let outcome = try store.writer.write { db in try retention.prune(olderThanDays: 4, in: db) }
        // Day 6 starts at event 73: everything before it is older than 4 days.
        #expect(outcome.anchorSequence == 72)
        #expect(outcome.deletedEvents == 72)
        let verification = try Self.verify(store, key: key)
        #expect(verification.isIntact)
        #expect(verification.firstSequence == 73)
        #expect(verification.anchorSequence == 72)
        try Sample.fill(store, count: 10, batch: 2, writer: writer, time: time, first: 120)
        #expect(try Self.verify(store, key: key).isIntact)
    }

    /// A prune committed while a verification runs (it reads in several transactions) is not damage.
    @Test(arguments: [1, 4])
    func aPruneDuringAVerificationIsNotReportedAsDeletion(ranges: Int) throws {
        let key = JournalKey.generate()
        let directory = try TemporaryDirectory()
        let store = try AccessStore.open(at: directory.file("journal.sqlite"))
        let time = ManualTime()
        let writer = JournalWriter(clock: time.clock, key: key, checkpointPolicy: Self.policy)
        try Sample.fill(store, count: 120, batch: 1, writer: writer, time: time, step: Sample.day / 12)
        let retention = JournalRetention(clock: time.clock, key: key)
        let pruned = Mutex(false)
        let verifier = JournalVerifier(
            trustedKeys: [key.publicKey], parallelism: ranges, minimumRangeSize: 1, checkpointPolicy: Self.policy)
        // The progress callback runs after the verification planned its ranges and before it scans them.
        let verification = try verifier.verify(store.writer) { _, _ in
            guard !pruned.withLock({ done in defer { done = true }; return done }) else { return }
            _ = try? store.writer.write { db in try retention.prune(olderThanDays: 4, in: db) }
        }
        #expect(pruned.withLock { $0 })
        #expect(verification.isIntact, "\(String(describing: verification.damage))")
        #expect(verification.anchorSequence == 72)
    }

    @Test(arguments: [0, 50, 120])
    func pruningRemovesTheLookupsOfPrunedEvents(indexedBefore: Int) throws {
        let key = JournalKey.generate()
        let (store, time, writer) = try Self.journal(key: key)
        try store.writer.write { db in _ = try JournalLookup.catchUp(in: db, limit: indexedBefore) }
        let retention = JournalRetention(clock: time.clock, key: key)
        try store.writer.write { db in _ = try retention.prune(olderThanDays: 4, in: db) }
        try Sample.fill(store, count: 10, batch: 2, writer: writer, time: time, first: 120)
        try store.writer.write { db in _ = try JournalLookup.catchUp(in: db, limit: 1000) }
        let lookups = try store.writer.read { db in try Int64.fetchAll(db, sql: "SELECT seq FROM journal_lookup ORDER BY seq") }
        #expect(lookups == Array(73...130))
        let page = try store.writer.read { db in try JournalQuery(personId: "person-1", limit: 1000).page(in: db) }
        #expect(page.events.map(\.sequence).min() ?? 0 > 72)
        #expect(!page.events.isEmpty)
        #expect(try Self.verify(store, key: key).isIntact)
    }

    @Test func pruningWithoutTheKeyAnchorsOnTheLastCheckpointBeforeTheCutoff() throws {
        let key = JournalKey.generate()
        let (store, time, _) = try Self.journal(key: key)
        let retention = JournalRetention(clock: time.clock, key: nil)
        let outcome = try store.writer.write { db in try retention.prune(olderThanDays: 4, in: db) }
        #expect(outcome.anchorSequence == 71)  // checkpoints at 1, 6, 11, ..., 71
        #expect(try Self.verify(store, key: key).isIntact)
    }

    @Test func moreDaysThanTheClockCountsPruneNothing() throws {
        let key = JournalKey.generate()
        let (store, time, _) = try Self.journal(key: key)
        let retention = JournalRetention(clock: time.clock, key: key)
        for days in [Int.max, 106_751_991_168] {
            let outcome = try store.writer.write { db in try retention.prune(olderThanDays: days, in: db) }
            #expect(outcome.deletedEvents == 0)
        }
        #expect(try Self.verify(store, key: key).isIntact)
    }

    @Test func pruningEverythingThenAppendingContinuesTheChain() throws {
        let key = JournalKey.generate()
        let (store, time, writer) = try Self.journal(key: key)
        let retention = JournalRetention(clock: time.clock, key: key)
        time.advance(by: Sample.day)
        let outcome = try store.writer.write { db in try retention.prune(olderThanDays: 0, in: db) }
        #expect(outcome.anchorSequence == 120)
        #expect(try Self.verify(store).isIntact)
        let next = try Sample.fill(store, count: 3, batch: 3, writer: writer, time: time, first: 120)
        #expect(next.first?.sequence == 121)
        #expect(try Self.verify(store).isIntact)
    }

    @Test func removingTheAnchorOrItsCheckpointIsDetected() throws {
        let key = JournalKey.generate()
        let (store, time, _) = try Self.journal(key: key)
        let retention = JournalRetention(clock: time.clock, key: key)
        _ = try store.writer.write { db in try retention.prune(olderThanDays: 4, in: db) }
        try Sample.tamper(store, "PRAGMA foreign_keys = OFF")
        try Sample.tamper(store, "DELETE FROM journal_checkpoint WHERE seq = 72")
        let missingCheckpoint = try Self.verify(store).damage
        #expect(missingCheckpoint?.kind == .badCheckpoint)
        #expect(missingCheckpoint?.sequence == 72)
        try Sample.tamper(store, "DELETE FROM journal_anchor")
        let missingAnchor = try Self.verify(store).damage
        #expect(missingAnchor?.kind == .deleted)
        #expect(missingAnchor?.sequence == 1)
    }

    @Test func retentionRefusesToAnchorOnACheckpointThatDoesNotMatch() throws {
        let key = JournalKey.generate()
        let (store, time, _) = try Self.journal(key: key)
        try Sample.tamper(store, "UPDATE journal_checkpoint SET hash = randomblob(32) WHERE seq = 71")
        let retention = JournalRetention(clock: time.clock, key: nil)
        #expect(throws: AccessStoreError(.invalidInput, "")) {
            try store.writer.write { db in try retention.prune(olderThanDays: 4, in: db) }
        }
    }
}
