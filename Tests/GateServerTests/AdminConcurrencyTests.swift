import AccessPolicy
import AccessStore
import Foundation
import GateServer
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Administration: concurrent changes and site files")
struct AdminConcurrencyTests {
    @Test("concurrent creations all land, each with its own event")
    func concurrentCreations() async throws {
        let fixture = try await GateFixture.storeBacked()
        let admin = try #require(fixture.tokens["admin"])
        let before = try await fixture.adminEvents().count
        let statuses = try await fixture.test { client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for number in 0..<12 {
                    group.addTask {
                        let response = try await send(client, .post, "/v1/people", token: admin, body: """
                            {"id": "guest-\(number)", "displayName": "Khách \(number)", "departmentId": "guests", \
                            "kind": "visitor", "status": "active"}
                            """)
                        return Int(response.status.code)
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        #expect(statuses == Array(repeating: 201, count: 12))
        #expect(try await fixture.adminEvents().count == before + 12)
        let model = try await fixture.services.store.siteModel()
        #expect(model.people.filter { $0.id.hasPrefix("guest-") }.count == 12)
    }

    @Test("an update made from a version that has changed since is refused")
    func staleUpdate() async throws {
        let fixture = try await GateFixture.storeBacked()
        let store = fixture.services.store
        let editor = AdminEditor(store: store, journal: JournalWriter(key: nil))
        let stored = try #require(try await AdminCatalog(store: store).entity(.people, id: "pham-thi-dung"))
        guard case .person(var person) = stored else {
            Issue.record("not a person")
            return
        }
        person.displayName = "Phạm Thị Dung"
        var stale = person
        stale.status = .inactive
        await #expect(throws: AdminEditError.changedConcurrently(.people, id: "pham-thi-dung")) {
            try await editor.apply(AdminEdit(.update(.person(person), previous: .person(stale))), actor: "test")
        }
        person.displayName = "Phạm T. Dung"
        let result = try await editor.apply(AdminEdit(.update(.person(person), previous: stored)), actor: "test")
        #expect(result.entity == .person(person))
        #expect(result.event.actor == "test")
    }

    @Test("a site file in JSON replaces the site and is in force at the next tap; again, it changes nothing")
    func jsonSite() async throws {
        let fixture = try await GateFixture.storeBacked()
        let admin = try #require(fixture.tokens["admin"])
        let site = """
            {"site": {"timeZone": "Asia/Ho_Chi_Minh", "utcOffset": "+07:00"},
             "departments": [{"id": "office", "name": "O"}, {"id": "admin", "name": "A"},
               {"id": "finance", "name": "F"}, {"id": "it", "name": "I"},
               {"id": "it-ops", "name": "IO", "parentId": "it"},
               {"id": "security", "name": "S"}, {"id": "guests", "name": "G"}],
             "zones": [{"id": "grounds", "name": "G"}],
             "doors": [{"id": "vehicle-gate", "name": "Gate", "toZoneId": "grounds", "minAssurance": "uid",
               "unlockSeconds": 3}],
             "schedules": [{"id": "always", "name": "24/7", "onHolidays": "ignore",
               "intervals": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "start": "00:00",
                 "end": "24:00"}]}],
             "accessLevels": [{"id": "all", "name": "All", "doorIds": ["vehicle-gate"], "scheduleId": "always",
               "departmentIds": ["it"]}]}
            """
        try await fixture.test { client in
            // The controller tokens are bound to doors the site removes: refused until they are revoked.
            let bound = try await send(client, .put, "/v1/site", token: admin, body: site)
            #expect(bound.status == .unprocessableContent)
            let boundErrors = try #require(json(bound)["errors"] as? [String])
            #expect(boundErrors.count == 3 && boundErrors.allSatisfy { $0.contains("is bound to it") }, "\(boundErrors)")
            let controllers = try await fixture.services.store.writer.read { db in
                try String.fetchAll(db, sql: "SELECT id FROM token WHERE role = 'controller'")
            }
            for id in controllers { _ = try await fixture.services.tokens.revoke(id: id) }
            let gate = try await fixture.services.tokens.create(
                role: .controller, doorIds: ["vehicle-gate"], name: "gate").secret

            let applied = try await send(client, .put, "/v1/site", token: admin, body: site)
            #expect(applied.status == .ok, "\(String(buffer: applied.body))")
            let removed = try #require(json(applied)["removed"] as? [String: Int])
            #expect(removed["doors"] == 10)
            #expect(json(applied)["eventId"] is String)
            let tap = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: gate,
                body: AdminPolicyTests.cuong)
            #expect(json(tap)["reason"] as? String == "granted")
            #expect(json(tap)["unlockSeconds"] as? Int == 3)
            let again = try await send(client, .put, "/v1/site", token: admin, body: site)
            #expect(json(again)["summary"] as? String == "no changes")

            let broken = site.replacingOccurrences(of: #""toZoneId": "grounds""#, with: #""toZoneId": "nowhere""#)
            let refused = try await send(client, .put, "/v1/site", token: admin, body: broken)
            #expect(refused.status == .unprocessableContent)
            let errors = try #require(json(refused)["errors"] as? [String])
            #expect(errors == [#"doors[0] "vehicle-gate" toZoneId: unknown zone "nowhere""#])
        }
        #expect(try await fixture.services.store.siteModel().doors.map(\.id) == ["vehicle-gate"])
    }
}
