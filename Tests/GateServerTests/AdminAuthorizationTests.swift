import Foundation
import GateServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The role × endpoint matrix of the administration endpoints: administrators write, security staff and auditors
/// read, controllers get 403 everywhere, and no token is 401.
@Suite("Roles: administration")
struct AdminAuthorizationTests {
    typealias Case = AuthorizationTests.Case

    static let person = #"{"displayName": "Ngô Thị Hoa", "kind": "staff", "status": "active"}"#
    static let lists = [
        "/v1/departments", "/v1/people", "/v1/cards", "/v1/zones", "/v1/doors", "/v1/schedules", "/v1/holidays",
        "/v1/access-levels",
    ]

    static var matrix: [Case] {
        var cases: [Case] = []
        for path in lists {
            for (token, status) in [("security", 200), ("auditor", 200), ("admin", 200), ("gate", 403)] {
                cases.append(Case(method: .get, path: path, token: token, status: status))
            }
        }
        cases += [
            Case(method: .get, path: "/v1/people", token: nil, status: 401),
            Case(method: .get, path: "/v1/people", token: "bogus", status: 401),
            Case(method: .get, path: "/v1/access-levels/staff-general", token: "auditor", status: 200),
            Case(method: .get, path: "/v1/access-levels/staff-general", token: "other-gate", status: 403),
            Case(method: .get, path: "/v1/doors/vehicle-gate", token: "gate", status: 403),
            Case(method: .post, path: "/v1/people", body: person, token: "admin", status: 201),
            Case(method: .post, path: "/v1/people", body: person, token: "security", status: 403),
            Case(method: .post, path: "/v1/people", body: person, token: "auditor", status: 403),
            Case(method: .post, path: "/v1/people", body: person, token: "gate", status: 403),
            Case(method: .post, path: "/v1/people", body: person, token: nil, status: 401),
            Case(method: .patch, path: "/v1/doors/vehicle-gate", body: #"{"unlockSeconds": 12}"#, token: "admin",
                status: 200),
            Case(method: .patch, path: "/v1/doors/vehicle-gate", body: #"{"unlockSeconds": 12}"#, token: "gate",
                status: 403),
            Case(method: .patch, path: "/v1/doors/vehicle-gate", body: #"{"unlockSeconds": 12}"#, token: "security",
                status: 403),
            Case(method: .delete, path: "/v1/holidays/new-year", token: "admin", status: 204),
            Case(method: .delete, path: "/v1/holidays/new-year", token: "auditor", status: 403),
            Case(method: .delete, path: "/v1/holidays/new-year", token: "security", status: 403),
            Case(method: .post, path: "/v1/cards/card-em/suspend", token: "admin", status: 200),
            Case(method: .post, path: "/v1/cards/card-em/suspend", token: "security", status: 403),
            Case(method: .post, path: "/v1/cards/card-em/revoke", token: "gate", status: 403),
            Case(method: .put, path: "/v1/site", body: "zones: []", token: "auditor", status: 403),
            Case(method: .put, path: "/v1/site", body: "zones: []", token: "security", status: 403),
            Case(method: .put, path: "/v1/site", body: "zones: []", token: "gate", status: 403),
            Case(method: .put, path: "/v1/site", body: "zones: []", token: nil, status: 401),
        ]
        return cases
    }

    @Test("role × administration endpoint", arguments: matrix)
    func roleMatrix(_ testCase: Case) async throws {
        let fixture = try await GateFixture.storeBacked()
        let before = try await fixture.eventCount()
        try await fixture.test { client in
            let token = testCase.token.map { fixture.tokens[$0] ?? $0 }
            let response = try await send(client, testCase.method, testCase.path, token: token, body: testCase.body)
            #expect(Int(response.status.code) == testCase.status, "\(String(buffer: response.body))")
            if response.status.code >= 400 {
                #expect(response.headers[.contentType] == "application/problem+json")
            }
        }
        let after = try await fixture.eventCount()
        switch testCase.status {
        case 401, 403: #expect(after == before + 1, "auth failures are journaled")
        case 200 where testCase.method == .get: #expect(after == before, "reads journal nothing")
        default: #expect(after == before + 1, "a change is journaled once")
        }
    }
}
