import Foundation
import Synchronization

/// Reader and card events from pcscd, as an `AsyncSequence` built on `SCardGetStatusChange`.
///
/// The sequence starts with the present state (`readerAdded` for each reader, `cardInserted` for each card
/// already there), then reports changes. It watches the PnP pseudo-reader so new readers are seen without
/// polling, and pcsc-lite's per-reader event counter so a card inserted and removed between two wake-ups is
/// still reported. The blocking wait runs on a dedicated thread, never the Swift concurrency pool. Cancelling the
/// consuming task calls `SCardCancel`, which ends the wait at once. When pcscd goes away (`SCARD_E_NO_SERVICE`),
/// the monitor reports every reader removed, waits for pcscd to return, establishes a new context and goes on.
public struct ReaderMonitor: AsyncSequence, Sendable {
    public typealias Element = ReaderEvent

    /// How often to retry establishing a context while pcscd is down.
    public var reconnectInterval: Duration

    public init(reconnectInterval: Duration = .milliseconds(200)) {
        self.reconnectInterval = reconnectInterval
    }

    public func makeAsyncIterator() -> AsyncThrowingStream<ReaderEvent, any Error>.Iterator {
        stream().makeAsyncIterator()
    }

    /// The events as a stream; the monitor thread runs until the stream's consumer goes away.
    public func stream() -> AsyncThrowingStream<ReaderEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<ReaderEvent, any Error>.makeStream()
        let loop = MonitorLoop(reconnectInterval: reconnectInterval, emit: { continuation.yield($0) })
        continuation.onTermination = { _ in loop.stop() }
        let thread = Thread { loop.run(); continuation.finish() }
        thread.name = "cardgate.reader-monitor"
        thread.start()
        return stream
    }
}

/// The monitor's thread body and its cancellation state.
final class MonitorLoop: Sendable {
    private struct Shared {
        var stopped = false
        var finished = false
        var context: PCSCContext?
    }

    private let shared = Mutex(Shared())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let reconnectInterval: Duration
    private let emit: @Sendable (ReaderEvent) -> Void

    init(reconnectInterval: Duration, emit: @escaping @Sendable (ReaderEvent) -> Void) {
        self.reconnectInterval = reconnectInterval
        self.emit = emit
    }

    private var isStopped: Bool { shared.withLock { $0.stopped } }

    /// Stops the loop from any thread: wakes a reconnect delay and cancels a blocking wait with `SCardCancel`,
    /// repeating the cancel until the thread has noticed, so a cancel that lands just before the wait starts
    /// is not lost.
    func stop() {
        shared.withLock { $0.stopped = true }
        wakeUp.signal()
        DispatchQueue.global().async { [self] in
            while true {
                let (finished, context) = shared.withLock { ($0.finished, $0.context) }
                if finished { return }
                context?.cancel()
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
    }

    func run() {
        var tracker = ReaderStateTracker()
        defer { shared.withLock { $0.finished = true } }
        while !isStopped {
            guard let context = try? PCSCContext() else {
                tracker.serviceLost().forEach(emit)
                _ = wakeUp.wait(timeout: .now() + .nanoseconds(Int(reconnectInterval.nanoseconds)))
                continue
            }
            shared.withLock { $0.context = context }
            watch(context, &tracker)
            shared.withLock { $0.context = nil }
            context.release()
            tracker.serviceLost().forEach(emit)
        }
    }

    /// Waits on one context until it fails or the loop stops.
    private func watch(_ context: PCSCContext, _ tracker: inout ReaderStateTracker) {
        var lastState: [String: UInt32] = [:]
        while !isStopped {
            let names: [String]
            do { names = try context.readerNames() } catch { return }
            tracker.readersListed(names).forEach(emit)
            lastState = lastState.filter { names.contains($0.key) }
            // pcsc-lite compares the reader count in the PnP entry's high word with its own.
            let plugAndPlay = ReaderStateEntry(name: PCSCContext.plugAndPlayReader,
                                               currentState: UInt32(names.count) << 16)
            var states = [plugAndPlay]
            states += names.map { ReaderStateEntry(name: $0, currentState: lastState[$0] ?? 0) }
            do {
                try context.statusChange(&states, timeoutMilliseconds: nil)
            } catch let error where error.code == .cancelled || error.code == .timeout || error.code == .unknownReader {
                continue
            } catch {
                return
            }
            for entry in states.dropFirst() where entry.changed || lastState[entry.name] == nil {
                if entry.eventState & (ReaderStateEntry.stateUnknown | ReaderStateEntry.stateUnavailable) != 0 {
                    continue
                }
                let observation = ReaderStateTracker.Observation(
                    cardPresent: entry.cardPresent, atr: entry.atr, eventCount: entry.eventCount)
                tracker.observe(reader: entry.name, observation).forEach(emit)
                lastState[entry.name] = entry.eventState & ~ReaderStateEntry.stateChanged
            }
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
