import AccessStore
import Foundation
import Synchronization

/// Appends events to the journal durably and wakes the live-event streams.
///
/// Every event the server writes goes through here, so that `GET /v1/events/stream` sees it. Streams are woken with
/// the newest committed sequence only and read the journal themselves, in sequence order, so a slow reader never
/// holds events in memory and a resumed stream misses nothing.
public final class EventRecorder: Sendable {
    public let journal: EventJournal
    private let subscribers = Mutex<[Int: AsyncStream<Int64>.Continuation]>([:])
    private let nextSubscriber = Atomic<Int>(0)
    private let appended = Atomic<Int>(0)
    private let failures = Atomic<Int>(0)
    private let inFlight = Atomic<Int>(0)

    public init(journal: EventJournal) {
        self.journal = journal
    }

    /// Appends `event`, returning it once committed; then wakes the streams.
    public func record(_ event: NewJournalEvent) async throws(AccessStoreError) -> JournalEvent {
        let committed: JournalEvent
        inFlight.add(1, ordering: .relaxed)
        do {
            committed = try await journal.append(event)
        } catch {
            inFlight.subtract(1, ordering: .relaxed)
            failures.add(1, ordering: .relaxed)
            throw error
        }
        inFlight.subtract(1, ordering: .relaxed)
        announce(committed)
        return committed
    }

    /// Counts an event committed in another transaction (an administrative change written with its event) and
    /// wakes the streams.
    public func announce(_ committed: JournalEvent) {
        appended.add(1, ordering: .relaxed)
        let sequence = committed.sequence
        subscribers.withLock { subscribers in
            for continuation in subscribers.values { continuation.yield(sequence) }
        }
    }

    /// A stream of "the journal has grown to this sequence" signals (only the newest is kept while unread), and
    /// the function that ends it.
    func subscribe() -> (signals: AsyncStream<Int64>, cancel: @Sendable () -> Void) {
        let id = nextSubscriber.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<Int64>.makeStream(bufferingPolicy: .bufferingNewest(1))
        subscribers.withLock { $0[id] = continuation }
        let cancel: @Sendable () -> Void = { [weak self] in
            let removed = self?.subscribers.withLock { $0.removeValue(forKey: id) }
            removed?.finish()
        }
        continuation.onTermination = { _ in cancel() }
        return (stream, cancel)
    }

    /// Events appended by this server since start, and appends that failed.
    var counts: (appended: Int, failed: Int) {
        (appended.load(ordering: .relaxed), failures.load(ordering: .relaxed))
    }

    /// Events handed to the journal and not yet committed (or failed): the group commit's queue.
    var pending: Int { inFlight.load(ordering: .relaxed) }

    /// Open live streams.
    var subscriberCount: Int { subscribers.withLock { $0.count } }
}
