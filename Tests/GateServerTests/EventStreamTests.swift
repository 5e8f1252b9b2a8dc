import AccessStore
import Foundation
import GateServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /v1/events/stream` on a live server: catching up from `Last-Event-ID`, then following new events.
@Suite("Live event stream")
struct EventStreamTests {
    static let cuong = #"{"credential": {"type": "uid", "uid": "04A2B3C4D5E680"}}"#
    static let unknown = #"{"credential": {"type": "uid", "uid": "DEADBEEF"}}"#

    @Test("a stream resumed from Last-Event-ID sends the missed events in order, then new ones as they happen")
    func resume() async throws {
        let fixture = try await GateFixture.make()
        let gate = try #require(fixture.tokens["gate"])
        let security = try #require(fixture.tokens["security"])
        let app = try await buildApplication(fixture.configuration, services: fixture.services)
        try await app.test(.live) { client in
            var ids: [String] = []
            for body in [Self.cuong, Self.unknown, Self.cuong] {
                let response = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: gate, body: body)
                ids.append(try #require(json(response)["eventId"] as? String))
            }
            let port = try #require(client.port)
            let stream = EventStreamClient()
            defer { stream.close() }
            try stream.connect(port: port, path: "/v1/events/stream",
                headers: ["Authorization": "Bearer \(security)", "Last-Event-ID": ids[0]])
            let missed = try await stream.events(2)
            #expect(missed.map(\.id) == [ids[1], ids[2]])
            #expect(missed.map(\.type) == ["access_decision", "access_decision"])
            #expect(missed[0].data.contains("\"unknown_credential\""))
            #expect(stream.head?.hasPrefix("HTTP/1.1 200") == true)
            #expect(stream.head?.lowercased().contains("content-type: text/event-stream") == true)

            let later = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: gate, body: Self.unknown)
            let laterId = try #require(json(later)["eventId"] as? String)
            let live = try await stream.events(1)
            #expect(live.map(\.id) == [laterId])
        }
    }

    @Test("a stream resumed from before what retention pruned goes on from the oldest event kept")
    func resumeAcrossRetention() async throws {
        let fixture = try await GateFixture.make()
        let security = try #require(fixture.tokens["security"])
        let store = fixture.services.store
        // 2,000 events of long ago, then 3 of now; retention keeps only the last 3 (and one more, the anchor's).
        let key = JournalKey.generate()
        let old = JournalWriter(clock: .fixed(milliseconds: 1_000_000), key: key)
        try await store.writer.write { db in
            _ = try old.append((0..<2000).map { _ in NewJournalEvent(type: .alarm, details: #"{"old":true}"#) }, in: db)
        }
        let recent = try await store.writer.write { db in
            try JournalWriter(key: key).append((0..<3).map { _ in NewJournalEvent(type: .alarm) }, in: db)
        }
        let pruned = try await store.writer.write { db in
            try JournalRetention(key: key).prune(before: 2_000_000, in: db)
        }
        #expect(pruned.deletedEvents >= 1500)
        let app = try await buildApplication(fixture.configuration, services: fixture.services)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let stream = EventStreamClient()
            defer { stream.close() }
            try stream.connect(port: port, path: "/v1/events/stream",
                headers: ["Authorization": "Bearer \(security)", "Last-Event-ID": "5"])
            let kept = try await stream.events(3)
            #expect(kept.map(\.id) == recent.map { String($0.sequence) })
        }
    }

    @Test(
        "a stream without Last-Event-ID, or with one beyond the newest event, starts with the next event",
        arguments: [nil, "1000000", "9223372036854775807"] as [String?])
    func fromNow(lastEventID: String?) async throws {
        let fixture = try await GateFixture.make()
        let gate = try #require(fixture.tokens["gate"])
        let auditor = try #require(fixture.tokens["auditor"])
        let app = try await buildApplication(fixture.configuration, services: fixture.services)
        try await app.test(.live) { client in
            _ = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: gate, body: Self.cuong)
            let stream = EventStreamClient()
            defer { stream.close() }
            var headers = ["Authorization": "Bearer \(auditor)"]
            headers["Last-Event-ID"] = lastEventID
            try stream.connect(port: try #require(client.port), path: "/v1/events/stream", headers: headers)
            // The subscription is made when the request arrives; wait for it before the next tap.
            try await waitForSubscriber(client)
            let next = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: gate, body: Self.unknown)
            let nextId = try #require(json(next)["eventId"] as? String)
            let events = try await stream.events(1)
            #expect(events.map(\.id) == [nextId])
        }
    }

    @Test(
        "Last-Event-ID must be an event id, and the stream needs a reader's token",
        arguments: [
            ("security", ["Last-Event-ID": "abc"], 400),
            ("security", ["Last-Event-ID": "-1"], 400),
            ("gate", [:], 403),
            (nil, [:], 401),
        ] as [(String?, [String: String], Int)])
    func refused(token: String?, headers: [String: String], status: Int) async throws {
        let fixture = try await GateFixture.make()
        var headerFields = HTTPFields()
        for (name, value) in headers { headerFields[HTTPField.Name(name)!] = value }
        let fields = headerFields
        let response = try await fixture.test { client in
            try await send(client, .get, "/v1/events/stream", token: token.flatMap { fixture.tokens[$0] },
                headers: fields)
        }
        #expect(response.status.code == status)
    }

    @Test("graceful shutdown ends an open stream, so the server can stop")
    func endsAtShutdown() async throws {
        let fixture = try await GateFixture.make()
        let auditor = try #require(fixture.tokens["auditor"])
        let app = try await buildApplication(fixture.configuration, services: fixture.services)
        let stream = EventStreamClient()
        defer { stream.close() }
        let (subscribed, subscription) = AsyncStream<Void>.makeStream()
        let rest = try await withThrowingTaskGroup(of: String?.self) { group in
            // The live test framework shuts the server down gracefully once the body returns, and waits for it.
            group.addTask {
                try await app.test(.live) { client in
                    defer { subscription.finish() }
                    try stream.connect(port: try #require(client.port), path: "/v1/events/stream",
                        headers: ["Authorization": "Bearer \(auditor)"])
                    try await waitForSubscriber(client)
                }
                return nil
            }
            for await _ in subscribed {}
            group.addTask { try await stream.untilClosed() }
            var rest: String?
            do {
                while let value = try await group.next() { rest = rest ?? value }
            } catch {
                // The stream did not end: stop the server instead of waiting for it.
                group.cancelAll()
                throw error
            }
            return rest
        }
        // The response ended properly (the last chunk of a chunked body), rather than the connection being cut.
        let text = try #require(rest)
        #expect(text.hasPrefix("HTTP/1.1 200"))
        #expect(text.hasSuffix("0\r\n\r\n"), "\(text)")
    }

    @Test("a stream outlives the idle timeout: only connections that send nothing while nothing is answered close")
    func streamOutlivesIdleTimeout() async throws {
        let fixture = try await GateFixture.make(idleTimeout: 0.5)
        let gate = try #require(fixture.tokens["gate"])
        let auditor = try #require(fixture.tokens["auditor"])
        let app = try await buildApplication(fixture.configuration, services: fixture.services)
        let newest = try await fixture.services.store.writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT max(seq) FROM journal_event") ?? 0
        }
        try await app.test(.live) { client in
            // Raw connections only: the test client's own connection is closed once it has sat idle for 0.5 s.
            let stream = EventStreamClient()
            defer { stream.close() }
            try stream.connect(port: try #require(client.port), path: "/v1/events/stream",
                headers: ["Authorization": "Bearer \(auditor)", "Last-Event-ID": "\(newest)"])
            try await Task.sleep(for: .seconds(2))  // four idle timeouts
            let tap = EventStreamClient()
            defer { tap.close() }
            try tap.connect(port: try #require(client.port), raw: """
                POST /v1/doors/vehicle-gate/access HTTP/1.1\r\nHost: 127.0.0.1\r\n\
                Authorization: Bearer \(gate)\r\nContent-Type: application/json\r\n\
                Content-Length: \(Self.cuong.utf8.count)\r\n\r\n\(Self.cuong)
                """)
            #expect(try await tap.responseHead().hasPrefix("HTTP/1.1 200"))
            let events = try await stream.events(1)
            #expect(events.first?.data.contains("vehicle-gate") == true)
        }
    }

    /// Polls `/metrics` until one live stream is open (a liveness bound of about five seconds).
    func waitForSubscriber(_ client: any TestClientProtocol) async throws {
        for _ in 0..<500 {
            let metrics = try await send(client, .get, "/metrics")
            let text = String(decoding: metrics.body.readableBytesView, as: UTF8.self)
            if text.contains("cardgate_event_streams 1") { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("the stream was never subscribed")
    }
}
