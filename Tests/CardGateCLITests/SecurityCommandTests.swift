import AccessStore
import ArgumentParser
import DoorAgent
import Foundation
import GateServer
import Synchronization
import Testing

@testable import cardgate

/// `cardgate events`, `occupancy` and `lockdown` against a daemon running in this process on a real port.
@Suite("Security commands against a live daemon")
struct SecurityCommandTests {
    /// No environment and no configuration files: only the flags count.
    static let flagsOnly = ConnectionSettings.Sources(environment: [:], homeDirectory: "/nonexistent-cardgate-home",
        systemConfigurationPath: "/nonexistent-cardgate/cli.yaml")

    /// The server, the token file and a generous `--timeout`: a liveness bound for a loaded machine, not a speed check.
    static func flags(_ url: URL, _ tokenFile: String?, _ rest: [String]) -> [String] {
        ["--server", url.absoluteString, "--timeout", "60"] + (tokenFile.map { ["--token-file", $0] } ?? []) + rest
    }

    /// Runs `cardgate events ARGUMENTS`; the failure, if any.
    @discardableResult
    static func events(
        _ arguments: [String], _ captured: CapturedOutput, width: Int? = nil
    ) async throws -> CLIFailure? {
        let command = try EventsCommand.parse(arguments)
        do {
            try await command.execute(sources: flagsOnly, output: captured.output, width: width)
            return nil
        } catch {
            return error
        }
    }

    static func occupancy(_ arguments: [String], _ captured: CapturedOutput) async throws -> CLIFailure? {
        let command = try OccupancyCommand.parse(arguments)
        do {
            try await command.execute(sources: flagsOnly, output: captured.output, width: nil)
            return nil
        } catch {
            return error
        }
    }

    static func lockdown(_ arguments: [String], _ captured: CapturedOutput) async throws -> CLIFailure? {
        let command = try LockdownCommand.parse(arguments)
        do {
            try await command.execute(sources: flagsOnly, output: captured.output)
            return nil
        } catch {
            return error
        }
    }

    /// The sequences of the JSON Lines printed.
    static func sequences(_ captured: CapturedOutput) throws -> [Int64] {
        try captured.lines.map { line in try EventRecord(json: line).sequence }
    }

    @Test("events: every filter of the API, alone and combined, newest first")
    func eventFilters() async throws {
        let server = try await SecurityTestServer.make()
        let granted = try await server.record(door: "main-entrance", zone: "lobby", person: "tran-thi-binh",
            decision: .grant, reason: "granted").sequence
        let lost = try await server.record(door: "main-entrance", zone: "lobby", person: "pham-thi-dung",
            decision: .deny, reason: "credential_lost").sequence
        let late = try await server.record(door: "canteen-door", zone: "canteen", person: "le-van-cuong",
            decision: .deny, reason: "outside_schedule").sequence
        let locked = try await server.record(.lockdown, zone: "floor4", reason: "lockdown_on").sequence
        let tomorrow = Date().addingTimeInterval(86_400).formatted(.iso8601)
        let cases: [([String], [Int64])] = [
            (["--person", "tran-thi-binh"], [granted]),
            (["--door", "main-entrance"], [lost, granted]),
            (["--zone", "floor4"], [locked]),
            (["--decision", "deny"], [late, lost]),
            (["--reason", "credential_lost"], [lost]),
            (["--type", "lockdown"], [locked]),
            (["--door", "main-entrance", "--decision", "deny"], [lost]),
            (["--type", "access_decision", "--from", "today"], [late, lost, granted]),
            (["--type", "access_decision", "--from", "1h", "--to", "now"], [late, lost, granted]),
            (["--type", "access_decision", "--to", "1h"], []),
            (["--type", "access_decision", "--from", tomorrow], []),
            (["--person", "nobody-at-all"], []),
        ]
        try await server.run { url in
            for (filters, expected) in cases {
                let captured = CapturedOutput()
                let arguments = Self.flags(url, server.tokenFiles["security"], filters + ["--json"])
                let failure = try await Self.events(arguments, captured)
                #expect(failure == nil, "\(filters)")
                #expect(try Self.sequences(captured) == expected, "\(filters)")
            }
        }
    }

