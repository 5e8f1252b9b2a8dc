import Foundation
import GRDB

/// The tamper-evident entry journal, with group commit.
///
/// `append` returns only after the event's transaction is committed durably (WAL, `synchronous = FULL`).
/// Appends that arrive while a transaction is committing wait and then go together into the next
/// transaction, so N concurrent appends cost one fsync rather than N. An append that throws was not
/// committed; the caller must then fail closed (deny, and say the journal is unavailable).
///
/// The commits run in a loop on the database's writer queue, which takes the waiting appends, commits them and
/// answers them, and goes on while appends keep arriving: a commit follows the last without a hop between
/// threads. After ``commitsPerTurn`` commits the loop lets the other writes queued meanwhile (administration,
/// checkpoints, the lookup) go first, and then goes on.
///
/// Left alone, N busy writers settle into two halves that take turns: while one half commits, the other
/// waits, and when the first half is answered, the second commits at once while the first prepares its next
/// events. So after a commit the journal briefly gathers: it waits for as many appends as there were writers
/// around the last commit (the group it committed plus those already waiting), for at most half the duration
/// of that commit (and never over ``maximumGatherWait``), and then commits them all in one transaction. A lone
/// writer never waits: it was the only writer around its last commit.
public final class EventJournal: Sendable {
    /// The most events one transaction takes; more wait for the next one.
    public static let maximumGroupSize = 1024
    /// The longest a commit waits for late appends, however slow the last commit was (a disk that stalled once
    /// must not make every later tap wait half the stall).
    public static let maximumGatherWait = Duration.milliseconds(5)
    /// Commits in a row before the loop lets other writes on the writer queue go first.
    public static let commitsPerTurn = 16

    private struct Waiter {
        var event: NewJournalEvent
        var continuation: CheckedContinuation<Result<JournalEvent, AccessStoreError>, Never>
    }

    /// What the appends and the commit loop share, guarded by `lock`.
    private struct State {
        var waiting: [Waiter] = []
        var isCommitting = false
        /// How many appends were around the last commit: its group plus those that waited during it.
        var recentWriters = 0
        /// How long the last commit took.
        var lastCommitDuration = Duration.zero
        /// While the loop gathers: how many waiting appends end the wait early, and what to signal then.
        var gathering: (target: Int, reached: DispatchSemaphore)?
        /// Events committed since the last copy into the lookup, and whether a copy is queued.
        var eventsNotInLookup = 0
        var isLookupCopyQueued = false
        /// A copy failed: the journal stops queueing copies until the maintenance catches the lookup up.
        var lookupCopyFailed = false
        var commits = 0
        var committedEvents = 0
        var commitDurations = DurationHistogram(bounds: EventJournal.commitDurationBounds)
    }

    public let writer: any DatabaseWriter
    public let journalWriter: JournalWriter
    private let lock = NSLock()
    nonisolated(unsafe) private var state = State()

