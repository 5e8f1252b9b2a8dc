import Foundation
import Synchronization

/// What a door agent drives after a decision: the lock on a grant, a deny signal otherwise.
public protocol DoorLock: Sendable {
    /// Releases the lock for `seconds`, then locks again.
    func unlock(seconds: Int) async
    /// Signals a refusal at the door (red light, buzzer) with the reason code.
    func signalDenied(reason: String) async
}

/// A lock that only logs what it would do: for doors whose lock is wired elsewhere, and for trying CardGate out.
public struct LoggingDoorLock: DoorLock {
    public let door: String
    private let log: @Sendable (String) -> Void

    public init(door: String, log: @escaping @Sendable (String) -> Void) {
        self.door = door
        self.log = log
    }

    public func unlock(seconds: Int) async { log("door \(door): unlock for \(seconds) s") }
    public func signalDenied(reason: String) async { log("door \(door): denied (\(reason))") }
}

/// A lock driven by configured commands (a relay board's tool, a GPIO script): the unlock command gets the
/// seconds in `CARDGATE_UNLOCK_SECONDS`, the deny command the reason in `CARDGATE_DENY_REASON`.
public struct CommandDoorLock: DoorLock {
    public let unlockCommand: [String]
    public let denyCommand: [String]?
    private let log: @Sendable (String) -> Void

    public init(unlockCommand: [String], denyCommand: [String]? = nil, log: @escaping @Sendable (String) -> Void) {
        self.unlockCommand = unlockCommand
        self.denyCommand = denyCommand
        self.log = log
    }

    public func unlock(seconds: Int) async {
        await run(unlockCommand, environment: ["CARDGATE_UNLOCK_SECONDS": String(seconds)])
    }

    public func signalDenied(reason: String) async {
        guard let denyCommand else { return }
        await run(denyCommand, environment: ["CARDGATE_DENY_REASON": reason])
    }

    private func run(_ command: [String], environment: [String: String]) async {
        guard let executable = command.first else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(command.dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        do {
            try process.run()
        } catch {
            log("lock command \(executable) failed to start: \(error)")
            return
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                process.waitUntilExit()
                continuation.resume()
            }
        }
        if process.terminationStatus != 0 {
            log("lock command \(executable) exited with status \(process.terminationStatus)")
        }
    }
}

/// A lock for tests and the demo: it records every action.
public final class SimulatedDoorLock: DoorLock {
    public enum Action: Sendable, Hashable {
        case unlocked(seconds: Int)
        case denied(reason: String)
    }

    private let recorded = Mutex<[Action]>([])

    public init() {}

    public var actions: [Action] { recorded.withLock { $0 } }

    public func unlock(seconds: Int) async { recorded.withLock { $0.append(.unlocked(seconds: seconds)) } }
    public func signalDenied(reason: String) async { recorded.withLock { $0.append(.denied(reason: reason)) } }
}
