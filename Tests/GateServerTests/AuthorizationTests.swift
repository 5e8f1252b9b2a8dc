import Foundation
import GateServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@Suite("Roles and tokens")
struct AuthorizationTests {
    struct Case: Sendable, CustomStringConvertible {
        var method: HTTPRequest.Method
        var path: String
        var body: String?
        var token: String?
        var status: Int
        var description: String { "\(token ?? "no token") \(method) \(path) -> \(status)" }
    }

    static let uid = #"{"credential": {"type": "uid", "uid": "04A2B3C4D5E680"}}"#
    static let lockdown = #"{"zoneId": "server-room", "locked": true}"#
    static let newToken = #"{"role": "auditor"}"#

    static let matrix: [Case] = [
        Case(method: .post, path: "/v1/doors/vehicle-gate/access", body: uid, token: nil, status: 401),
        Case(method: .post, path: "/v1/doors/vehicle-gate/access", body: uid, token: "bogus", status: 401),
        Case(method: .post, path: "/v1/doors/vehicle-gate/access", body: uid, token: "gate", status: 200),
        Case(method: .post, path: "/v1/doors/vehicle-gate/access", body: uid, token: "other-gate", status: 403),
        Case(method: .post, path: "/v1/doors/vehicle-gate/access", body: uid, token: "security", status: 403),
        Case(method: .post, path: "/v1/doors/vehicle-gate/access", body: uid, token: "admin", status: 403),
        Case(method: .post, path: "/v1/doors/vehicle-gate/challenges", token: "gate", status: 201),
        // The token is checked before the path: a caller without one learns nothing about ids.
        Case(method: .post, path: "/v1/doors/bad$id/access", body: uid, token: nil, status: 401),
        Case(method: .post, path: "/v1/doors/bad$id/access", body: uid, token: "gate", status: 403),
        Case(method: .get, path: "/v1/departments/bad$id", token: nil, status: 401),
        Case(method: .get, path: "/v1/departments/bad$id", token: "auditor", status: 400),
        Case(method: .post, path: "/v1/cards/bad$id/suspend", token: "security", status: 403),
        Case(method: .post, path: "/v1/doors/vehicle-gate/challenges", token: "auditor", status: 403),
        Case(method: .get, path: "/v1/events", token: nil, status: 401),
        Case(method: .get, path: "/v1/events", token: "security", status: 200),
        Case(method: .get, path: "/v1/events", token: "auditor", status: 200),
        Case(method: .get, path: "/v1/events", token: "admin", status: 200),
        Case(method: .get, path: "/v1/events", token: "gate", status: 403),
        Case(method: .get, path: "/v1/journal/verify", token: "auditor", status: 200),
        Case(method: .get, path: "/v1/journal/verify", token: "gate", status: 403),
        Case(method: .get, path: "/v1/occupancy", token: "auditor", status: 200),
        Case(method: .get, path: "/v1/occupancy", token: "other-gate", status: 403),
        Case(method: .put, path: "/v1/lockdown", body: lockdown, token: "security", status: 200),
        Case(method: .put, path: "/v1/lockdown", body: lockdown, token: "admin", status: 200),
        Case(method: .put, path: "/v1/lockdown", body: lockdown, token: "auditor", status: 403),
        Case(method: .put, path: "/v1/lockdown", body: lockdown, token: "gate", status: 403),
        Case(method: .post, path: "/v1/tokens", body: newToken, token: "admin", status: 201),
        Case(method: .post, path: "/v1/tokens", body: newToken, token: "security", status: 403),
        Case(method: .post, path: "/v1/tokens", body: newToken, token: nil, status: 401),
        Case(method: .delete, path: "/v1/tokens/tok-000000000000", token: "auditor", status: 403),
        Case(method: .delete, path: "/v1/tokens/tok-000000000000", token: "admin", status: 404),
        Case(method: .get, path: "/healthz", token: nil, status: 200),
        Case(method: .get, path: "/openapi.yaml", token: nil, status: 200),
        Case(method: .get, path: "/metrics", token: nil, status: 200),
    ]

    @Test("role × endpoint", arguments: matrix)
    func roleMatrix(_ testCase: Case) async throws {
        let fixture = try await GateFixture.make()
        let before = try await fixture.eventCount()
        try await fixture.test { client in
            let token = testCase.token.map { fixture.tokens[$0] ?? $0 }
            let response = try await send(client, testCase.method, testCase.path, token: token, body: testCase.body)
            #expect(Int(response.status.code) == testCase.status)
            if response.status.code >= 400 {
                #expect(response.headers[.contentType] == "application/problem+json")
            }
        }
        if testCase.status == 401 || testCase.status == 403 {
            #expect(try await fixture.eventCount() == before + 1, "auth failures are journaled")
        }
    }