    @Test("events: --limit pages, --cursor continues, --all reads every page")
    func eventPaging() async throws {
        let server = try await SecurityTestServer.make()
        var recorded: [Int64] = []
        for state in ["open", "closed", "open", "closed", "open", "closed", "open"] {
            recorded.append(try await server.record(.doorStatus, door: "vehicle-gate", reason: state).sequence)
        }
        let newestFirst = Array(recorded.reversed())
        try await server.run { url in
            let token = server.tokenFiles["auditor"]
            let first = CapturedOutput()
            try await Self.events(Self.flags(url, token, ["--type", "door_status", "--limit", "3", "--json"]), first)
            #expect(try Self.sequences(first) == Array(newestFirst[0..<3]))
            let note = try #require(first.notes.first { $0.hasPrefix("more events: add --cursor ") })
            let cursor = try #require(note.split(separator: " ").dropFirst(4).first.map(String.init))

            let second = CapturedOutput()
            try await Self.events(
                Self.flags(url, token, ["--type", "door_status", "--limit", "3", "--cursor", cursor, "--json"]), second)
            #expect(try Self.sequences(second) == Array(newestFirst[3..<6]))

            let all = CapturedOutput()
            try await Self.events(Self.flags(url, token, ["--type", "door_status", "--limit", "3", "--all", "--json"]),
                all)
            #expect(try Self.sequences(all) == newestFirst)
            #expect(all.notes.isEmpty)
        }
    }

    @Test("events: the table aligns its columns, shows site-local times and fits the width")
    func eventTable() async throws {
        let server = try await SecurityTestServer.make()
        let event = try await server.record(door: "main-entrance", zone: "lobby", person: "tran-thi-binh",
            decision: .grant, reason: "granted")
        try await server.record(door: "canteen-door", zone: "canteen", person: "le-van-cuong", decision: .deny,
            reason: "outside_schedule")
        try await server.run { url in
            let wide = CapturedOutput()
            try await Self.events(Self.flags(url, server.tokenFiles["security"], ["--type", "access_decision"]), wide,
                width: 200)
            let lines = wide.lines
            #expect(lines.count == 3)
            let header = try #require(lines.first)
            #expect(header.hasPrefix("ID  TIME +07:00"))
            let row = try #require(lines.last)
            let table = EventTable(timeZone: try #require(TimeZone(identifier: "Asia/Ho_Chi_Minh")),
                maximumWidth: nil)
            #expect(row.contains(table.localTime(event.time)))
            for (title, cell) in [("DECISION", "GRANT"), ("PERSON", "tran-thi-binh"), ("REASON", "granted")] {
                #expect(Self.column(of: title, in: header) == Self.column(of: cell, in: row), "\(title)")
            }

            let narrow = CapturedOutput()
            try await Self.events(Self.flags(url, server.tokenFiles["security"], ["--type", "access_decision"]),
                narrow, width: 60)
            #expect(narrow.lines.count == 3)
            #expect(narrow.lines.allSatisfy { DisplayWidth.of($0) <= 60 })
            #expect(narrow.lines.contains { $0.contains("…") })
            #expect(narrow.lines.first?.contains("ZONE") == false)
            #expect(narrow.lines.first?.contains("PERSON") == true)
        }
    }

    /// The display column where `text` starts in `line`.
    static func column(of text: String, in line: String) -> Int? {
        line.range(of: text).map { DisplayWidth.of(line[..<$0.lowerBound]) }
    }

    @Test("events --follow prints a new event as it happens, filtered, and stops cleanly when cancelled")
    func followCommand() async throws {
        let server = try await SecurityTestServer.make()
        try await server.run { url in
            let captured = CapturedOutput()
            let command = try EventsCommand.parse(
                Self.flags(url, server.tokenFiles["security"], ["--follow", "--person", "hoang-van-em"]))
            let following = Task {
                try await command.execute(sources: Self.flagsOnly, output: captured.output, width: 120)
            }
            // The header comes once the command knows where the journal ends: it follows from there.
            _ = try await withDeadline { await captured.first { $0.contains("TIME") } }
            try await server.record(door: "main-entrance", zone: "lobby", person: "tran-thi-binh", decision: .deny,
                reason: "outside_schedule")
            let answer = try await server.tap(uid: [0x04, 0x99, 0xAA, 0xBB], door: "vehicle-gate", server: url)
            #expect(answer.decision == .grant)
            let eventId = try #require(answer.eventId)
            let row = try await withDeadline { await captured.first { $0.contains("hoang-van-em") } }
            #expect(row?.trimmingCharacters(in: .whitespaces).hasPrefix(eventId + "  ") == true)
            #expect(row?.contains("hoang-van-em") == true)
            #expect(row?.contains("GRANT") == true)
            following.cancel()
            try await following.value
            #expect(captured.lines.first?.hasPrefix("    ID  TIME +07:00") == true)
            #expect(!captured.lines.contains { $0.contains("tran-thi-binh") })
            #expect(captured.lines.count == 2)
        }
    }

