import AccessStore
import DoorAgent
import Foundation
import Logging
import SmartCard
import Synchronization

/// The daemon's own doors: readers attached to this machine, each with an in-process `DoorAgent` that asks the
/// daemon's authority directly.
///
/// One reader monitor serves every door. A reader that is missing at start or goes away (unplugged, pcscd
/// restarted) stops nothing: its door waits, the monitor keeps watching (it is restarted after a failure), and
/// ``readersOnline`` says which doors can read cards now, for `/metrics` and the log.
public final class LocalDoors: Sendable {
    public let doors: [LocalDoorConfiguration]
    private let reader: any CardReader
    private let authority: any AccessAuthority
    private let metrics: GateMetrics
    private let logger: Logger
    private let makeLock: @Sendable (LocalDoorConfiguration) -> any DoorLock
    private let restartDelay: Duration

    private struct State {
        var online: Set<String> = []
        var monitor: Task<Void, Never>?
        var running = false
        var stopped = false
    }

    private let state = Mutex(State())

    /// - Parameters:
    ///   - reader: the readers' source; pcscd's in the daemon, a simulated reader in tests.
    ///   - makeLock: the lock of each door; by default from its configuration (log-only or commands).
    public init(
        doors: [LocalDoorConfiguration], reader: any CardReader, authority: any AccessAuthority,
        metrics: GateMetrics, logger: Logger, restartDelay: Duration = .seconds(1),
        makeLock: (@Sendable (LocalDoorConfiguration) -> any DoorLock)? = nil
    ) {
        self.doors = doors
        self.reader = reader
        self.authority = authority
        self.metrics = metrics
        self.logger = logger
        self.restartDelay = restartDelay
        self.makeLock = makeLock ?? { door in Self.configuredLock(door, logger: logger) }
    }

    /// The lock a door's configuration names.
    static func configuredLock(_ door: LocalDoorConfiguration, logger: Logger) -> any DoorLock {
        let log: @Sendable (String) -> Void = { message in
            logger.info("\(message)", metadata: ["door": "\(door.doorId)"])
        }
        switch door.lock {
        case .log: return LoggingDoorLock(door: door.doorId, log: log)
        case .command(let unlock, let deny): return CommandDoorLock(unlockCommand: unlock, denyCommand: deny, log: log)
        }
    }

    /// Whether each door's reader is present now, by door id.
    public var readersOnline: [String: Bool] {
        let online = state.withLock { $0.online }
        return Dictionary(uniqueKeysWithValues: doors.map { ($0.doorId, online.contains($0.reader)) })
    }

    /// Serves every door until ``stop()`` or cancellation; a tap under way is finished first. Returns at once
    /// when there are no doors, after ``stop()``, or while another call serves them.
    public func run() async {
        let first = state.withLock { state in
            defer { state.running = true }
            return !state.running && !state.stopped
        }
        guard first, !doors.isEmpty else { return }
        var signals: [String: AsyncStream<Void>.Continuation] = [:]
        var streams: [(LocalDoorConfiguration, AsyncStream<Void>)] = []
        for door in doors {
            let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
            signals[door.reader] = continuation
            streams.append((door, stream))
        }
        let presented = signals
        let monitor = Task { await self.watch(presented) }
        let stoppedMeanwhile = state.withLock { state in
            state.monitor = monitor
            return state.stopped
        }
        if stoppedMeanwhile { monitor.cancel() }
        await withTaskGroup(of: Void.self) { group in
            for (door, stream) in streams {
                let agent = DoorAgent(
                    configuration: .init(door: door.doorId, reader: door.reader,
                        defaultUnlockSeconds: door.defaultUnlockSeconds),
                    reader: reader, authority: authority, lock: makeLock(door))
                group.addTask {
                    for await _ in stream { self.report(await agent.handleCardPresented()) }
                }
            }
            group.addTask { await monitor.value }
        }
    }

    /// Stops watching the readers; taps under way finish, then ``run()`` returns.
    public func stop() {
        let monitor = state.withLock { state in
            state.stopped = true
            return state.monitor
        }
        monitor?.cancel()
    }

    /// Follows reader events, restarting the monitor after a failure, until cancelled; then ends the doors' streams.
    private func watch(_ signals: [String: AsyncStream<Void>.Continuation]) async {
        defer { for continuation in signals.values { continuation.finish() } }
        for door in doors {
            logger.info("local door configured", metadata: ["door": "\(door.doorId)", "reader": "\(door.reader)"])
        }
        while !Task.isCancelled {
            do {
                for try await event in reader.events() {
                    handle(event, signals)
                }
                if !Task.isCancelled { logger.warning("the reader monitor ended; restarting it") }
            } catch {
                logger.warning("the reader monitor failed; restarting it", metadata: ["error": "\(error)"])
            }
            let lost = state.withLock { state in
                defer { state.online.removeAll() }
                return state.online
            }
            for name in lost.sorted() { logger.warning("reader offline", metadata: ["reader": "\(name)"]) }
            try? await Task.sleep(for: restartDelay)
        }
    }

    private func handle(_ event: ReaderEvent, _ signals: [String: AsyncStream<Void>.Continuation]) {
        guard let signal = signals[event.readerName] else { return }
        switch event {
        case .readerAdded(let name):
            state.withLock { _ = $0.online.insert(name) }
            logger.info("reader online", metadata: ["reader": "\(name)"])
        case .readerRemoved(let name):
            state.withLock { _ = $0.online.remove(name) }
            logger.warning("reader offline", metadata: ["reader": "\(name)"])
        case .cardInserted:
            signal.yield()
        case .cardRemoved:
            break
        }
    }

    private func report(_ outcome: TapOutcome) {
        let seconds = outcome.duration.secondsValue
        metrics.recordLocalTap(door: outcome.door, outcome: outcome.granted ? "grant" : "deny",
            reason: outcome.reason)
        logger.info("local tap", metadata: [
            "door": "\(outcome.door)", "decision": "\(outcome.granted ? "grant" : "deny")",
            "reason": "\(outcome.reason)", "milliseconds": "\(Int(seconds * 1000))",
        ])
    }
}
