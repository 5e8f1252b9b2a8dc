import AccessPolicy
import AccessStore
import Credentials
import Foundation
import GateServer
import Hummingbird
import HummingbirdTesting
import PIV
import Testing

@Suite("Access over HTTP")
struct AccessEndpointTests {
    @Test("a UID card with an access level is granted and the grant is journaled first")
    func uidGrant() async throws {
        let fixture = try await GateFixture.make()
        let gate = try #require(fixture.tokens["gate"])
        let security = try #require(fixture.tokens["security"])
        try await fixture.test { client in
            let response = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: gate,
                body: #"{"credential": {"type": "uid", "uid": "04a2b3c4d5e680"}}"#)
            #expect(response.status == .ok)
            let body = json(response)
            #expect(body["decision"] as? String == "grant")
            #expect(body["reason"] as? String == "granted")
            #expect(body["unlockSeconds"] as? Int == 10)
            #expect((body["person"] as? [String: Any])?["id"] as? String == "le-van-cuong")
            let eventId = try #require(body["eventId"] as? String)

            let events = try await send(client, .get, "/v1/events?decision=grant&limit=5", token: security)
            #expect(events.status == .ok)
            let items = try #require(json(events)["items"] as? [[String: Any]])
            #expect(items.first?["id"] as? String == eventId)
            #expect(items.first?["personId"] as? String == "le-van-cuong")
            #expect(items.first?["zoneId"] as? String == "grounds")

            // The grant's commit shows in the journal's metrics: commits counted and their time summed.
            let metrics = String(decoding: try await send(client, .get, "/metrics").body.readableBytesView,
                as: UTF8.self)
            func value(_ name: String) -> Double? {
                metrics.split(separator: "\n").first { $0.hasPrefix(name + " ") }
                    .flatMap { Double($0.dropFirst(name.count + 1)) }
            }
            #expect((value("cardgate_journal_group_commits_total") ?? 0) >= 1)
            #expect((value("cardgate_journal_commit_seconds_total") ?? 0) > 0)
            // And in the commit histogram: every commit in the +Inf bucket, the buckets cumulative.
            let commits = value("cardgate_journal_commit_duration_seconds_count") ?? 0
            #expect(commits >= 1 && commits == value("cardgate_journal_group_commits_total"))
            #expect(value(#"cardgate_journal_commit_duration_seconds_bucket{le="+Inf"}"#) == commits)
            let buckets = metrics.split(separator: "\n").filter {
                $0.hasPrefix("cardgate_journal_commit_duration_seconds_bucket")
            }.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            #expect(buckets.count == EventJournal.commitDurationBounds.count + 1)
            #expect(buckets == buckets.sorted())
            #expect((value("cardgate_journal_commit_duration_seconds_sum") ?? 0)
                == value("cardgate_journal_commit_seconds_total"))
            // The grant is in the journal; the query lookup copies it with the next 1024 (or the maintenance).
            let notInLookup = try await fixture.services.store.writer.read { db in try JournalLookup.pending(in: db) }
            #expect(notInLookup >= 1)
            #expect(value("cardgate_journal_lookup_pending_events") == Double(notInLookup))
        }
    }

    @Test("a card revoked by another process (cardgate site apply beside the daemon) is denied within seconds")
    func revocationByAnotherProcess() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cardgate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("cardgate.sqlite").path
        let fixture = try await GateFixture.storeBacked(databasePath: path)
        let gate = try #require(fixture.tokens["gate"])
        try await fixture.test { client in
            func tap() async throws -> String? {
                let response = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: gate,
                    body: #"{"credential": {"type": "uid", "uid": "04a2b3c4d5e680"}}"#)
                return json(response)["reason"] as? String
            }
            #expect(try await tap() == "granted")
            // Another connection to the file: the daemon's in-process change observation cannot see it.
            let other = try AccessStore.open(at: path)
            try await other.writer.write { db in
                try db.execute(sql: "UPDATE card SET status = 'revoked' WHERE id = 'card-cuong'")
            }
            var reason = try await tap()
            for _ in 0..<100 where reason == "granted" {
                try await Task.sleep(for: .milliseconds(100))
                reason = try await tap()
            }
            #expect(reason == "credential_revoked")
            let metrics = String(decoding: try await send(client, .get, "/metrics").body.readableBytesView,
                as: UTF8.self)
            #expect(metrics.contains("\ncardgate_policy_version 2"))
        }
    }

    @Test(
        "UID taps are denied with the policy's reason",
        arguments: [
            ("vehicle-gate", "04112233445566", "credential_lost"),
            ("floor4-door", "04A2B3C4D5E680", "assurance_too_low"),
            ("vehicle-gate", "DEADBEEF", "unknown_credential"),
        ])
    func uidDenies(door: String, uid: String, reason: String) async throws {
        let fixture = try await GateFixture.make()
        let gate = try #require(fixture.tokens["gate"])
        try await fixture.test { client in
            let response = try await send(client, .post, "/v1/doors/\(door)/access", token: gate,
                body: #"{"credential": {"type": "uid", "uid": "\#(uid)"}}"#)
            #expect(response.status == .ok)
            let body = json(response)
            #expect(body["decision"] as? String == "deny")
            #expect(body["reason"] as? String == reason)
            #expect(body["unlockSeconds"] == nil)
            #expect(body["eventId"] is String)
        }
        #expect(try await fixture.eventCount() == 1)
    }

    @Test("a PIV card signing a fresh challenge is granted; replays, bad signatures and foreign CAs are denied")
    func pivTaps() async throws {
        let ca = try OfficeCA.create(now: GateFixture.now - 86_400 * 30)
        let card = try TestCard(ca: ca)
        let foreign = try TestCard(ca: try OfficeCA.create(name: "Other CA", now: GateFixture.now - 86_400 * 30))
        let enrolled = try #require(card.credential(id: "card-binh-piv", personId: "tran-thi-binh"))
        let foreignEnrolled = try #require(foreign.credential(id: "card-foreign", personId: "tran-thi-binh"))
        let fixture = try await GateFixture.make(extra: [enrolled, foreignEnrolled],
            trustStore: try TrustStore(authorities: [ca.certificate]))
        let gate = try #require(fixture.tokens["gate"])
        try await fixture.test { client in
            func challenge() async throws -> String {
                let response = try await send(client, .post, "/v1/doors/floor4-door/challenges", token: gate)
                #expect(response.status == .created)
                #expect(json(response)["expiresAt"] is String)
                return try #require(json(response)["challenge"] as? String)
            }
            func tap(_ body: String) async throws -> [String: Any] {
                let response = try await send(client, .post, "/v1/doors/floor4-door/access", token: gate, body: body)
                #expect(response.status == .ok)
                return json(response)
            }
            let first = try await challenge()
            let granted = try await tap(try card.accessBody(challenge: first))
            #expect(granted["decision"] as? String == "grant")
            #expect(granted["reason"] as? String == "granted")
            #expect((granted["person"] as? [String: Any])?["displayName"] as? String == "Trần Thị Bình")

            let replay = try await tap(try card.accessBody(challenge: first))
            #expect(replay["reason"] as? String == "challenge_invalid")

            let fresh = try await challenge()
            let badSignature = try await tap(try card.accessBody(challenge: fresh, corruptSignature: true))
            #expect(badSignature["reason"] as? String == "signature_invalid")

            let otherCA = try await tap(try foreign.accessBody(challenge: try await challenge()))
            #expect(otherCA["reason"] as? String == "certificate_invalid")
        }
    }

    @Test("a challenge for a door the controller does not hold is refused")
    func challengeForOtherDoor() async throws {
        let fixture = try await GateFixture.make()
        let other = try #require(fixture.tokens["other-gate"])
        try await fixture.test { client in
            let response = try await send(client, .post, "/v1/doors/floor4-door/challenges", token: other)
            #expect(response.status == .forbidden)
            #expect(response.headers[.contentType] == "application/problem+json")
        }
    }

    @Test("without a policy a tap is denied with an event, never granted")
    func noPolicy() async throws {
        let fixture = try await GateFixture.make(policy: false)
        let gate = try #require(fixture.tokens["gate"])
        try await fixture.test { client in
            let response = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: gate,
                body: #"{"credential": {"type": "uid", "uid": "04a2b3c4d5e680"}}"#)
            #expect(response.status == .serviceUnavailable)
            let body = json(response)
            #expect(body["decision"] as? String == "deny")
            #expect(body["eventId"] is String)
            let health = try await send(client, .get, "/healthz")
            #expect(json(health)["status"] as? String == "degraded")
            // The zone routes say the same: no policy, not "no such zone".
            let security = try #require(fixture.tokens["security"])
            let occupants = try await send(client, .get, "/v1/zones/floor4/occupants", token: security)
            #expect(occupants.status == .serviceUnavailable)
            let lockdown = try await send(client, .put, "/v1/lockdown", token: security,
                body: #"{"zoneId": "floor4", "locked": true}"#)
            #expect(lockdown.status == .serviceUnavailable)
            #expect(json(lockdown)["type"] as? String == "/problems/policy-unavailable")
        }
        #expect(try await fixture.eventCount() == 1)
    }

    @Test("door status reports are journaled, alarms as alarms")
    func doorStatus() async throws {
        let fixture = try await GateFixture.make()
        let gate = try #require(fixture.tokens["gate"])
        let security = try #require(fixture.tokens["security"])
        try await fixture.test { client in
            let response = try await send(client, .post, "/v1/doors/main-entrance/status", token: gate,
                body: #"{"state": "forced_open"}"#)
            #expect(response.status == .created)
            let events = try await send(client, .get, "/v1/events?type=alarm", token: security)
            let items = try #require(json(events)["items"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["reason"] as? String == "forced_open")
            let bad = try await send(client, .post, "/v1/doors/main-entrance/status", token: gate,
                body: #"{"state": "ajar"}"#)
            #expect(bad.status == .badRequest)
        }
    }
}