    @Test("--follow resumes after a dropped connection with Last-Event-ID and misses nothing")
    func followResumes() async throws {
        let server = try await SecurityTestServer.make()
        try await server.run { url in
            let settings = ConnectionSettings(server: url, token: try #require(server.tokens["security"]),
                timeZone: .gmt, timeout: 60)
            let client = SecurityClient(settings)
            let head = try await client.newestSequence()
            let transport = DroppingTransport(base: URLSessionEventStream(client: client.api))
            let captured = CapturedOutput()
            let output = captured.output
            let follower = EventFollower(transport: transport, filter: EventFilter(), firstDelay: .milliseconds(10),
                onEvent: { output.line($0.json) }, note: output.note)
            let following = Task { try await follower.run(after: String(head)) }

            let first = try await server.record(.alarm, door: "vehicle-gate", reason: "forced_open").sequence
            _ = try await withDeadline { await captured.first { (try? EventRecord(json: $0))?.sequence == first } }
            _ = try await withDeadline { await captured.first { $0.contains("reconnecting") } }
            // Recorded while no connection is open: only Last-Event-ID brings it.
            let second = try await server.record(.alarm, door: "vehicle-gate", reason: "held_open").sequence
            transport.gate.open()
            _ = try await withDeadline { await captured.first { (try? EventRecord(json: $0))?.sequence == second } }
            _ = try await withDeadline { await captured.first { $0 == "reconnected; resuming after event \(first)" } }

            following.cancel()
            try await following.value
            #expect(try Self.sequences(captured) == [first, second])
            #expect(transport.openedWith == [String(head), String(first)])
        }
    }

    @Test("occupancy: counts per zone and lockdowns, the occupants of a zone, JSON, unknown zone")
    func occupancy() async throws {
        let server = try await SecurityTestServer.make()
        try await server.run { url in
            let token = server.tokenFiles["auditor"]
            let empty = CapturedOutput()
            #expect(try await Self.occupancy(Self.flags(url, token, []), empty) == nil)
            #expect(empty.lines == ["nobody is recorded in any zone; no zone is locked down"])

            let answer = try await server.tap(uid: [0x04, 0x99, 0xAA, 0xBB], door: "vehicle-gate", server: url)
            #expect(answer.decision == .grant)

            let zones = CapturedOutput()
            #expect(try await Self.occupancy(Self.flags(url, token, []), zones) == nil)
            #expect(zones.lines == ["ZONE     PEOPLE  LOCKDOWN", "grounds       1  -"])

            let inside = CapturedOutput()
            #expect(try await Self.occupancy(Self.flags(url, token, ["--zone", "grounds"]), inside) == nil)
            #expect(inside.lines.count == 2)
            #expect(inside.lines.first?.hasPrefix("PERSON        SINCE +07:00") == true)
            #expect(inside.lines.last?.hasPrefix("hoang-van-em") == true)
            #expect(inside.lines.last?.hasSuffix(" 0m") == true)

            let json = CapturedOutput()
            #expect(try await Self.occupancy(Self.flags(url, token, ["--json"]), json) == nil)
            let object = try #require(try JSONSerialization.jsonObject(with: Data((json.lines.first ?? "").utf8))
                as? [String: Any])
            let items = try #require(object["items"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["zoneId"] as? String == "grounds")
            #expect(items.first?["count"] as? Int == 1)

            let nobody = CapturedOutput()
            #expect(try await Self.occupancy(Self.flags(url, token, ["--zone", "floor4"]), nobody) == nil)
            #expect(nobody.lines == ["nobody is recorded in zone floor4"])

            let unknown = CapturedOutput()
            let failure = try await Self.occupancy(Self.flags(url, token, ["--zone", "no-such-zone"]), unknown)
            #expect(failure?.kind == .refused)
            #expect(failure?.message.contains("HTTP 404 not-found") == true)
        }
    }

    @Test("lockdown on and off: the resulting state, the journal, occupancy; an auditor may not")
    func lockdown() async throws {
        let server = try await SecurityTestServer.make()
        try await server.run { url in
            let security = server.tokenFiles["security"]
            let on = CapturedOutput()
            #expect(try await Self.lockdown(Self.flags(url, security, ["on", "--zone", "floor4"]), on) == nil)
            #expect(on.lines == ["zone floor4 is locked down; zones in lockdown now: floor4"])

            let zones = CapturedOutput()
            #expect(try await Self.occupancy(Self.flags(url, security, []), zones) == nil)
            #expect(zones.lines == ["ZONE    PEOPLE  LOCKDOWN", "floor4       0  LOCKED"])

            let journal = CapturedOutput()
            try await Self.events(Self.flags(url, security, ["--type", "lockdown", "--json"]), journal)
            let event = try EventRecord(json: try #require(journal.lines.first))
            #expect(event.zoneId == "floor4")
            #expect(event.reason == "lockdown_on")

            let auditor = CapturedOutput()
            let refused = try await Self.lockdown(Self.flags(url, server.tokenFiles["auditor"],
                ["off", "--zone", "floor4"]), auditor)
            #expect(refused?.kind == .notAuthorized)
            #expect(refused?.message.contains("HTTP 403") == true)

            let off = CapturedOutput()
            #expect(try await Self.lockdown(Self.flags(url, security, ["off", "--zone", "floor4", "--json"]), off)
                == nil)
            #expect(off.lines == [#"{"lockdownZones":[]}"#])

            let unknown = CapturedOutput()
            let failure = try await Self.lockdown(Self.flags(url, security, ["on", "--zone", "atlantis"]), unknown)
            #expect(failure?.kind == .refused)
        }
    }

    @Test("token problems: refused, wrong role, unreadable, empty, shared with others")
    func tokenErrors() async throws {
        let server = try await SecurityTestServer.make()
        let wrong = try server.writeFile("wrong.token", "cgt_not-a-token\n")
        let empty = try server.writeFile("empty.token", "\n")
        let shared = try server.writeFile("shared.token", (server.tokens["security"] ?? "") + "\n", mode: 0o644)
        let missing = server.directory.appendingPathComponent("missing.token").path
        let cases: [(String, CLIFailure.Kind?, String)] = [
            (wrong, .notAuthorized, "the server refused the token (HTTP 401)"),
            (server.tokenFiles["controller"] ?? "", .notAuthorized, "the token may not do this (HTTP 403)"),
            (missing, .configuration, "cannot read the token file \(missing)"),
            (empty, .configuration, "the token is empty"),
            (shared, nil, ""),
        ]
        try await server.run { url in
            for (file, kind, message) in cases {
                let captured = CapturedOutput()
                let failure = try await Self.events(Self.flags(url, file, ["--limit", "1"]), captured)
                #expect(failure?.kind == kind, "\(file)")
                #expect(failure?.message.hasPrefix(message) ?? (kind == nil), "\(file): \(failure?.message ?? "")")
            }
            let captured = CapturedOutput()
            try await Self.events(Self.flags(url, shared, ["--limit", "1"]), captured)
            #expect(captured.notes.contains {
                $0.hasPrefix("warning: the token file \(shared) is readable by group or others (mode 644)")
            })
        }
    }

    @Test("a server that is not there: a one-line failure with the unavailable status")
    func unreachableServer() async throws {
        let directory = FileManager.default.temporaryDirectory
        let token = try SecurityTestServer.writeFile(directory, "cardgate-cli-\(UUID().uuidString).token", "x\n",
            mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: token) }
        let closed = try #require(URL(string: "http://127.0.0.1:1"))
        for arguments in [["--limit", "1"], ["--follow"]] {
            let captured = CapturedOutput()
            let failure = try await Self.events(Self.flags(closed, token, arguments), captured)
            #expect(failure?.kind == .unavailable)
            #expect(failure?.message.hasPrefix("cannot reach the CardGate server at http://127.0.0.1:1") == true)
            #expect(failure?.message.contains("\n") == false)
        }
        #expect(CLIFailure.Kind.unavailable.rawValue == 69)
    }
}

