import AccessStore
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `cardgated` under load gets SIGTERM: every tap it answered with 200 is in the journal, the chain verifies, and
/// the journal ends with a signed checkpoint.
@Suite("Daemon shutdown")
struct DaemonShutdownTests {
    @Test("SIGTERM while taps are under way loses no acknowledged event", arguments: [SIGTERM, SIGINT])
    func gracefulShutdown(signal: Int32) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cardgated-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("cardgate.db").path
        let adminFile = directory.appendingPathComponent("admin.token").path
        _ = try StoreInitializer().initialize(databasePath: database, adminTokenPath: adminFile)
        let admin = try String(contentsOfFile: adminFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let key = try JournalKey.load(from: StoreInitializer.journalKeyPath(forDatabase: database))
        do {
            // The example office in the database, as `cardgate site apply` puts it there.
            let store = try AccessStore.open(at: database)
            _ = try await store.apply(try GateFixture.exampleModel(), scope: .all, actor: "test",
                journal: JournalWriter(key: key))
        }

        let daemon = try await DaemonProcess(arguments: ["--db", database],
            logPath: directory.appendingPathComponent("cardgated.log").path)
        let (created, tokenBody) = try await daemon.request("POST", "/v1/tokens", token: admin,
            body: #"{"role": "controller", "doorIds": ["vehicle-gate"]}"#)
        #expect(created == 201)
        let token = try #require((try JSONSerialization.jsonObject(with: tokenBody) as? [String: Any])?["token"]
            as? String)

        let acknowledged = Acknowledged()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<6 {
                group.addTask {
                    defer { acknowledged.workerEnded() }
                    // Until the daemon stops answering; the UIDs alternate between a known and an unknown card.
                    for round in 0..<100_000 {
                        let uid = (worker + round).isMultiple(of: 2) ? "04A2B3C4D5E680" : "DEADBEEF"
                        guard let answer = try? await daemon.request("POST", "/v1/doors/vehicle-gate/access",
                            token: token, body: #"{"credential": {"type": "uid", "uid": "\#(uid)"}}"#)
                        else { return }
                        let (status, body) = answer
                        guard status == 200 else { continue }
                        let object = try JSONSerialization.jsonObject(with: body) as? [String: Any]
                        if let id = (object?["eventId"] as? String).flatMap({ Int64($0) }) {
                            acknowledged.add(id)
                        }
                    }
                }
            }
            group.addTask {
                while acknowledged.ids.count < 200, acknowledged.workersEnded == 0 {
                    try await Task.sleep(for: .milliseconds(5))
                }
                daemon.signal(signal)
            }
            try await group.waitForAll()
        }
        let status = await daemon.exitStatus()
        let log = (try? String(contentsOfFile: daemon.logPath, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(log)")
        #expect(log.contains("journal closed"), "\(log)")

        let ids = acknowledged.ids
        #expect(ids.count >= 200)
        let store = try AccessStore.open(at: database, options: .init(readOnly: true))
        let verification = try JournalVerifier(trustedKeys: [key.publicKey]).verify(store.writer)
        #expect(verification.isIntact, "\(String(describing: verification.damage))")
        #expect(verification.unsignedEvents == 0)
        // Every checkpoint, the one at shutdown too, was copied to the witness beside the database and logged.
        let witnessed = try JournalWitness.read(at: JournalWitness.defaultPath(forDatabase: database))
        let checkpoints = try await store.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT seq FROM journal_checkpoint ORDER BY seq")
        }
        #expect(witnessed.map(\.sequence) == checkpoints)
        #expect(witnessed.last?.sequence == verification.lastSequence)
        #expect(log.contains("journal checkpoint"), "\(log)")
        let present = try await store.writer.read { db in
            try Set(Int64.fetchAll(db, sql: "SELECT seq FROM journal_event WHERE type = 'access_decision'"))
        }
        let missing = ids.filter { !present.contains($0) }
        #expect(missing.isEmpty, "acknowledged but not journaled: \(missing.prefix(10))")
        #expect(Set(ids).count == ids.count)
    }

    @Test("a journal whose newest events were deleted while the daemon was stopped is reported at start")
    func truncatedJournalAtStart() async throws {
        let (directory, database) = try Self.initializedDatabase()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = try JournalKey.load(from: StoreInitializer.journalKeyPath(forDatabase: database))
        let witness = JournalWitness.defaultPath(forDatabase: database)
        let head: Int64
        do {
            let store = try AccessStore.open(at: database)
            let writer = JournalWriter(key: key)
            let event = NewJournalEvent(type: .doorStatus, doorId: "vehicle-gate", details: #"{"state":"open"}"#)
            _ = try await store.writer.write { db in try writer.append([event, event], in: db) }
            head = try #require(try await store.writer.write { db in try writer.checkpointIfDue(in: db, force: true) })
                .sequence
            _ = try JournalWitnessRecorder(path: witness).record(from: store.writer)
            // Someone with the sqlite3 command line removes the newest event and the checkpoint that signed it.
            try await store.writer.writeWithoutTransaction { db in
                for trigger in ["journal_event_delete_only_pruned", "journal_checkpoint_delete_only_pruned"] {
                    try db.execute(sql: "DROP TRIGGER \(trigger)")
                }
                try db.execute(sql: "DELETE FROM journal_checkpoint WHERE seq = ?", arguments: [head])
                try db.execute(sql: "DELETE FROM journal_event WHERE seq = ?", arguments: [head])
            }
        }

        let daemon = try await DaemonProcess(arguments: ["--db", database],
            logPath: directory.appendingPathComponent("cardgated.log").path)
        var metrics = ""
        for _ in 0..<200 where !metrics.contains("cardgate_journal_witness_mismatch") {
            metrics = String(decoding: try await daemon.request("GET", "/metrics").1, as: UTF8.self)
            if !metrics.contains("cardgate_journal_witness_mismatch") { try await Task.sleep(for: .milliseconds(25)) }
        }
        daemon.signal(SIGTERM)
        #expect(await daemon.exitStatus() == 0)
        #expect(metrics.contains("cardgate_journal_witness_mismatch 1"), "\(metrics)")
        let log = (try? String(contentsOfFile: daemon.logPath, encoding: .utf8)) ?? ""
        #expect(log.contains("the journal disagrees with its witness"), "\(log)")
        #expect(log.contains("deleted at sequence \(head)"), "\(log)")
    }

    @Test(
        "a bad configuration is a clear error and exit status 78; bad flags 64",
        arguments: [
            (["--listen"], 64, "--listen needs a value"),
            (["--bogus"], 64, "unknown argument"),
            (["--config", "/nonexistent/cardgated.yaml"], 78, "cannot read the configuration file"),
            (["--db", "/nonexistent/dir/cardgate.db"], 78, "cannot open the database"),
        ] as [([String], Int32, String)])
    func badStart(arguments: [String], status: Int32, message: String) async throws {
        let (exitStatus, text) = try Self.runToExit(
            arguments + ["--listen", "127.0.0.1:1"].filter { _ in arguments != ["--listen"] })
        #expect(exitStatus == status, "\(text)")
        #expect(text.contains(message), "\(text)")
    }

    @Test("a signed journal whose key file is missing does not start the daemon: its events would go unsigned")
    func missingJournalKey() async throws {
        let (directory, database) = try Self.initializedDatabase()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.removeItem(atPath: StoreInitializer.journalKeyPath(forDatabase: database))
        let (status, text) = try Self.runToExit(["--db", database, "--listen", "127.0.0.1:1"])
        #expect(status == 78, "\(text)")
        #expect(text.contains("checkpoints are signed"), "\(text)")
    }

    /// A new directory holding a database made by `cardgate init` (and its journal key and admin token).
    static func initializedDatabase() throws -> (directory: URL, database: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cardgated-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = directory.appendingPathComponent("cardgate.db").path
        _ = try StoreInitializer().initialize(
            databasePath: database, adminTokenPath: directory.appendingPathComponent("admin.token").path)
        return (directory, database)
    }

    /// Runs cardgated with `arguments` until it exits: its status and standard error.
    static func runToExit(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try DaemonProcess.executable())
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}

/// Event ids the daemon answered with, from several tasks.
final class Acknowledged: Sendable {
    private let state = Mutex<(ids: [Int64], workersEnded: Int)>(([], 0))

    func add(_ id: Int64) { state.withLock { $0.ids.append(id) } }

    func workerEnded() { state.withLock { $0.workersEnded += 1 } }

    var ids: [Int64] { state.withLock { $0.ids } }

    /// Workers that stopped (the daemon stopped answering them).
    var workersEnded: Int { state.withLock { $0.workersEnded } }
}
