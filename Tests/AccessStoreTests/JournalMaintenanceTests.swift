import AccessStore
import Foundation
import GRDB
import Synchronization
import Testing

@Suite struct JournalMaintenanceTests {
    /// A journal whose first event is signed at once (the first commit always signs), with two more unsigned.
    static func journalWithUnsignedEvents(
        _ store: AccessStore, time: ManualTime
    ) async throws -> EventJournal {
        let journal = EventJournal(
            store: store, key: .generate(), clock: time.clock,
            checkpointPolicy: CheckpointPolicy(events: 1000, milliseconds: 60_000))
        _ = try await journal.append(Sample.decision(0))
        time.advance(by: 1000)
        _ = try await journal.append(Sample.decision(1))
        _ = try await journal.append(Sample.decision(2))
        return journal
    }

    static func signedSequences(_ store: AccessStore) async throws -> [Int64] {
        try await store.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT seq FROM journal_checkpoint ORDER BY seq")
        }
    }

    @Test func anIdleJournalIsSignedOnceThePolicyTimeHasPassed() async throws {
        let store = try AccessStore.inMemory()
        let time = ManualTime()
        let journal = try await Self.journalWithUnsignedEvents(store, time: time)
        let maintenance = try JournalMaintenance(journal: journal)
        #expect(try await Self.signedSequences(store) == [1])

        time.advance(by: 30_000)
        let early = await maintenance.runOnce()
        #expect(early.checkpoint == nil)
        #expect(early.errors.isEmpty)
        #expect(early.wal == nil)  // an in-memory store has no WAL

        time.advance(by: 30_000)
        let due = await maintenance.runOnce()
        #expect(due.checkpoint?.sequence == 3)
        #expect(due.checkpoint?.signedAtMilliseconds == time.now)
        #expect(due.checkpoint?.hasValidSignature == true)

        time.advance(by: 120_000)
        #expect(await maintenance.runOnce().checkpoint == nil)  // nothing new to sign
        #expect(try await Self.signedSequences(store) == [1, 3])
        #expect(try JournalVerifier().verify(store.writer).unsignedEvents == 0)
    }

    @Test func theLoopSignsOnTheInjectedClockAndStopsWhenSleepThrows() async throws {
        let store = try AccessStore.inMemory()
        let time = ManualTime()
        let journal = try await Self.journalWithUnsignedEvents(store, time: time)
        let maintenance = try JournalMaintenance(journal: journal, interval: .seconds(20))
        let passes = Passes()
        // Each sleep moves the journal clock by the interval; the fifth one ends the loop as cancellation would.
        await maintenance.run(
            sleep: { interval in
                guard passes.count < 5 else { throw CancellationError() }
                time.advance(by: interval.components.seconds * 1000)
            },
            report: { pass in passes.add(pass) })
        // Passes at 1 s, 21 s, 41 s, 61 s and 81 s after the last signature: only the one at 61 s signs.
        #expect(passes.count == 5)
        #expect(passes.checkpoints == [nil, nil, nil, 3, nil])
        #expect(try await Self.signedSequences(store) == [1, 3])
    }

    @Test func passesCheckpointTheWALOfAFileStore() async throws {
        let directory = try TemporaryDirectory()
        let store = try AccessStore.open(at: directory.file("journal.sqlite"))
        let time = ManualTime()
        let journal = try await Self.journalWithUnsignedEvents(store, time: time)
        let pass = try await JournalMaintenance(journal: journal).runOnce()
        #expect(pass.errors.isEmpty)
        #expect(pass.indexedEvents > 0)
        #expect(try await store.writer.read { db in try JournalLookup.pending(in: db) } == 0)
        let wal = try #require(pass.wal)
        #expect(wal.frames > 0)
        #expect(wal.checkpointed == wal.frames)  // nobody was reading or writing
    }
}

/// The passes a maintenance loop reported.
private final class Passes: Sendable {
    private let values = Mutex<[JournalMaintenance.Pass]>([])

    func add(_ pass: JournalMaintenance.Pass) {
        values.withLock { $0.append(pass) }
    }

    var count: Int { values.withLock { $0.count } }

    var checkpoints: [Int64?] { values.withLock { $0.map { $0.checkpoint?.sequence } } }
}
