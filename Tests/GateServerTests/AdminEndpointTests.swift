import AccessPolicy
import AccessStore
import Foundation
import GRDB
import GateServer
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Administration endpoints")
struct AdminEndpointTests {
    /// One resource's life: created, read, listed, changed, deleted.
    struct Lifecycle: Sendable, CustomStringConvertible {
        var path: String
        var noun: String
        var create: String
        /// The id the created resource should have; nil: generated.
        var id: String?
        var patch: String
        /// A field the patch sets and its new value as JSON text.
        var field: String
        var value: String
        var description: String { path }
    }

    static let lifecycles: [Lifecycle] = [
        Lifecycle(path: "departments", noun: "department",
            create: #"{"id": "legal", "name": "Phòng Pháp chế", "parentId": "office"}"#, id: "legal",
            patch: #"{"name": "Pháp chế"}"#, field: "name", value: #""Pháp chế""#),
        Lifecycle(path: "people", noun: "person",
            create: #"{"displayName": "Đỗ Văn Giang", "departmentId": "finance", "kind": "staff", "status": "active"}"#,
            id: nil, patch: #"{"status": "inactive"}"#, field: "status", value: #""inactive""#),
        Lifecycle(path: "cards", noun: "card",
            create: #"{"id": "card-new", "personId": "pham-thi-dung", "type": "uid", "uid": "04aabbccdd", "#
                + #""status": "active"}"#,
            id: "card-new", patch: #"{"validUntil": "2027-01-01T00:00:00+07:00"}"#, field: "validUntil",
            value: #""2026-12-31T17:00:00.000Z""#),
        Lifecycle(path: "zones", noun: "zone",
            create: #"{"id": "roof", "name": "Sân thượng", "parentId": "lobby", "antiPassback": "soft"}"#, id: "roof",
            patch: #"{"maxOccupancy": 10}"#, field: "maxOccupancy", value: "10"),
        Lifecycle(path: "doors", noun: "door",
            create: #"{"id": "roof-door", "name": "Cửa sân thượng", "fromZoneId": "floor4", "toZoneId": "lobby", "#
                + #""mode": "normal", "minAssurance": "pki_cak", "unlockSeconds": 6}"#,
            id: "roof-door", patch: #"{"mode": "locked"}"#, field: "mode", value: #""locked""#),
        Lifecycle(path: "schedules", noun: "schedule",
            create: #"{"id": "weekend", "name": "Cuối tuần", "onHolidays": "closed", "#
                + #""intervals": [{"days": ["sun", "sat"], "start": "08:00", "end": "12:00"}]}"#,
            id: "weekend", patch: #"{"onHolidays": "ignore"}"#, field: "onHolidays", value: #""ignore""#),
        Lifecycle(path: "holidays", noun: "holiday",
            create: #"{"id": "founding", "name": "Ngày thành lập", "kind": "solar", "month": 8, "day": 28}"#,
            id: "founding", patch: #"{"days": 2}"#, field: "days", value: "2"),
        Lifecycle(path: "access-levels", noun: "access_level",
            create: #"{"id": "finance-archive", "name": "Kho lưu trữ — Tài chính", "doorIds": ["archive-door"], "#
                + #""scheduleId": "office-hours", "departmentIds": ["finance"]}"#,
            id: "finance-archive", patch: #"{"personIds": ["nguyen-van-an"]}"#, field: "personIds",
            value: #"["nguyen-van-an"]"#),
    ]

    /// The JSON text of a value, for comparing with the expected text.
    static func text(_ value: Any?) -> String {
        guard let value else { return "null" }
        let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data ?? Data(), as: UTF8.self).dropFirst().dropLast().description
    }

    @Test("create, read, list, change and delete, each journaled once with the admin's token", arguments: lifecycles)
    func lifecycle(_ testCase: Lifecycle) async throws {
        let fixture = try await GateFixture.storeBacked()
        let admin = try #require(fixture.tokens["admin"])
        let auditor = try #require(fixture.tokens["auditor"])
        let adminId = try #require(try await fixture.tokenId("admin"))
        let before = try await fixture.adminEvents().count
        let id = try await fixture.test { client -> String in
            let created = try await send(client, .post, "/v1/\(testCase.path)", token: admin, body: testCase.create)
            #expect(created.status == .created, "\(String(buffer: created.body))")
            let body = json(created)
            let id = try #require(body["id"] as? String)
            if let expected = testCase.id { #expect(id == expected) } else {
                #expect(id.hasPrefix(testCase.noun + "-"))
            }
            #expect(created.headers[.location] == "/v1/\(testCase.path)/\(id)")

            let read = try await send(client, .get, "/v1/\(testCase.path)/\(id)", token: auditor)
            #expect(read.status == .ok)
            #expect(Self.text(json(read)) == Self.text(body))

            let list = try await send(client, .get, "/v1/\(testCase.path)?limit=1000", token: auditor)
            let items = try #require(json(list)["items"] as? [[String: Any]])
            #expect(items.contains { $0["id"] as? String == id })
            #expect(json(list)["nextCursor"] is NSNull)

            let patched = try await send(client, .patch, "/v1/\(testCase.path)/\(id)", token: admin,
                body: testCase.patch)
            #expect(patched.status == .ok, "\(String(buffer: patched.body))")
            #expect(Self.text(json(patched)[testCase.field]) == testCase.value)
            let reread = try await send(client, .get, "/v1/\(testCase.path)/\(id)", token: auditor)
            #expect(Self.text(json(reread)[testCase.field]) == testCase.value)

            let deleted = try await send(client, .delete, "/v1/\(testCase.path)/\(id)", token: admin)
            #expect(deleted.status == .noContent, "\(String(buffer: deleted.body))")
            let gone = try await send(client, .get, "/v1/\(testCase.path)/\(id)", token: auditor)
            #expect(gone.status == .notFound)
            return id
        }
        let events = try await fixture.adminEvents().dropFirst(before)
        #expect(events.map(\.reason) == ["created", "updated", "deleted"].map { "\(testCase.noun)_\($0)" })
        #expect(events.allSatisfy { $0.actor == adminId })
        let details = events.map { event in
            (try? JSONSerialization.jsonObject(with: Data(event.details.utf8))) as? [String: Any] ?? [:]
        }
        #expect(details.allSatisfy { $0["id"] as? String == id })
        #expect(details.dropFirst().first?["fields"] as? [String] == [testCase.field])
    }

    @Test("lists page through in id order and filter")
    func paging() async throws {
        let fixture = try await GateFixture.storeBacked()
        let security = try #require(fixture.tokens["security"])
        try await fixture.test { client in
            var ids: [String] = []
            var cursor: String?
            repeat {
                let query = "/v1/people?limit=4" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await send(client, .get, query, token: security)
                #expect(page.status == .ok)
                let items = try #require(json(page)["items"] as? [[String: Any]])
                #expect(items.count <= 4)
                ids += items.compactMap { $0["id"] as? String }
                cursor = json(page)["nextCursor"] as? String
            } while cursor != nil
            #expect(ids == ids.sorted())
            #expect(ids.count == 6)

            func list(_ query: String) async throws -> [String] {
                let response = try await send(client, .get, query, token: security)
                #expect(response.status == .ok, "\(query)")
                return (json(response)["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            #expect(try await list("/v1/people?departmentId=it-ops") == ["le-van-cuong", "tran-thi-binh"])
            #expect(try await list("/v1/people?kind=visitor") == ["visitor-001"])
            #expect(try await list("/v1/cards?status=lost") == ["card-dung"])
            #expect(try await list("/v1/cards?personId=tran-thi-binh&type=piv") == ["card-binh"])
            #expect(try await list("/v1/doors?zoneId=server-room") == ["server-room-door"])
            #expect(try await list("/v1/zones?parentId=floor4") == ["server-room"])
            #expect(try await list("/v1/access-levels?doorId=floor4-door")
                == ["it-floor", "night-duty", "security-patrol"])
            #expect(try await list("/v1/access-levels?departmentId=guests") == ["visitors"])
            #expect(try await list("/v1/holidays?kind=once") == ["tet-eve-2026"])
        }
    }

    @Test("a patch changes only the fields given, null clears an optional field, hidden columns are kept")
    func patchSemantics() async throws {
        let fixture = try await GateFixture.storeBacked()
        let admin = try #require(fixture.tokens["admin"])
        try await fixture.test { client in
            let cleared = try await send(client, .patch, "/v1/departments/admin", token: admin,
                body: #"{"parentId": null}"#)
            #expect(cleared.status == .ok)
            #expect(json(cleared)["parentId"] == nil)
            #expect(json(cleared)["name"] as? String == "Phòng Tổ chức - Hành chính")

            let renamed = try await send(client, .patch, "/v1/zones/lobby", token: admin,
                body: #"{"name": "Sảnh chính"}"#)
            #expect(renamed.status == .ok)
            #expect(json(renamed)["antiPassback"] as? String == "soft")

            let level = try await send(client, .patch, "/v1/access-levels/visitors", token: admin,
                body: #"{"name": "Khách"}"#)
            #expect(level.status == .ok)
            #expect(json(level)["departmentIds"] as? [String] == ["guests"])

            let unchanged = try await send(client, .patch, "/v1/doors/vehicle-gate", token: admin,
                body: #"{"unlockSeconds": 10}"#)
            #expect(unchanged.status == .ok)
        }
        let model = try await fixture.services.store.siteModel()
        let lobby = try #require(model.zones.first { $0.id == "lobby" })
        #expect(lobby.antiPassbackResetSeconds == 43_200, "a column the API does not show is kept")
        let visitors = try #require(model.accessLevels.first { $0.id == "visitors" })
        #expect(visitors.assignments.first?.validity.until != nil, "an assignment's own window is kept")
        let reasons = try await fixture.adminEvents().compactMap(\.reason)
        #expect(reasons.suffix(3) == ["department_updated", "zone_updated", "access_level_updated"],
            "a patch that changes nothing writes nothing")
    }

    @Test("one change writes only its own rows and its event, not the model",
        arguments: [
            ("/v1/people/pham-thi-dung", #"{"displayName": "Phạm Thị Dung (KH-TC)"}"#, 1),
            ("/v1/access-levels/canteen", #"{"doorIds": ["canteen-door", "main-entrance"]}"#, 3),
            ("/v1/schedules/lunch", #"{"intervals": [{"days": ["mon"], "start": "11:00", "end": "13:00"}]}"#, 2),
        ])
    func writesOnlyItsRows(path: String, patch: String, rows: Int) async throws {
        let fixture = try await GateFixture.storeBacked()
        let admin = try #require(fixture.tokens["admin"])
        let writer = fixture.services.store.writer
        let before = try await writer.read { db in db.totalChangesCount }
        try await fixture.test { client in
            let response = try await send(client, .patch, path, token: admin, body: patch)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
        }
        let after = try await writer.read { db in db.totalChangesCount }
        // Each model row written also raises its table's change count (a trigger's write); then the journal event.
        #expect(after - before == 2 * rows + 1, "model rows written, their counts and the journal event")
    }

    @Test("external ids merge member by member and stored members the API does not show are kept")
    func externalIds() async throws {
        let fixture = try await GateFixture.storeBacked()
        let admin = try #require(fixture.tokens["admin"])
        let writer = fixture.services.store.writer
        try await writer.write { db in
            try db.execute(sql: "UPDATE person SET external_ids = ? WHERE id = 'le-van-cuong'",
                arguments: [#"{"hr":"NV-0042","badge":7}"#])
        }
        try await fixture.test { client in
            let read = try await send(client, .get, "/v1/people/le-van-cuong", token: admin)
            #expect(json(read)["externalIds"] as? [String: String] == ["hr": "NV-0042"])
            let renamed = try await send(client, .patch, "/v1/people/le-van-cuong", token: admin,
                body: #"{"displayName": "Lê Văn Cường (CNTT)"}"#)
            #expect(renamed.status == .ok)
            let stored = try await writer.read { db in
                try String.fetchOne(db, sql: "SELECT external_ids FROM person WHERE id = 'le-van-cuong'")
            }
            #expect(stored == #"{"hr":"NV-0042","badge":7}"#)
            let merged = try await send(client, .patch, "/v1/people/le-van-cuong", token: admin,
                body: #"{"externalIds": {"hr": null, "sso": "lvcuong"}}"#)
            #expect(json(merged)["externalIds"] as? [String: String] == ["sso": "lvcuong"])
        }
    }

    @Test("the card actions move a card through its states and record the reason")
    func cardActions() async throws {
        let fixture = try await GateFixture.storeBacked()
        let admin = try #require(fixture.tokens["admin"])
        try await fixture.test { client in
            func act(_ action: String, _ body: String? = nil) async throws -> TestResponse {
                try await send(client, .post, "/v1/cards/card-em/\(action)", token: admin, body: body)
            }
            let suspended = try await act("suspend", #"{"reason": "thẻ bị mượn"}"#)
            #expect(suspended.status == .ok)
            #expect(json(suspended)["status"] as? String == "suspended")
            #expect(try await act("suspend").status == .conflict)
            #expect(json(try await act("reactivate")).keys.contains("status"))
            #expect(try await act("report-lost").status == .ok)
            #expect(try await act("revoke").status == .ok)
            let again = try await act("reactivate")
            #expect(again.status == .conflict)
            #expect((json(again)["detail"] as? String)?.contains("revoked") == true)
            #expect(try await act("report-lost").status == .conflict)
        }
        let events = try await fixture.adminEvents().filter { $0.cardId == "card-em" }
        #expect(events.compactMap(\.reason)
            == ["card_suspended", "card_reactivated", "card_reported_lost", "card_revoked"])
        #expect(events.allSatisfy { $0.personId == "hoang-van-em" })
        #expect(events.first?.details.contains("thẻ bị mượn") == true)
    }

    @Test("deleting what is still referenced is a 409 naming the references, and changes nothing",
        arguments: [
            ("/v1/zones/lobby", "doors"), ("/v1/people/le-van-cuong", "card-cuong"),
            ("/v1/schedules/office-hours", "accessLevels"), ("/v1/departments/it", "it-ops"),
            ("/v1/doors/vehicle-gate", "staff-general"), ("/v1/doors/archive-door", "archive"),
        ])
    func referencedDeletes(path: String, reference: String) async throws {
        let fixture = try await GateFixture.storeBacked()
        let admin = try #require(fixture.tokens["admin"])
        let before = try await fixture.services.store.siteModel()
        try await fixture.test { client in
            let response = try await send(client, .delete, path, token: admin)
            #expect(response.status == .conflict)
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect((json(response)["detail"] as? String)?.contains(reference) == true, "\(json(response))")
            #expect(json(response)["errors"] is [String])
        }
        #expect(try await fixture.services.store.siteModel() == before)
    }

    @Test("a door a controller token is bound to cannot be deleted until the token is revoked")
    func doorBoundToToken() async throws {
        let fixture = try await GateFixture.storeBacked()
        let admin = try #require(fixture.tokens["admin"])
        try await fixture.test { client in
            let tokenId = try await GateFixture.addBikeShed(client, admin: admin).id
            let refused = try await send(client, .delete, "/v1/doors/bike-shed", token: admin)
            #expect(refused.status == .conflict)
            #expect((json(refused)["detail"] as? String)?.contains("controller token '\(tokenId)'") == true)
            #expect(try await send(client, .delete, "/v1/tokens/\(tokenId)", token: admin).status == .noContent)
            #expect(try await send(client, .delete, "/v1/doors/bike-shed", token: admin).status == .noContent)
        }
    }

    @Test("a change that would make the policy invalid is a 422 naming the record",
        arguments: [
            ("/v1/doors", #"{"name": "X", "toZoneId": "atlantis", "mode": "normal", "minAssurance": "uid", "#
                + #""unlockSeconds": 5}"#, "unknown zone \"atlantis\""),
            ("/v1/access-levels", #"{"name": "X", "doorIds": ["nowhere"], "scheduleId": "lunch"}"#,
                "unknown door \"nowhere\""),
            ("/v1/schedules", #"{"name": "X", "onHolidays": "closed", "intervals": ["#
                + #"{"days": ["mon"], "start": "08:00", "end": "12:00"}, "#
                + #"{"days": ["mon", "tue"], "start": "11:00", "end": "13:00"}]}"#, "overlaps"),
            ("/v1/schedules", #"{"name": "X", "onHolidays": "closed", "intervals": ["#
                + #"{"days": ["mon"], "start": "08:00", "end": "08:00"}]}"#, "empty interval"),
            ("/v1/cards", #"{"personId": "le-van-cuong", "type": "uid", "uid": "04A2B3C4D5E680", "status": "active"}"#,
                "same card identifier"),
            ("/v1/people", #"{"displayName": "X", "departmentId": "nowhere", "kind": "staff", "status": "active"}"#,
                "unknown department"),
        ])
    func invalidModel(path: String, body: String, detail: String) async throws {
        let fixture = try await GateFixture.storeBacked()
        let admin = try #require(fixture.tokens["admin"])
        let events = try await fixture.eventCount()
        try await fixture.test { client in
            let response = try await send(client, .post, path, token: admin, body: body)
            #expect(response.status == .unprocessableContent)
            #expect((json(response)["detail"] as? String)?.contains(detail) == true, "\(json(response))")
        }
        #expect(try await fixture.eventCount() == events, "nothing is journaled for a refused change")
    }

    @Test("a parent cycle made by a patch is refused")
    func parentCycle() async throws {
        let fixture = try await GateFixture.storeBacked()
        let admin = try #require(fixture.tokens["admin"])
        try await fixture.test { client in
            let response = try await send(client, .patch, "/v1/zones/grounds", token: admin,
                body: #"{"parentId": "server-room"}"#)
            #expect(response.status == .unprocessableContent)
            #expect((json(response)["detail"] as? String)?.contains("cycle") == true)
        }
    }

    @Test("creating an id that exists is a 409")
    func duplicateId() async throws {
        let fixture = try await GateFixture.storeBacked()
        let admin = try #require(fixture.tokens["admin"])
        try await fixture.test { client in
            let response = try await send(client, .post, "/v1/departments", token: admin,
                body: #"{"id": "it", "name": "Again"}"#)
            #expect(response.status == .conflict)
            #expect((json(response)["detail"] as? String)?.contains("already exists") == true)
        }
    }
}
