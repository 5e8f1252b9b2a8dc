import Foundation
import Synchronization
import Testing

@testable import cardgate

/// The built `cardgate` binary: what a shell script sees (exit statuses, standard error) and Ctrl-C.
@Suite("Security commands as a process")
struct SecurityBinaryTests {
    /// The `cardgate` executable built beside the test bundle.
    static func binary() throws -> String {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [folder, folder.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("cardgate").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw TestFailure("no cardgate executable next to \(folder.path): build it first (swift build)")
    }

    /// A running `cardgate` with a clean environment (a home without configuration, no CARDGATE_ variables).
    final class Run: Sendable {
        let process = Process()
        let standardOutput = CapturedOutput()
        private let errorBytes = Bytes()
        private let outputBytes = Bytes()
        private let finished: Task<Int32, Never>

        init(_ arguments: [String], home: URL) throws {
            process.executableURL = URL(fileURLWithPath: try SecurityBinaryTests.binary())
            process.arguments = arguments
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CARDGATE_") }
            environment["HOME"] = home.path
            environment["XDG_CONFIG_HOME"] = nil
            process.environment = environment
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            let lines = standardOutput.output
            let outputBytes = outputBytes
            out.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                let complete = outputBytes.value.withLock { buffer -> [String] in
                    buffer.append(data)
                    var lines: [String] = []
                    while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                        lines.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                        buffer.removeSubrange(buffer.startIndex...newline)
                    }
                    return lines
                }
                for line in complete { lines.line(line) }
            }
            let errorBytes = errorBytes
            err.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                errorBytes.value.withLock { $0.append(data) }
            }
            let (statuses, status) = AsyncStream<Int32>.makeStream()
            process.terminationHandler = { process in
                status.yield(process.terminationStatus)
                status.finish()
            }
            finished = Task {
                for await code in statuses { return code }
                return -1
            }
            try process.run()
        }

        /// A test that failed before the process ended does not leave it running.
        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }

        /// The exit status, once it has exited. Cancelled (a deadline ran out), it kills the process: the case a
        /// deadline guards is a process that does not stop when asked.
        func status() async -> Int32 {
            let process = process
            let code = await withTaskCancellationHandler {
                await finished.value
            } onCancel: {
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            // Let the pipes' last bytes arrive.
            try? await Task.sleep(for: .milliseconds(100))
            return code
        }

        var standardError: String { errorBytes.value.withLock { String(decoding: $0, as: UTF8.self) } }
    }

    /// Bytes read from a pipe.
    final class Bytes: Sendable {
        let value = Mutex(Data())
    }

    static func home() throws -> URL {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cardgate-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        return home
    }

    @Test("failures: one line on standard error, no stack trace, a distinct exit status", arguments: [
        (["events", "--server", "http://127.0.0.1:1", "--token-file", "TOKEN"], Int32(69), "cardgate: cannot reach"),
        (["events"], Int32(78), "cardgate: no server: give --server URL"),
        (["occupancy", "--server", "http://127.0.0.1:1"], Int32(78), "cardgate: no token: give --token-file FILE"),
        (["events", "--from", "someday"], Int32(64), "Error: --from 'someday' is not a time"),
        (["lockdown", "maybe", "--zone", "floor4"], Int32(64), "Error: The value 'maybe' is invalid"),
    ])
    func failures(arguments: [String], status: Int32, message: String) async throws {
        let home = try Self.home()
        let token = try SecurityTestServer.writeFile(home, "security.token", "x\n", mode: 0o600)
        let run = try Run(arguments.map { $0 == "TOKEN" ? token : $0 }, home: home)
        #expect(await run.status() == status)
        #expect(run.standardError.hasPrefix(message), "\(run.standardError)")
        if status != 64 {
            #expect(run.standardError.split(separator: "\n").count == 1, "\(run.standardError)")
        }
    }

    @Test("Ctrl-C ends events --follow with status 0")
    func interruptFollow() async throws {
        let server = try await SecurityTestServer.make()
        try await server.run { url in
            // The in-process server answers slowly while the whole suite runs on two cores: the command waits as
            // long as the test does (its own default is 10 s, after which it would exit without a header).
            let run = try Run(["events", "--follow", "--server", url.absoluteString, "--token-file",
                server.tokenFiles["security"] ?? "", "--timeout", "120"], home: try Self.home())
            let header = try await withDeadline { await run.standardOutput.first { $0.contains("TIME") } }
            #expect(header?.contains("REASON") == true)
            let event = try await server.record(.alarm, door: "vehicle-gate", reason: "forced_open")
            _ = try await withDeadline { await run.standardOutput.first { $0.contains("forced_open") } }
            run.process.interrupt()
            #expect(try await withDeadline { await run.status() } == 0)
            #expect(run.standardError.isEmpty, "\(run.standardError)")
            #expect(run.standardOutput.lines.last?.trimmingCharacters(in: .whitespaces)
                .hasPrefix("\(event.sequence)  ") == true)
        }
    }

    @Test("SIGTERM stops gate run with status 0, as systemd stops the unit")
    func terminateGateController() async throws {
        let home = try Self.home()
        let token = try SecurityTestServer.writeFile(home, "controller.token", "x\n", mode: 0o600)
        let run = try Run(["gate", "run", "--door", "side-door", "--reader", "CardGate test: no such reader",
            "--server", "http://127.0.0.1:1", "--token-file", token], home: home)
        _ = try await withDeadline { await run.standardOutput.first { $0.contains("Ctrl-C to stop") } }
        run.process.terminate()
        #expect(try await withDeadline { await run.status() } == 0)
        #expect(run.standardOutput.lines.last?.hasSuffix("gate controller for door side-door stopped") == true)
        #expect(run.standardError.isEmpty, "\(run.standardError)")
    }
}
