import Foundation
import GateServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Administration: bad input")
struct AdminBadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var method: HTTPRequest.Method
        var path: String
        var body: String?
        var status: Int
        var detail: String
        var description: String { name }
    }

    static let person = #""kind": "staff", "status": "active""#
    static let interval = #""onHolidays": "closed", "name": "S""#

    static let cases: [Case] = [
        Case(name: "malformed JSON", method: .post, path: "/v1/people", body: #"{"displayName": "#, status: 400,
            detail: "not valid JSON"),
        Case(name: "empty body", method: .post, path: "/v1/people", body: "", status: 400, detail: "empty"),
        Case(name: "repeated key", method: .post, path: "/v1/departments",
            body: #"{"id": "d1", "name": "A", "name": "B"}"#, status: 400, detail: #""name" appears twice"#),
        Case(name: "NUL in a name", method: .post, path: "/v1/departments",
            body: #"{"id": "d1", "name": "a\u0000b"}"#, status: 400, detail: "name must not contain control"),
        Case(name: "line break in a name", method: .post, path: "/v1/people",
            body: #"{"displayName": "A\nB", \#(person)}"#, status: 400,
            detail: "displayName must not contain control"),
        Case(name: "not an object", method: .post, path: "/v1/people", body: "[1, 2]", status: 400,
            detail: "must be"),
        Case(name: "wrong type", method: .post, path: "/v1/people", body: #"{"displayName": 5, \#(person)}"#,
            status: 400, detail: "displayName must be a string"),
        Case(name: "missing field", method: .post, path: "/v1/people", body: #"{"displayName": "A"}"#, status: 400,
            detail: "kind is required"),
        Case(name: "unknown field", method: .post, path: "/v1/people",
            body: #"{"displayName": "A", \#(person), "role": "admin"}"#, status: 400, detail: "unknown field: role"),
        Case(name: "bad enum", method: .post, path: "/v1/people",
            body: #"{"displayName": "A", "kind": "alien", "status": "active"}"#, status: 400,
            detail: "kind must be one of staff, visitor, contractor"),
        Case(name: "id with a path trick", method: .post, path: "/v1/people",
            body: #"{"id": "../etc", "displayName": "A", \#(person)}"#, status: 400, detail: "id must be an id"),
        Case(name: "name too long", method: .post, path: "/v1/departments",
            body: #"{"name": "\#(String(repeating: "x", count: 201))"}"#, status: 400, detail: "1 to 200"),
        Case(name: "boolean as string", method: .post, path: "/v1/people",
            body: #"{"displayName": "A", \#(person), "responder": "yes"}"#, status: 400,
            detail: "responder must be a boolean"),
        Case(name: "external ids not strings", method: .post, path: "/v1/people",
            body: #"{"displayName": "A", \#(person), "externalIds": {"hr": 7}}"#, status: 400,
            detail: "externalIds must be an object of strings"),
        Case(name: "interval time out of range", method: .post, path: "/v1/schedules",
            body: #"{\#(interval), "intervals": [{"days": ["mon"], "start": "08:00", "end": "25:00"}]}"#,
            status: 400, detail: "HH:MM"),
        Case(name: "unknown day", method: .post, path: "/v1/schedules",
            body: #"{\#(interval), "intervals": [{"days": ["funday"], "start": "08:00", "end": "09:00"}]}"#,
            status: 400, detail: "intervals[0].days: \"funday\" is not one of mon"),
        Case(name: "interval with unknown field", method: .post, path: "/v1/schedules",
            body: #"{\#(interval), "intervals": [{"days": ["mon"], "start": "08:00", "end": "09:00", "x": 1}]}"#,
            status: 400, detail: "unknown field: intervals[0].x"),
        Case(name: "door seconds out of range", method: .post, path: "/v1/doors",
            body: #"{"name": "D", "toZoneId": "lobby", "mode": "normal", "minAssurance": "uid", "unlockSeconds": 0}"#,
            status: 400, detail: "unlockSeconds must be an integer from 1 to 3600"),
        Case(name: "door seconds not whole", method: .post, path: "/v1/doors",
            body: #"{"name": "D", "toZoneId": "lobby", "mode": "normal", "minAssurance": "uid", "unlockSeconds": 5.5}"#,
            status: 400, detail: "unlockSeconds must be an integer"),
        Case(name: "door mode unknown", method: .post, path: "/v1/doors",
            body: #"{"name": "D", "toZoneId": "lobby", "mode": "open", "minAssurance": "uid", "unlockSeconds": 5}"#,
            status: 400, detail: "mode must be one of normal, free_access, locked, card_and_pin"),
        Case(name: "certificate not a certificate", method: .post, path: "/v1/cards",
            body: #"{"personId": "le-van-cuong", "type": "piv", "certificate": "bm90IGEgY2VydGlmaWNhdGU=", "#
                + #""status": "active"}"#, status: 400, detail: "not an X.509 certificate: the DER encoding is cut short"),
        Case(name: "certificate not base64", method: .post, path: "/v1/cards",
            body: #"{"personId": "le-van-cuong", "type": "piv", "certificate": "%%%%", "status": "active"}"#,
            status: 400, detail: "certificate"),
        Case(name: "piv card without certificate", method: .post, path: "/v1/cards",
            body: #"{"personId": "le-van-cuong", "type": "piv", "status": "active"}"#, status: 400,
            detail: "certificate is required"),
        Case(name: "uid not hex", method: .post, path: "/v1/cards",
            body: #"{"personId": "le-van-cuong", "type": "uid", "uid": "zz", "status": "active"}"#, status: 400,
            detail: "uid"),
        Case(name: "inverted validity", method: .post, path: "/v1/cards",
            body: #"{"personId": "le-van-cuong", "type": "uid", "uid": "0102", "status": "active", "#
                + #""validFrom": "2026-01-01T00:00:00Z", "validUntil": "2025-01-01T00:00:00Z"}"#, status: 400,
            detail: "validUntil must be after validFrom"),
        Case(name: "time not ISO 8601", method: .post, path: "/v1/access-levels",
            body: #"{"name": "L", "doorIds": [], "scheduleId": "lunch", "validFrom": "tomorrow"}"#, status: 400,
            detail: "validFrom must be an ISO 8601 date-time"),
        Case(name: "token bound to a door twice", method: .post, path: "/v1/tokens",
            body: #"{"role": "controller", "doorIds": ["vehicle-gate", "vehicle-gate"]}"#, status: 400,
            detail: "door id 'vehicle-gate' appears more than once"),
        Case(name: "token name with a line break", method: .post, path: "/v1/tokens",
            body: #"{"role": "security", "name": "desk\nnight"}"#, status: 400,
            detail: "name must be 1 to 200 characters without control characters"),
        Case(name: "repeated door", method: .post, path: "/v1/access-levels",
            body: #"{"name": "L", "doorIds": ["main-entrance", "main-entrance"], "scheduleId": "lunch"}"#,
            status: 400, detail: "doorIds lists an id more than once"),
        Case(name: "solar holiday without day", method: .post, path: "/v1/holidays",
            body: #"{"name": "H", "kind": "solar", "month": 2}"#, status: 400, detail: "month and day"),
        Case(name: "impossible one-off date", method: .post, path: "/v1/holidays",
            body: #"{"name": "H", "kind": "once", "date": "2025-02-30"}"#, status: 400, detail: "YYYY-MM-DD"),
        Case(name: "impossible solar date", method: .post, path: "/v1/holidays",
            body: #"{"name": "H", "kind": "solar", "month": 4, "day": 31}"#, status: 422, detail: "impossible date"),
        Case(name: "patch changes the id", method: .patch, path: "/v1/people/le-van-cuong", body: #"{"id": "x"}"#,
            status: 400, detail: "id cannot be changed"),
        Case(name: "patch not an object", method: .patch, path: "/v1/people/le-van-cuong", body: #""x""#,
            status: 400, detail: "JSON object"),
        Case(name: "patch with unknown field", method: .patch, path: "/v1/doors/vehicle-gate",
            body: #"{"colour": "red"}"#, status: 400, detail: "unknown field: colour"),
        Case(name: "patch clears a required field", method: .patch, path: "/v1/doors/vehicle-gate",
            body: #"{"toZoneId": null}"#, status: 400, detail: "toZoneId is required"),
        Case(name: "patch of a card's status", method: .patch, path: "/v1/cards/card-cuong",
            body: #"{"status": "revoked"}"#, status: 400, detail: "POST /v1/cards/{id}/suspend"),
        Case(name: "patch of an unknown id", method: .patch, path: "/v1/people/nobody", body: "{}", status: 404,
            detail: "no person 'nobody'"),
        Case(name: "unknown id", method: .get, path: "/v1/access-levels/nothing", status: 404,
            detail: "no access level 'nothing'"),
        Case(name: "dot-dot id", method: .get, path: "/v1/people/..", status: 400, detail: "personId must be"),
        Case(name: "encoded path trick", method: .get, path: "/v1/people/..%2F..%2Fetc", status: 400,
            detail: "personId must be"),
        Case(name: "limit zero", method: .get, path: "/v1/people?limit=0", status: 400, detail: "limit"),
        Case(name: "limit not a number", method: .get, path: "/v1/cards?limit=ten", status: 400, detail: "limit"),
        Case(name: "bad filter value", method: .get, path: "/v1/people?status=zombie", status: 400,
            detail: "status must be one of active, inactive"),
        Case(name: "unknown filter", method: .get, path: "/v1/zones?colour=red", status: 400,
            detail: "unknown query parameter 'colour'"),
        Case(name: "filter of another list", method: .get, path: "/v1/schedules?kind=solar", status: 400,
            detail: "unknown query parameter 'kind'"),
        Case(name: "bad cursor", method: .get, path: "/v1/doors?cursor=%2E%2E%2Fx", status: 400, detail: "cursor"),
        Case(name: "card action body with unknown field", method: .post, path: "/v1/cards/card-cuong/suspend",
            body: #"{"why": "x"}"#, status: 400, detail: "unknown field: why"),
        Case(name: "card action on unknown card", method: .post, path: "/v1/cards/nope/revoke", status: 404,
            detail: "no card 'nope'"),
        Case(name: "unknown card action", method: .post, path: "/v1/cards/card-cuong/destroy", status: 404,
            detail: "no resource"),
        Case(name: "site file with a syntax error", method: .put, path: "/v1/site", body: "doors: [", status: 422,
            detail: "site:"),
        Case(name: "site file with an unknown reference", method: .put, path: "/v1/site",
            body: #"{"zones": [{"id": "z", "name": "Z"}], "doors": [{"id": "d", "name": "D", "toZoneId": "nowhere"}]}"#,
            status: 422, detail: "nothing was changed"),
        Case(name: "empty site file", method: .put, path: "/v1/site", body: nil, status: 400, detail: "empty"),
    ]

    @Test("bad input is a 4xx problem with a clear detail, never a 5xx, and changes nothing", arguments: cases)
    func badInput(_ testCase: Case) async throws {
        let fixture = try await GateFixture.storeBacked()
        let admin = try #require(fixture.tokens["admin"])
        let model = try await fixture.services.store.siteModel()
        let events = try await fixture.adminEvents().count
        try await fixture.test { client in
            let response = try await send(client, testCase.method, testCase.path, token: admin, body: testCase.body)
            #expect(Int(response.status.code) == testCase.status, "\(testCase.name): \(String(buffer: response.body))")
            #expect(response.headers[.contentType] == "application/problem+json")
            let detail = json(response)["detail"] as? String ?? ""
            #expect(detail.contains(testCase.detail), "\(testCase.name): \(detail)")
            // Library descriptions (a parser's type, source file and line) stay out of the answer.
            #expect(!detail.contains(".swift") && !detail.contains("Error."), "\(testCase.name): \(detail)")
        }
        #expect(try await fixture.services.store.siteModel() == model)
        #expect(try await fixture.adminEvents().count == events)
    }

    @Test("a site file that is not UTF-8 is refused")
    func siteNotUTF8() async throws {
        let fixture = try await GateFixture.storeBacked()
        let admin = try #require(fixture.tokens["admin"])
        try await fixture.test { client in
            var headers = HTTPFields()
            headers[.authorization] = "Bearer " + admin
            let response = try await client.execute(uri: "/v1/site", method: .put, headers: headers,
                body: ByteBuffer(bytes: [0x7A, 0x6F, 0x6E, 0x65, 0x73, 0x3A, 0x20, 0xFF, 0xFE]))
            #expect(response.status == .badRequest)
            #expect((json(response)["detail"] as? String)?.contains("UTF-8") == true)
        }
    }
}