    @Test("a created token works until it is revoked")
    func tokenLifecycle() async throws {
        let fixture = try await GateFixture.make()
        let admin = try #require(fixture.tokens["admin"])
        try await fixture.test { client in
            let created = try await send(client, .post, "/v1/tokens", token: admin,
                body: #"{"role": "controller", "doorIds": ["canteen-door"], "name": "canteen reader"}"#)
            #expect(created.status == .created)
            let id = try #require(json(created)["id"] as? String)
            let secret = try #require(json(created)["token"] as? String)
            let challenge = try await send(client, .post, "/v1/doors/canteen-door/challenges", token: secret)
            #expect(challenge.status == .created)
            let revoked = try await send(client, .delete, "/v1/tokens/\(id)", token: admin)
            #expect(revoked.status == .noContent)
            let after = try await send(client, .post, "/v1/doors/canteen-door/challenges", token: secret)
            #expect(after.status == .unauthorized)

            let noDoors = try await send(client, .post, "/v1/tokens", token: admin, body: #"{"role": "controller"}"#)
            #expect(noDoors.status == .badRequest)
            let unknownDoor = try await send(client, .post, "/v1/tokens", token: admin,
                body: #"{"role": "controller", "doorIds": ["atlantis"]}"#)
            #expect(unknownDoor.status == .badRequest)
            let badRole = try await send(client, .post, "/v1/tokens", token: admin, body: #"{"role": "root"}"#)
            #expect(badRole.status == .badRequest)
        }
    }

    @Test("lockdown closes a zone's doors to non-responders")
    func lockdownDenies() async throws {
        let fixture = try await GateFixture.make()
        let gate = try #require(fixture.tokens["gate"])
        let security = try #require(fixture.tokens["security"])
        try await fixture.test { client in
            let locked = try await send(client, .put, "/v1/lockdown", token: security,
                body: #"{"zoneId": "grounds", "locked": true}"#)
            #expect(locked.status == .ok)
            #expect(json(locked)["lockdownZones"] as? [String] == ["grounds"])
            let tap = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: gate, body: Self.uid)
            #expect(json(tap)["reason"] as? String == "lockdown")
        }
    }

    @Test("the journal of a served session verifies")
    func journalVerifies() async throws {
        let fixture = try await GateFixture.make()
        let gate = try #require(fixture.tokens["gate"])
        let auditor = try #require(fixture.tokens["auditor"])
        try await fixture.test { client in
            for _ in 0..<3 {
                _ = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: gate, body: Self.uid)
            }
            let verify = try await send(client, .get, "/v1/journal/verify", token: auditor)
            #expect(verify.status == .ok)
            #expect(json(verify)["intact"] as? Bool == true)
            #expect(json(verify)["eventsChecked"] as? Int == 3)
        }
    }
}

@Suite("Failure limiter")
struct FailureLimiterTests {
    final class Clock: Sendable {
        let now = Mutex(Date(timeIntervalSince1970: 0))
        func advance(_ seconds: TimeInterval) { now.withLock { $0 += seconds } }
    }

    @Test("failures beyond the allowance are delayed, doubling, and forgotten after the window")
    func delays() {
        let clock = Clock()
        let limiter = FailureLimiter(allowedFailures: 2, window: 60, baseDelay: 0.25, maximumDelay: 1,
            clock: { clock.now.withLock { $0 } })
        #expect(limiter.recordFailure(of: "a") == 0)
        #expect(limiter.recordFailure(of: "a") == 0)
        #expect(limiter.recordFailure(of: "a") == 0.25)
        #expect(limiter.recordFailure(of: "a") == 0.5)
        #expect(limiter.recordFailure(of: "a") == 1)
        #expect(limiter.recordFailure(of: "a") == 1)
        #expect(limiter.delay(for: "a") == 1)
        #expect(limiter.delay(for: "b") == 0)
        clock.advance(61)
        #expect(limiter.delay(for: "a") == 0)
    }

    @Test("the number of tracked addresses is bounded")
    func bounded() {
        let limiter = FailureLimiter(capacity: 8)
        for index in 0..<100 { limiter.recordFailure(of: "10.0.0.\(index)") }
        #expect(limiter.trackedCount == 8)
    }
}
