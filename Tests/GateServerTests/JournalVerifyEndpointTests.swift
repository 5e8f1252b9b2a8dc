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
}
