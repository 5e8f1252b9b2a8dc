import GRDB

/// The tamper-evident entry journal, with group commit.
///
/// `append` returns only after the event's transaction is committed durably (WAL, `synchronous = FULL`).
/// Appends that arrive while a transaction is committing wait and then go together into the next
/// transaction, so N concurrent appends cost one fsync rather than N. An append that throws was not
/// committed; the caller must then fail closed (deny, and say the journal is unavailable).
public actor EventJournal {
    /// The most events one transaction takes; more wait for the next one.
    public static let maximumGroupSize = 1024

    private struct Waiter {
        var event: NewJournalEvent
        var continuation: CheckedContinuation<Result<JournalEvent, AccessStoreError>, Never>
    }

    public nonisolated let writer: any DatabaseWriter
    public nonisolated let journalWriter: JournalWriter
    private var waiting: [Waiter] = []
    private var isCommitting = false
    /// Transactions committed by this journal (for metrics: events per commit shows group commit at work).
    public private(set) var commits = 0
    /// Events committed by this journal.
    public private(set) var committedEvents = 0

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
            if !isCommitting {
                isCommitting = true
                Task { await self.commitWaiting() }
            }
        }
    }

    /// Commits groups of waiting appends until none are left.
    private func commitWaiting() async {
        while !waiting.isEmpty {
            let group = Array(waiting.prefix(Self.maximumGroupSize))
            waiting.removeFirst(group.count)
            let events = group.map(\.event)
            let journalWriter = self.journalWriter
            do {
                let committed = try await writer.write { db in
                    try journalWriter.append(events, in: db, validated: true)
                }
                commits += 1
                committedEvents += committed.count
                for (waiter, event) in zip(group, committed) {
                    waiter.continuation.resume(returning: .success(event))
                }
            } catch {
                let failure = AccessStoreError(error)
                for waiter in group {
                    waiter.continuation.resume(returning: .failure(failure))
                }
            }
        }
        isCommitting = false
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

    /// One page of events matching `filter`, newest first (see `JournalQuery`).
    public nonisolated func events(_ query: JournalQuery) async throws(AccessStoreError) -> JournalPage {
        do {
            return try await writer.read { db in try query.page(in: db) }
        } catch {
            throw AccessStoreError(error)
        }
    }
}
