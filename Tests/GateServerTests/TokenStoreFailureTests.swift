import AccessStore
import Foundation
import GRDB
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

@Suite("Token changes and their journal events")
struct TokenAuditTests {
    @Test("creating and revoking a token are journaled with the administrator, and without the event no token")
    func tokenChangesAreJournaledAtomically() async throws {
        let fixture = try await GateFixture.make()
        let admin = try #require(fixture.tokens["admin"])
        let adminId = try #require(try await fixture.tokenId("admin"))
        let store = fixture.services.store
        try await fixture.test { client in
            let created = try await send(client, .post, "/v1/tokens", token: admin, body: #"{"role": "auditor"}"#)
            #expect(created.status == .created)
            let id = try #require(json(created)["id"] as? String)
            let revoked = try await send(client, .delete, "/v1/tokens/\(id)", token: admin)
            #expect(revoked.status == .noContent)
            let events = try await fixture.services.recorder.journal.events(JournalQuery(type: .adminChange))
            #expect(events.events.map(\.reason) == ["token_revoked", "token_created"])
            #expect(events.events.allSatisfy { $0.actor == adminId && $0.details.contains(id) })

            // A journal that refuses every event: the token is not made.
            let tokensBefore = try await store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM token") }
            try await store.writer.write { db in
                try db.execute(sql: """
                    CREATE TRIGGER refuse_events BEFORE INSERT ON journal_event
                    BEGIN SELECT RAISE(ABORT, 'disk full'); END
                    """)
            }
            let refused = try await send(client, .post, "/v1/tokens", token: admin, body: #"{"role": "auditor"}"#)
            #expect(refused.status == .serviceUnavailable)
            let tokensAfter = try await store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM token") }
            #expect(tokensAfter == tokensBefore)
        }
    }
}
