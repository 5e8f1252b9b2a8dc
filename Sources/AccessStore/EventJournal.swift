import GRDB

/// The tamper-evident entry journal, with group commit.
///
/// `append` returns only after the event's transaction is committed durably (WAL, `synchronous = FULL`).
/// Appends that arrive while a transaction is committing wait and then go together into the next
/// transaction, so N concurrent appends cost one fsync rather than N. An append that throws was not
/// committed; the caller must then fail closed (deny, and say the journal is unavailable).
///
/// Left alone, N busy writers settle into two halves that take turns: while one half commits, the other
/// waits, and when the first half is answered, the second commits at once while the first prepares its next
/// events. So after a commit the journal briefly gathers: it waits for as many appends as there were writers
/// around the last commit (the group it committed plus those already waiting), for at most half the duration
/// of that commit (and never over ``maximumGatherWait``), and then commits them all in one transaction. A lone
/// writer never waits: it was the only writer around its last commit.
public actor EventJournal {
    /// The most events one transaction takes; more wait for the next one.
    public static let maximumGroupSize = 1024
    /// The longest a commit waits for late appends, however slow the last commit was (a disk that stalled once
    /// must not make every later tap wait half the stall).
    public static let maximumGatherWait = Duration.milliseconds(5)

    private struct Waiter {
        var event: NewJournalEvent
        var continuation: CheckedContinuation<Result<JournalEvent, AccessStoreError>, Never>
    }

    /// A commit waiting for late appends to join it.
    private struct Gathering {
        var target: Int
        var generation: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    public nonisolated let writer: any DatabaseWriter
    public nonisolated let journalWriter: JournalWriter
    private var waiting: [Waiter] = []
    private var isCommitting = false
    /// How many appends were around the last commit: its group plus those that waited during it.
    private var recentWriters = 0
    /// How long the last commit took.
    private var lastCommitDuration = Duration.zero
    private var gathering: Gathering?
    private var gatheringGeneration = 0
    /// Transactions committed by this journal (for metrics: events per commit shows group commit at work).
    public private(set) var commits = 0
    /// Events committed by this journal.
    public private(set) var committedEvents = 0
    /// How long group-commit transactions took (inserts, commit and sync), failed ones included.
    public private(set) var commitDurations = DurationHistogram(bounds: EventJournal.commitDurationBounds)
    /// Bucket bounds of ``commitDurations``: a sync on a sound disk takes well under a millisecond, a stalled one tens.
    public static let commitDurationBounds: [Double] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1]

    public init(writer: any DatabaseWriter, journalWriter: JournalWriter) {
        self.writer = writer
        self.journalWriter = journalWriter
    }

    public init(
        store: AccessStore, key: JournalKey?, clock: JournalClock = .system,
        checkpointPolicy: CheckpointPolicy = .init()
    ) {
        self.init(
            writer: store.writer,
            journalWriter: JournalWriter(clock: clock, key: key, checkpointPolicy: checkpointPolicy))
    }

    /// Appends one event and returns it once it is durably committed.
    ///
    /// The append is not cancellable: once called, the event is committed or the call throws.
    /// - Throws: `AccessStoreError` (`invalidInput` for a malformed event, `diskFull`, `ioError`, ...).
    public nonisolated func append(_ event: NewJournalEvent) async throws(AccessStoreError) -> JournalEvent {
        // Checked by the caller's task, in parallel with other callers, not on the serialised commit path.
        try JournalWriter.validate(event)
        return try await enqueue(event).get()
    }

    private func enqueue(_ event: NewJournalEvent) async -> Result<JournalEvent, AccessStoreError> {
        await withCheckedContinuation { continuation in
            waiting.append(Waiter(event: event, continuation: continuation))
            if let gathering, waiting.count >= gathering.target {
                endGathering(gathering.generation)
            }
            if !isCommitting {
                isCommitting = true
                Task { await self.commitWaiting() }
            }
        }
    }

    /// Commits groups of waiting appends until none are left.
    private func commitWaiting() async {
        while !waiting.isEmpty {
            let target = min(Self.maximumGroupSize, recentWriters)
            let gatherLimit = min(lastCommitDuration / 2, Self.maximumGatherWait)
            if waiting.count < target, gatherLimit > Duration.zero {
                await gather(until: target, atMost: gatherLimit)
            }
            let group = Array(waiting.prefix(Self.maximumGroupSize))
            waiting.removeFirst(group.count)
            let events = group.map(\.event)
            let journalWriter = self.journalWriter
            let start = ContinuousClock.now
            let result: Result<[JournalEvent], AccessStoreError>
            do {
                result = .success(
                    try await writer.write { db in try journalWriter.append(events, in: db, validated: true) })
            } catch {
                result = .failure(AccessStoreError(error))
            }
            lastCommitDuration = ContinuousClock.now - start
            commitDurations.record(seconds: lastCommitDuration.secondsValue)
            recentWriters = group.count + waiting.count
            switch result {
            case .success(let committed):
                commits += 1
                committedEvents += committed.count
                for (waiter, event) in zip(group, committed) {
                    waiter.continuation.resume(returning: .success(event))
                }
            case .failure(let failure):
                for waiter in group {
                    waiter.continuation.resume(returning: .failure(failure))
                }
            }
        }
        isCommitting = false
    }

    /// Waits until `target` appends are waiting or `limit` has passed, whichever comes first.
    private func gather(until target: Int, atMost limit: Duration) async {
        gatheringGeneration += 1
        let generation = gatheringGeneration
        await withCheckedContinuation { continuation in
            gathering = Gathering(target: target, generation: generation, continuation: continuation)
            Task {
                try? await Task.sleep(for: limit)
                self.endGathering(generation)
            }
        }
    }

    private func endGathering(_ generation: Int) {
        guard let gathering, gathering.generation == generation else { return }
        self.gathering = nil
        gathering.continuation.resume()
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
    public nonisolated func catchUpLookup(chunk: Int = JournalLookup.defaultChunk) async throws(AccessStoreError)
        -> Int
    {
        var copied = 0
        do {
            while true {
                let count = try await writer.write { db in try JournalLookup.catchUp(in: db, limit: chunk) }
                copied += count
                if count < chunk { return copied }
            }
        } catch {
            throw AccessStoreError(error)
        }
    }

    /// One page of events matching `filter`, newest first (see `JournalQuery`).
    public nonisolated func events(_ query: JournalQuery) async throws(AccessStoreError) -> JournalPage {
        do {
            return try await writer.read { db in try query.page(in: db) }
        } catch {
            throw AccessStoreError(error)
        }
    }
}
