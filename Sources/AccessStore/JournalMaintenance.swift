import GRDB

/// The journal's upkeep in a long-running process: signed checkpoints on time even when no event arrives, the
/// query lookup filled behind the commit path (``JournalLookup``), and WAL checkpoints outside the commit path.
///
/// Without it, a checkpoint is signed only when an append finds one due, so the last events before a quiet night
/// stay unsigned until the morning; queries read the events the lookup lacks from the journal itself, row by
/// row; and SQLite copies the WAL back into the database inside whichever commit crosses the
/// `wal_autocheckpoint` size, which then waits for that copy. Each pass of the maintenance calls
/// `EventJournal.checkpointIfDue()`, copies new checkpoints to the witness (``JournalWitnessRecorder``) when it
/// has one, then `EventJournal.catchUpLookup()`, and then runs a passive WAL checkpoint
/// on a connection of its own, which neither blocks appends nor waits for them. The writer's automatic
/// checkpoint stays on as a safety net for a WAL the passive checkpoints cannot finish while appends keep
/// arriving.
public struct JournalMaintenance: Sendable {
    /// What one pass did.
    public struct Pass: Sendable {
        /// The checkpoint the pass signed, if one was due.
        public var checkpoint: JournalCheckpoint?
        /// Events the pass copied into the query lookup.
        public var indexedEvents = 0
        /// What the pass did with the witness (``JournalWitnessRecorder``): the checkpoints it appended, and on the
        /// first pass whether the journal disagrees with the witness or the witness cannot be used.
        public var witness: JournalWitnessRecorder.Record?
        /// Frames in the WAL and frames copied into the database, when the WAL was checkpointed.
        public var wal: (frames: Int, checkpointed: Int)?
        /// What failed; the next pass tries again.
        public var errors: [AccessStoreError] = []
    }

    public let journal: EventJournal
    /// Time between passes; a checkpoint is signed at most this long after the policy's time limit.
    public let interval: Duration
    private let walCheckpointer: WALCheckpointer?
    /// Where the passes copy new checkpoints to, if anywhere.
    public let witness: JournalWitnessRecorder?

    /// - Parameters:
    ///   - journal: the journal to keep signed.
    ///   - interval: time between passes (default one second).
    ///   - checkpointsWAL: whether passes also checkpoint the WAL (only for a file database).
    ///   - witness: where passes append the checkpoints they find in the database.
    public init(
        journal: EventJournal, interval: Duration = .seconds(1), checkpointsWAL: Bool = true,
        witness: JournalWitnessRecorder? = nil
    ) throws(AccessStoreError) {
        self.journal = journal
        self.interval = interval
        self.witness = witness
        walCheckpointer = checkpointsWAL ? try WALCheckpointer(writer: journal.writer) : nil
    }

    /// One pass: signs a checkpoint if the policy says one is due, copies new checkpoints to the witness, fills the
    /// lookup, then checkpoints the WAL.
    public func runOnce() async -> Pass {
        var pass = Pass()
        do {
            pass.checkpoint = try await journal.checkpointIfDue()
        } catch {
            pass.errors.append(error)
        }
        if let witness {
            do {
                pass.witness = try await witness.catchUp(from: journal.writer)
            } catch {
                pass.errors.append(error)
            }
        }
        do {
            pass.indexedEvents = try await journal.catchUpLookup()
        } catch {
            pass.errors.append(error)
        }
        if let walCheckpointer {
            do {
                pass.wal = try await walCheckpointer.checkpoint()
            } catch {
                pass.errors.append(error)
            }
        }
        return pass
    }

    /// Runs passes until the task is cancelled or `sleep` throws (as `Task.sleep` does when cancelled).
    ///
    /// - Parameters:
    ///   - sleep: waits between passes; tests pass one that advances their own clock.
    ///   - report: called with every pass (for logs and metrics).
    public func run(
        sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        report: @Sendable (Pass) -> Void = { _ in }
    ) async {
        while !Task.isCancelled {
            report(await runOnce())
            do {
                try await sleep(interval)
            } catch {
                return
            }
        }
    }

    /// Starts `run` in a task of its own and returns the task (cancel it to stop).
    @discardableResult
    public func start(report: @escaping @Sendable (Pass) -> Void = { _ in }) -> Task<Void, Never> {
        Task { await run(report: report) }
    }
}

/// Checkpoints a WAL database from a connection of its own, so that appends on the writer never wait for it.
final class WALCheckpointer: Sendable {
    private let queue: DatabaseQueue

    /// A checkpointer for `writer`'s file, or `nil` when `writer` has no WAL (an in-memory queue).
    init?(writer: any DatabaseWriter) throws(AccessStoreError) {
        guard writer is DatabasePool else { return nil }
        var configuration = Configuration()
        configuration.label = "CardGate WAL checkpointer"
        do {
            queue = try DatabaseQueue(path: writer.path, configuration: configuration)
        } catch {
            throw AccessStoreError(error)
        }
    }

    /// Copies as much of the WAL into the database as possible without waiting for readers or the writer
    /// (`PRAGMA wal_checkpoint(PASSIVE)`); a checkpoint already running elsewhere makes this one a no-op.
    func checkpoint() async throws(AccessStoreError) -> (frames: Int, checkpointed: Int)? {
        do {
            return try await queue.writeWithoutTransaction { db in
                do {
                    let result = try db.checkpoint(.passive)
                    return (frames: result.walFrameCount, checkpointed: result.checkpointedFrameCount)
                } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                    return nil
                }
            }
        } catch {
            throw AccessStoreError(error)
        }
    }
}
