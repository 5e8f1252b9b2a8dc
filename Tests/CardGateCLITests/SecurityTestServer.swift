import AccessPolicy
import AccessStore
import DoorAgent
import Foundation
import GateServer
import Hummingbird
import HummingbirdTesting
import SiteFile
import Synchronization

@testable import cardgate

/// A daemon in this process on a real port, over a database made the way `cardgate init` and `cardgate site apply`
/// make one and opened the way `cardgated` opens it, with a token file per role.
struct SecurityTestServer: Sendable {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    let services: GateServices
    let directory: URL
    /// Token files by role name (`security`, `auditor`, `admin`, `controller` of vehicle-gate and main-entrance),
    /// each 0600.
    let tokenFiles: [String: String]
    /// Token secrets by the same names.
    let tokens: [String: String]

    static func make() async throws -> SecurityTestServer {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("cardgate-cli-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = directory.appendingPathComponent("cardgate.db").path
        let adminTokenPath = directory.appendingPathComponent("admin.token").path
        let initialized = try StoreInitializer().initialize(databasePath: database, adminTokenPath: adminTokenPath)
        let sources = try ["Config/site.example.yaml", "Config/people.example.yaml"].map { path in
            SiteFile.Source(name: path,
                text: try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8))
        }
        let model = try SiteFile.load(sources)
        do {
            let store = try AccessStore.open(at: database)
            _ = try await store.apply(model, scope: SiteApplyScope.site.union(.people), actor: "test",
                journal: JournalWriter(key: try JournalKey.load(from: initialized.journalKeyPath)))
        }
        let services = try await GateServices.open(
            GateServerConfiguration(host: "127.0.0.1", port: 0, databasePath: database))
        var tokens: [String: String] = [:]
        tokens["admin"] = try String(contentsOfFile: adminTokenPath, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        tokens["controller"] = try await services.tokens.create(role: .controller,
            doorIds: ["vehicle-gate", "main-entrance"], name: "gate").secret
        for role in [TokenRole.security, .auditor] {
            tokens[role.rawValue] = try await services.tokens.create(role: role, doorIds: [], name: nil).secret
        }
        var files: [String: String] = [:]
        for (name, secret) in tokens {
            files[name] = try writeFile(directory, "\(name).token", secret + "\n", mode: 0o600)
        }
        return SecurityTestServer(services: services, directory: directory, tokenFiles: files, tokens: tokens)
    }

    /// Runs `body` with the base URL of the server while it listens on a port of its own.
    func run<Value: Sendable>(_ body: @Sendable (URL) async throws -> Value) async throws -> Value {
        let app = try await buildApplication(services.configuration, services: services)
        return try await app.test(.live) { client in
            guard let port = client.port, let url = URL(string: "http://localhost:\(port)") else {
                throw TestFailure("the live test server has no port")
            }
            let value = try await body(url)
            // A stream whose client has gone learns it only when a write fails (the first write after the close
            // still succeeds): two more events end such streams now rather than at their keep-alives, which the
            // server's shutdown would wait for.
            for _ in 0..<2 {
                try await record(.alarm, reason: "test_finished")
                try await Task.sleep(for: .milliseconds(50))
            }
            return value
        }
    }

    /// Appends an event to the journal as the daemon would.
    @discardableResult
    func record(
        _ type: JournalEventType = .accessDecision, door: String? = nil, zone: String? = nil, person: String? = nil,
        decision: JournalDecision? = nil, reason: String? = nil
    ) async throws -> JournalEvent {
        try await services.recorder.record(NewJournalEvent(type: type, doorId: door, zoneId: zone, personId: person,
            decision: decision, reason: reason, details: "{}"))
    }

    /// A UID tap through the API as a gate controller makes it.
    func tap(uid: [UInt8], door: String, server: URL) async throws -> AccessAnswer {
        try await HTTPAccessAuthority(server: server, token: tokens["controller"] ?? "", timeout: 60)
            .requestAccess(door: door, TapRequest(credential: .uid(uid)))
    }

    /// Writes a file in `directory` with `mode`; returns its path.
    static func writeFile(_ directory: URL, _ name: String, _ text: String, mode: Int) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    func writeFile(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        try Self.writeFile(directory, name, text, mode: mode)
    }
}

/// A test that could not go on.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// What a command printed: result lines and notes, in order; new lines can be awaited.
final class CapturedOutput: Sendable {
    private struct Waiter {
        var id: Int
        var predicate: @Sendable (String) -> Bool
        var continuation: CheckedContinuation<String?, Never>
    }