/// A gate the test opens once; waiters before that wait, waiters after it pass.
final class Gate: Sendable {
    private let state = Mutex<(isOpen: Bool, waiters: [Int: CheckedContinuation<Void, Never>], next: Int)>(
        (false, [:], 0))

    func open() {
        let waiting = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for continuation in waiting { continuation.resume() }
    }

    func wait() async {
        let id = state.withLock { state in
            state.next += 1
            return state.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let passes = state.withLock { state -> Bool in
                    if state.isOpen || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if passes { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}

/// The real event stream, except that the first connection is dropped just after it delivered an event, and later
/// connections wait for ``gate``.
final class DroppingTransport: EventStreamTransport {
    let base: URLSessionEventStream
    let gate = Gate()
    private let opened = Mutex<[String?]>([])

    init(base: URLSessionEventStream) {
        self.base = base
    }

    /// The `Last-Event-ID` of each connection, in order.
    var openedWith: [String?] { opened.withLock { $0 } }

    func open(lastEventId: String?) -> AsyncThrowingStream<EventStreamChunk, any Error> {
        let first = opened.withLock { opened in
            opened.append(lastEventId)
            return opened.count == 1
        }
        let base = base
        let gate = gate
        return AsyncThrowingStream { continuation in
            let task = Task {
                if !first { await gate.wait() }
                do {
                    for try await chunk in base.open(lastEventId: lastEventId) {
                        continuation.yield(chunk)
                        if first, case .bytes(let data) = chunk, String(decoding: data, as: UTF8.self).contains("id:") {
                            break
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
