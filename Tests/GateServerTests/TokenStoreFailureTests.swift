import Foundation
import GateServer
import Testing

@Suite("Token store failures")
struct TokenStoreFailureTests {
    @Test("a token store that cannot be read answers 503, not 500, and decides no tap")
    func unreadableTokenStoreIsUnavailable() async throws {
        let fixture = try await GateFixture.make()
        let admin = try #require(fixture.tokens["admin"])
        try await fixture.services.store.writer.write { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF; DROP TABLE token_door; DROP TABLE token")
        }
        try await fixture.test { client in
            // A secret not seen before is looked up in the store.
            let tap = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: "cg_never_seen_before",
                body: JournalVerifyEndpointTests.uid)
            #expect(tap.status == .serviceUnavailable)
            #expect(json(tap)["type"] as? String == "/problems/store-unavailable")
            let create = try await send(client, .post, "/v1/tokens", token: admin,
                body: #"{"role": "auditor"}"#)
            #expect(create.status == .serviceUnavailable)
        }
    }
}