    private struct State {
        var lines: [String] = []
        var notes: [String] = []
        var waiters: [Waiter] = []
        var nextId = 0
    }

    private let state = Mutex(State())

    var lines: [String] { state.withLock { $0.lines } }
    var notes: [String] { state.withLock { $0.notes } }

    var output: CommandOutput {
        CommandOutput(line: { [self] in append($0, note: false) }, note: { [self] in append($0, note: true) })
    }

    private func append(_ text: String, note: Bool) {
        let ready = state.withLock { state -> [CheckedContinuation<String?, Never>] in
            if note { state.notes.append(text) } else { state.lines.append(text) }
            let matched = state.waiters.filter { $0.predicate(text) }
            state.waiters.removeAll { $0.predicate(text) }
            return matched.map(\.continuation)
        }
        for continuation in ready { continuation.resume(returning: text) }
    }

    /// The first line or note, printed so far or later, that satisfies `predicate`; nil when cancelled first.
    func first(where predicate: @escaping @Sendable (String) -> Bool) async -> String? {
        let id = state.withLock { state -> Int in
            state.nextId += 1
            return state.nextId
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let found = state.withLock { state -> String? in
                    if let text = (state.lines + state.notes).first(where: predicate) { return text }
                    state.waiters.append(Waiter(id: id, predicate: predicate, continuation: continuation))
                    return nil
                }
                if let found { continuation.resume(returning: found) }
                if Task.isCancelled { cancelWaiter(id) }
            }
        } onCancel: {
            cancelWaiter(id)
        }
    }

    private func cancelWaiter(_ id: Int) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(returning: nil)
    }
}

/// Runs `body`, failing instead of hanging when it has not finished after `seconds` (a guard against a lost event,
/// not a measurement: with the whole suite running in parallel on two cores, one step has waited over 60 s). The deadline holds even when `body` ignores cancellation: `body` is then cancelled and left
/// to end on its own, and the test fails at once. Cancelling the caller cancels `body`.
func withDeadline<Value: Sendable>(
    _ seconds: Int = 120, file: StaticString = #fileID, line: UInt = #line,
    _ body: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    let outcome = FirstOutcome<Value>()
    let work = Task { try await body() }
    let timer = Task {
        try await Task.sleep(for: .seconds(seconds))
        // The failure first: a body that answers cancellation with a value must not win the race.
        outcome.finish(.failure(TestFailure("nothing after \(seconds) s (the wait at \(file):\(line))")))
        work.cancel()
    }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            outcome.wait(continuation)
            Task {
                let result = await work.result
                timer.cancel()
                outcome.finish(result)
            }
        }
    } onCancel: {
        outcome.finish(.failure(CancellationError()))
        work.cancel()
        timer.cancel()
    }
}

/// Resumes a continuation with whichever outcome comes first, also when that outcome comes before the wait.
private final class FirstOutcome<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var result: Result<Value, any Error>?
    }

    private let state = Mutex(State())

    func wait(_ continuation: CheckedContinuation<Value, any Error>) {
        let early = state.withLock { state -> Result<Value, any Error>? in
            if let result = state.result { return result }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func finish(_ result: Result<Value, any Error>) {
        let waiting = state.withLock { state -> CheckedContinuation<Value, any Error>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.continuation = nil }
            return state.continuation
        }
        waiting?.resume(with: result)
    }
}