    /// Transactions committed by this journal (for metrics: events per commit shows group commit at work).
    public var commits: Int { withState { $0.commits } }
    /// Events committed by this journal.
    public var committedEvents: Int { withState { $0.committedEvents } }
    /// How long group-commit transactions took (inserts, commit and sync), failed ones included.
    public var commitDurations: DurationHistogram { withState { $0.commitDurations } }
    /// Bucket bounds of ``commitDurations``: a sync on a sound disk takes well under a millisecond, a stalled one tens.
    public static let commitDurationBounds: [Double] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1]

    public init(writer: any DatabaseWriter, journalWriter: JournalWriter) {
        self.writer = writer
        self.journalWriter = journalWriter
    }

    public convenience init(
        store: AccessStore, key: JournalKey?, clock: JournalClock = .system,
        checkpointPolicy: CheckpointPolicy = .init()
    ) {
        self.init(
            writer: store.writer,
            journalWriter: JournalWriter(clock: clock, key: key, checkpointPolicy: checkpointPolicy))
    }

    private func withState<T>(_ body: (inout State) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }

    /// Appends one event and returns it once it is durably committed.
    ///
    /// The append is not cancellable: once called, the event is committed or the call throws.
    /// - Throws: `AccessStoreError` (`invalidInput` for a malformed event, `diskFull`, `ioError`, ...).
    public func append(_ event: NewJournalEvent) async throws(AccessStoreError) -> JournalEvent {
        // Checked by the caller's task, in parallel with other callers, not on the serialised commit path.
        try JournalWriter.validate(event)
        return try await withCheckedContinuation { continuation in
            let startsLoop = withState { state in
                state.waiting.append(Waiter(event: event, continuation: continuation))
                if let gathering = state.gathering, state.waiting.count >= gathering.target {
                    state.gathering = nil
                    gathering.reached.signal()
                }
                guard !state.isCommitting else { return false }
                state.isCommitting = true
                return true
            }
            if startsLoop {
                writer.asyncWriteWithoutTransaction { db in self.commitWaiting(in: db) }
            }
        }.get()
    }

    /// Commits groups of waiting appends until none are left, or until this turn on the writer queue is over.
    private func commitWaiting(in db: Database) {
        for _ in 0..<Self.commitsPerTurn {
            guard let group = nextGroup() else { return }
            let start = ContinuousClock.now
            let result: Result<[JournalEvent], AccessStoreError>
            do {
                var committed: [JournalEvent] = []
                try db.inTransaction(.immediate) {
                    committed = try journalWriter.append(group.map(\.event), in: db, validated: true)
                    return .commit
                }
                result = .success(committed)
            } catch {
                result = .failure(AccessStoreError(error))
            }
            let duration = ContinuousClock.now - start
            let queuesLookupCopy = withState { state in
                state.lastCommitDuration = duration
                state.commitDurations.record(seconds: duration.secondsValue)
                state.recentWriters = group.count + state.waiting.count
                guard case .success(let committed) = result else { return false }
                state.commits += 1
                state.committedEvents += committed.count
                state.eventsNotInLookup += committed.count
                guard state.eventsNotInLookup >= JournalLookup.defaultChunk, !state.isLookupCopyQueued,
                    !state.lookupCopyFailed
                else { return false }
                state.isLookupCopyQueued = true
                return true
            }
            if queuesLookupCopy {
                writer.asyncWriteWithoutTransaction { db in self.copyToLookup(in: db) }
            }
            switch result {
            case .success(let committed):
                for (waiter, event) in zip(group, committed) {
                    waiter.continuation.resume(returning: .success(event))
                }
            case .failure(let failure):
                for waiter in group {
                    waiter.continuation.resume(returning: .failure(failure))
                }
            }
        }
        // Appends keep coming: let the writes queued meanwhile go first, then go on.
        writer.asyncWriteWithoutTransaction { db in self.commitWaiting(in: db) }
    }

    /// Copies one chunk of new events into the lookup (queued on the writer after the commits that made one), so
    /// that queries find few events outside it and a copy holds up appends only briefly. After a failure the
    /// journal queues no more copies: the maintenance tries again, reports the error, and resumes them
    /// (``catchUpLookup(chunk:)``).
    private func copyToLookup(in db: Database) {
        let copied = try? JournalLookup.catchUp(in: db, limit: JournalLookup.defaultChunk)
        let succeeded = copied != nil
        withState { state in
            state.eventsNotInLookup = max(0, state.eventsNotInLookup - (copied ?? 0))
            state.isLookupCopyQueued = false
            state.lookupCopyFailed = !succeeded
        }
    }

    /// The next group to commit, after gathering late appends; `nil` (and the loop ends) when none are waiting.
    ///
    /// The gathering waits on a semaphore with a deadline on the monotonic clock: a step of the wall clock (the
    /// time set at boot) must not stretch it.
    private func nextGroup() -> [Waiter]? {
        let gather: (reached: DispatchSemaphore, limit: Duration)? = withState { state in
            let target = min(Self.maximumGroupSize, state.recentWriters)
            guard !state.waiting.isEmpty, (state.waiting.count < target), (state.lastCommitDuration > .zero) else {
                return nil
            }
            let semaphore = DispatchSemaphore(value: 0)
            state.gathering = (target, semaphore)
            return (semaphore, min(state.lastCommitDuration / 2, Self.maximumGatherWait))
        }
        if let gather {
            _ = gather.reached.wait(timeout: .now() + .nanoseconds(Int(gather.limit.secondsValue * 1e9)))
        }
        return withState { state in
            state.gathering = nil
            guard !state.waiting.isEmpty else {
                state.isCommitting = false
                return nil
            }
            let group = Array(state.waiting.prefix(Self.maximumGroupSize))
            state.waiting.removeFirst(group.count)
            return group
        }
    }

    /// Writes a checkpoint now if the policy says one is due (the daemon calls this on a timer),
    /// or unconditionally for any unsigned events when `force` is set (e.g. at shutdown).
    @discardableResult
    public func checkpointIfDue(force: Bool = false) async throws(AccessStoreError) -> JournalCheckpoint? {
        let journalWriter = self.journalWriter
        do {
            return try await writer.write { db in try journalWriter.checkpointIfDue(in: db, force: force) }
        } catch {
            throw AccessStoreError(error)
        }
    }

    /// Copies new events into the lookup that queries use (``JournalLookup``), one chunk per transaction so that
    /// appends go on between chunks, until it has caught up.
    /// - Returns: how many events it copied.
    @discardableResult
    public func catchUpLookup(chunk: Int = JournalLookup.defaultChunk) async throws(AccessStoreError)
        -> Int
    {
        var copied = 0
        do {
            while true {
                let count = try await writer.writeWithoutTransaction { db in
                    try JournalLookup.catchUp(in: db, limit: chunk)
                }
                copied += count
                if count < chunk { break }
            }
        } catch {
            throw AccessStoreError(error)
        }
        withState { state in
            state.eventsNotInLookup = 0
            state.lookupCopyFailed = false
        }
        return copied
    }

    /// The oldest sequence the journal still holds (retention deletes the oldest events), nil when it is empty.
    public func oldestSequence() async throws(AccessStoreError) -> Int64? {
        do {
            return try await writer.read { db in try Int64.fetchOne(db, sql: "SELECT min(seq) FROM journal_event") }
        } catch {
            throw AccessStoreError(error)
        }
    }

    /// One page of events matching `filter`, newest first (see `JournalQuery`).
    public func events(_ query: JournalQuery) async throws(AccessStoreError) -> JournalPage {
        do {
            return try await writer.read { db in try query.page(in: db) }
        } catch {
            throw AccessStoreError(error)
        }
    }
}
