import AccessStore
import Foundation
import GateServer
import Testing

@Suite("GET /v1/journal/verify")
struct JournalVerifyEndpointTests {
    static let uid = #"{"credential": {"type": "uid", "uid": "04A1B2C3D4E5F6"}, "direction": "in"}"#

    @Test("a checkpoint signed with a key the daemon does not hold is damage, even though the key is recorded")
    func aForeignKeyIsNotTrusted() async throws {
        let fixture = try await GateFixture.make(journalKey: JournalKey.generate())
        let gate = try #require(fixture.tokens["gate"])
        let auditor = try #require(fixture.tokens["auditor"])
        try await fixture.test { client in
            for _ in 0..<3 {
                _ = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: gate, body: Self.uid)
            }
            let before = try await send(client, .get, "/v1/journal/verify", token: auditor)
            #expect(json(before)["intact"] as? Bool == true)
            #expect(json(before)["keyTrust"] as? String == "supplied_keys")

            // Someone with write access to the database signs the head with a key of their own.
            let forger = JournalWriter(key: JournalKey.generate())
            try await fixture.services.store.writer.write { db in try forger.checkpointIfDue(in: db, force: true) }
            let after = try await send(client, .get, "/v1/journal/verify", token: auditor)
            #expect(after.status == .ok)
            #expect(json(after)["intact"] as? Bool == false)
            let damage = try #require(json(after)["damage"] as? [String: Any])
            #expect(damage["kind"] as? String == "bad_checkpoint")
        }
    }

    @Test("the journal is checked against the witness: the newest events deleted with their checkpoints are found")
    func theWitnessFindsATruncatedJournal() async throws {
        let directory = NSTemporaryDirectory() + "cardgate-witness-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let witnessPath = directory + "/journal.witness"
        let fixture = try await GateFixture.make(journalKey: JournalKey.generate(), journalWitnessPath: witnessPath)
        let gate = try #require(fixture.tokens["gate"])
        let auditor = try #require(fixture.tokens["auditor"])
        let writer = fixture.services.store.writer
        try await fixture.test { client in
            for _ in 0..<3 {
                _ = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: gate, body: Self.uid)
            }
            let journal = fixture.services.recorder.journal
            _ = try await journal.checkpointIfDue(force: true)
            let witnessed = try JournalWitnessRecorder(path: witnessPath).record(from: writer).appended
            let head = try #require(witnessed.last?.sequence)
            let before = try await send(client, .get, "/v1/journal/verify", token: auditor)
            #expect(json(before)["intact"] as? Bool == true)
            #expect(json(before)["witnessedCheckpoints"] as? Int == witnessed.count)

            // Someone with the sqlite3 command line deletes the newest event and the checkpoint that signed it.
            try await writer.writeWithoutTransaction { db in
                for trigger in ["journal_event_delete_only_pruned", "journal_checkpoint_delete_only_pruned",
                    "journal_lookup_delete_only_pruned"]
                {
                    try db.execute(sql: "DROP TRIGGER \(trigger)")
                }
                try db.execute(sql: "DELETE FROM journal_checkpoint WHERE seq = ?", arguments: [head])
                try db.execute(sql: "DELETE FROM journal_lookup WHERE seq = ?", arguments: [head])
                try db.execute(sql: "DELETE FROM journal_event WHERE seq = ?", arguments: [head])
            }
            let after = try await send(client, .get, "/v1/journal/verify", token: auditor)
            #expect(after.status == .ok)
            #expect(json(after)["intact"] as? Bool == false)
            let damage = try #require(json(after)["damage"] as? [String: Any])
            #expect(damage["kind"] as? String == "deleted")
            #expect(damage["sequence"] as? Int == Int(head))

            // A witness that is not CardGate's is said to be so, never taken for "intact".
            try Data("not a witness\n".utf8).write(to: URL(fileURLWithPath: witnessPath))
            let unreadable = try await send(client, .get, "/v1/journal/verify", token: auditor)
            #expect(unreadable.status == .serviceUnavailable)
            #expect(String(buffer: unreadable.body).contains("witness-unreadable"))
            // Nor is one that cannot be read at all (here a directory where the file should be).
            try FileManager.default.removeItem(atPath: witnessPath)
            try FileManager.default.createDirectory(atPath: witnessPath, withIntermediateDirectories: false)
            let directory = try await send(client, .get, "/v1/journal/verify", token: auditor)
            #expect(directory.status == .serviceUnavailable)
            #expect(String(buffer: directory.body).contains("witness-unreadable"), "\(String(buffer: directory.body))")
        }
    }
}
