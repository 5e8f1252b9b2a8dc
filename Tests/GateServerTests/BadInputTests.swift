import AccessStore
import Foundation
import GateServer
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Bad input")
struct BadInputTests {
    static let cases: [(name: String, body: String, status: Int, detail: String)] = [
        ("malformed JSON", #"{"credential": "#, 400, "not valid JSON"),
        ("empty body", "", 400, "empty"),
        ("wrong type", #"{"credential": {"type": "uid", "uid": 1234}}"#, 400, "credential.uid must be a string"),
        ("missing credential", #"{"pin": "1234"}"#, 400, "credential is required"),
        ("unknown field", #"{"credential": {"type": "uid", "uid": "04AB"}, "admin": true}"#, 400,
            "unknown field: admin"),
        ("unknown credential type", #"{"credential": {"type": "nfc", "uid": "04AB"}}"#, 400, "credential.type"),
        ("uid not hex", #"{"credential": {"type": "uid", "uid": "zz-not-hex"}}"#, 400, "uid"),
        ("bad direction", #"{"credential": {"type": "uid", "uid": "04AB"}, "direction": "up"}"#, 400, "direction"),
        ("repeated key", #"{"credential": {"type": "uid", "uid": "0499AABB", "uid": "DEADBEEF"}}"#, 400,
            #""uid" appears twice"#),
        ("repeated escaped key",
            #"{"credential": {"type": "uid", "uid": "04AB"}, "\u0063redential": {"type": "uid", "uid": "04CD"}}"#,
            400, #""credential" appears twice"#),
        ("certificate not base64",
            #"{"credential": {"type": "piv", "certificate": "%%%", "challenge": "x", "signature": "AAAA"}}"#,
            400, "challenge"),
        ("thousands of unknown fields",
            #"{"credential": {"type": "uid", "uid": "04AB"}, "# + (0..<3000).map { #""f\#($0 + 10000)": 1"# }
                .joined(separator: ", ") + "}", 400, "unknown field: f10000, f10001"),
        ("a very long repeated key",
            #"{"credential": {"type": "uid", "uid": "04AB"}, ""# + String(repeating: "k", count: 20000)
                + #"": 1, ""# + String(repeating: "k", count: 20000) + #"": 2}"#, 400, "kkkk"),
    ]

    @Test("malformed access requests are 4xx problems and journaled as denies", arguments: cases.indices)
    func malformedAccess(index: Int) async throws {
        let testCase = Self.cases[index]
        let fixture = try await GateFixture.make()
        let gate = try #require(fixture.tokens["gate"])
        try await fixture.test { client in
            let response = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: gate,
                body: testCase.body)
            #expect(Int(response.status.code) == testCase.status, "\(testCase.name)")
            #expect(response.headers[.contentType] == "application/problem+json")
            let problem = json(response)
            let detail = problem["detail"] as? String ?? ""
            #expect(detail.contains(testCase.detail), "\(testCase.name): \(detail)")
            #expect(problem["decision"] as? String == "deny")
            #expect(problem["eventId"] is String)
            #expect((problem["type"] as? String)?.hasPrefix("/problems/") == true)
            // The request's text is quoted, but never at length: not in the answer, not in the journal.
            #expect(detail.count <= APIProblem.maximumDetailLength, "\(testCase.name)")
        }
        #expect(try await fixture.eventCount() == 1)
        let event = try #require(try await fixture.services.recorder.journal.events(JournalQuery(limit: 1)).events.first)
        #expect(event.details.utf8.count < 2 * APIProblem.maximumDetailLength * 4, "\(testCase.name)")
    }

    @Test("a body over the limit while no policy is loaded is the same 503 deny as any tap then, and is counted")
    func oversizedBodyWithoutPolicy() async throws {
        let fixture = try await GateFixture.make(policy: false, maximumBodySize: 256)
        let gate = try #require(fixture.tokens["gate"])
        try await fixture.test { client in
            let body = #"{"credential": {"type": "uid", "uid": "04AB"}, "pad": ""# + String(repeating: "x", count: 1000)
                + #""}"#
            let response = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: gate, body: body)
            #expect(response.status == .serviceUnavailable)
            #expect(json(response)["type"] as? String == "/problems/policy-unavailable")
            #expect(json(response)["decision"] as? String == "deny")
            let metrics = try await send(client, .get, "/metrics", token: nil)
            #expect(String(buffer: metrics.body).contains(#"cardgate_decisions_total{decision="deny""#))
        }
    }

    @Test(
        "a body that breaks off (a bad chunk, less than its Content-Length) is a 400 journaled as a deny",
        arguments: [
            "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"cre\r\nZZZ\r\n",
            "Content-Length: 100\r\n\r\n{\"credential\"",
        ])
    func brokenBody(framing: String) async throws {
        let fixture = try await GateFixture.make()
        let gate = try #require(fixture.tokens["gate"])
        let app = try await buildApplication(fixture.configuration, services: fixture.services)
        try await app.test(.live) { client in
            let connection = try Self.rawAccess(port: try #require(client.port), token: gate, framing: framing)
            defer { connection.close() }
            // A body shorter than its length ends when the client stops sending.
            if framing.hasPrefix("Content-Length") { connection.finishSending() }
            let head = try await connection.responseHead()
            #expect(head.hasPrefix("HTTP/1.1 400"), "\(head)")
        }
        #expect(try await fixture.eventCount() == 1)
    }

    /// An access request at vehicle-gate on a raw connection: the head, then `framing` (the body's framing field,
    /// the blank line and the start of the body); the rest is up to the test.
    static func rawAccess(port: Int, token: String, framing: String, limit: TimeInterval = 10) throws
        -> EventStreamClient
    {
        let connection = EventStreamClient()
        try connection.connect(port: port, raw: """
            POST /v1/doors/vehicle-gate/access HTTP/1.1\r\nHost: 127.0.0.1\r\n\
            Authorization: Bearer \(token)\r\nContent-Type: application/json\r\n\(framing)
            """, limit: limit)
        return connection
    }

    @Test("a connection that stops sending, in the middle of a body or before a request, is closed")
    func stalledConnectionsAreClosed() async throws {
        let fixture = try await GateFixture.make(idleTimeout: 0.5)
        let gate = try #require(fixture.tokens["gate"])
        let app = try await buildApplication(fixture.configuration, services: fixture.services)
        try await app.test(.live) { client in
            // Without the idle timeout these connections stay open until the 30 s read limit: untilClosed throws.
            let stalled = try Self.rawAccess(port: try #require(client.port), token: gate,
                framing: "Content-Length: 100\r\n\r\n{\"credential\"", limit: 30)
            defer { stalled.close() }
            _ = try await stalled.untilClosed()
            let silent = EventStreamClient()
            defer { silent.close() }
            try silent.connect(port: try #require(client.port), raw: "", limit: 30)
            #expect(try await silent.untilClosed() == "")
        }
        // The request cut off is a deny in the journal, like any body that breaks off.
        var events = 0
        for _ in 0..<300 where events == 0 {
            events = try await fixture.eventCount()
            if events == 0 { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(events == 1)
    }

    @Test("a body that arrives a byte at a time is cut off with a 408 and journaled as a deny")
    func tricklingBody() async throws {
        // The idle timeout far off, so that only the body timeout can end the request.
        let fixture = try await GateFixture.make(idleTimeout: 600, requestBodyTimeout: 1)
        let gate = try #require(fixture.tokens["gate"])
        let app = try await buildApplication(fixture.configuration, services: fixture.services)
        try await app.test(.live) { client in
            let connection = try Self.rawAccess(port: try #require(client.port), token: gate,
                framing: "Content-Length: 1000\r\n\r\n{", limit: 30)
            defer { connection.close() }
            // A byte now and then; the whole body never within the body timeout.
            let trickle = Task.detached {
                for _ in 0..<100 {
                    try await Task.sleep(for: .milliseconds(200))
                    try connection.send(" ")
                }
            }
            defer { trickle.cancel() }
            let head = try await connection.responseHead()
            #expect(head.hasPrefix("HTTP/1.1 408"), "\(head)")
            // The rest of the body may still come, so the connection carries no further request.
            #expect(head.lowercased().contains("connection: close"), "\(head)")
        }
        #expect(try await fixture.eventCount() == 1)
    }

    @Test("invalid base64 in a PIV credential is a 400 naming the field")
    func invalidBase64() async throws {
        let fixture = try await GateFixture.make()
        let gate = try #require(fixture.tokens["gate"])
        try await fixture.test { client in
            let issued = try await send(client, .post, "/v1/doors/floor4-door/challenges", token: gate)
            let challenge = try #require(json(issued)["challenge"] as? String)
            let response = try await send(client, .post, "/v1/doors/floor4-door/access", token: gate,
                body: #"{"credential": {"type": "piv", "certificate": "not*base64", "#
                    + #""challenge": "\#(challenge)", "signature": "AAAA"}}"#)
            #expect(response.status == .badRequest)
            #expect((json(response)["detail"] as? String)?.contains("certificate") == true)
            #expect(json(response)["reason"] as? String == "certificate_invalid")
        }
    }

    @Test("a body over the limit is 413 and journaled as a deny")
    func hugeBody() async throws {
        let fixture = try await GateFixture.make(maximumBodySize: 1024)
        let gate = try #require(fixture.tokens["gate"])
        try await fixture.test { client in
            let padding = String(repeating: "A", count: 4096)
            let response = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: gate,
                body: #"{"credential": {"type": "uid", "uid": "\#(padding)"}}"#)
            #expect(response.status == .contentTooLarge)
            #expect(response.headers[.contentType] == "application/problem+json")
        }
        #expect(try await fixture.eventCount() == 1)
    }

    @Test("a body declared as anything but JSON is 415, and at the access route journaled as a deny")
    func notJSON() async throws {
        let fixture = try await GateFixture.make()
        let gate = try #require(fixture.tokens["gate"])
        let admin = try #require(fixture.tokens["admin"])
        let uid = #"{"credential": {"type": "uid", "uid": "04A1B2C3D4E5F6"}}"#
        try await fixture.test { client in
            for type in ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", "multipart/form-data"] {
                let response = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: gate, body: uid,
                    headers: [.contentType: type])
                #expect(response.status == .unsupportedMediaType, "\(type)")
                #expect(json(response)["type"] as? String == "/problems/unsupported-media-type")
                #expect(json(response)["decision"] as? String == "deny", "\(json(response))")
            }
            let admin = try await send(client, .post, "/v1/holidays", token: admin, body: "{}",
                headers: [.contentType: "text/csv"])
            #expect(admin.status == .unsupportedMediaType)
            // JSON with parameters, a +json type, and no Content-Type at all are read as JSON.
            for type in ["application/json; charset=utf-8", "Application/JSON", "application/vnd.cardgate+json", nil] {
                var headers: HTTPFields = [.authorization: "Bearer " + gate]
                if let type { headers[.contentType] = type }
                let response = try await client.execute(uri: "/v1/doors/vehicle-gate/access", method: .post,
                    headers: headers, body: ByteBuffer(string: uid))
                #expect(response.status == .ok, "\(String(describing: type)): \(String(buffer: response.body))")
            }
        }
        #expect(try await fixture.eventCount() == 4 + 4)
    }

    @Test("unknown doors, unknown routes and path tricks are 4xx problems")
    func unknownThings() async throws {
        let fixture = try await GateFixture.make()
        let gate = try #require(fixture.tokens["gate"])
        let security = try #require(fixture.tokens["security"])
        try await fixture.test { client in
            let unknownDoor = try await send(client, .post, "/v1/doors/no-such-door/access", token: gate,
                body: #"{"credential": {"type": "uid", "uid": "04AB"}}"#)
            #expect(unknownDoor.status == .forbidden)
            let unknownRoute = try await send(client, .get, "/v1/nothing-here", token: security)
            #expect(unknownRoute.status == .notFound)
            #expect(unknownRoute.headers[.contentType] == "application/problem+json")
            let trick = try await send(client, .get, "/v1/zones/..%2F..%2Fetc/occupants", token: security)
            #expect((400..<500).contains(Int(trick.status.code)))
            let badLimit = try await send(client, .get, "/v1/events?limit=0", token: security)
            #expect(badLimit.status == .badRequest)
            let badFilter = try await send(client, .get, "/v1/events?secret=1", token: security)
            #expect(badFilter.status == .badRequest)
            let badTime = try await send(client, .get, "/v1/events?from=yesterday", token: security)
            #expect(badTime.status == .badRequest)
            let longId = String(repeating: "p", count: 300)
            for query in ["type=Access%20Decision", "reason=%3Cscript%3E", "personId=\(longId)",
                "doorId=a%00b", "from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z"]
            {
                let refused = try await send(client, .get, "/v1/events?" + query, token: security)
                #expect(refused.status == .badRequest, "\(query)")
                #expect(json(refused)["type"] as? String == "/problems/invalid-query", "\(query)")
            }
            let futureCode = try await send(client, .get, "/v1/events?type=not_yet_known", token: security)
            #expect(futureCode.status == .ok)
            let unknownZone = try await send(client, .get, "/v1/zones/atlantis/occupants", token: security)
            #expect(unknownZone.status == .notFound)
        }
    }
}
