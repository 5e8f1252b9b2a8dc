import AccessPolicy
import Credentials
import Foundation
import GateServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PIV
import Testing

/// Changes made over the API are in force for the very next tap: the answer goes out only after the store-backed
/// policy was rebuilt.
@Suite("Administration takes effect on the next tap")
struct AdminPolicyTests {
    static let cuong = #"{"credential": {"type": "uid", "uid": "04A2B3C4D5E680"}}"#

    /// The reason of a UID tap of Lê Văn Cường's card at `door`.
    static func tap(_ client: any TestClientProtocol, door: String = "vehicle-gate", token: String) async throws
        -> String?
    {
        let response = try await send(client, .post, "/v1/doors/\(door)/access", token: token, body: cuong)
        #expect(response.status == .ok)
        return json(response)["reason"] as? String
    }

    @Test("suspend, reactivate and revoke a card: the next tap is denied, granted, denied")
    func cardStates() async throws {
        let fixture = try await GateFixture.storeBacked()
        let admin = try #require(fixture.tokens["admin"])
        let gate = try #require(fixture.tokens["gate"])
        try await fixture.test { client in
            #expect(try await Self.tap(client, token: gate) == "granted")
            let suspend = try await send(client, .post, "/v1/cards/card-cuong/suspend", token: admin)
            #expect(suspend.status == .ok)
            #expect(try await Self.tap(client, token: gate) == "credential_suspended")
            _ = try await send(client, .post, "/v1/cards/card-cuong/reactivate", token: admin)
            #expect(try await Self.tap(client, token: gate) == "granted")
            let revoke = try await send(client, .post, "/v1/cards/card-cuong/revoke", token: admin,
                body: #"{"reason": "nghỉ việc"}"#)
            #expect(revoke.status == .ok)
            #expect(try await Self.tap(client, token: gate) == "credential_revoked")
        }
    }

    @Test("a change says whether it is in force: in-force with the store's policy, pending with a site-file policy")
    func policyStateHeader() async throws {
        let body = #"{"id": "archive", "name": "Phòng Lưu trữ"}"#
        let storeBacked = try await GateFixture.storeBacked()
        try await storeBacked.test { client in
            let created = try await send(client, .post, "/v1/departments", token: storeBacked.tokens["admin"],
                body: body)
            #expect(created.status == .created)
            #expect(created.headers[HTTPField.Name("CardGate-Policy-State")!] == "in-force")
            // A PATCH that changes nothing still says whether the store's model is in force.
            let unchanged = try await send(client, .patch, "/v1/departments/archive",
                token: storeBacked.tokens["admin"], body: #"{"name": "Phòng Lưu trữ"}"#)
            #expect(unchanged.status == .ok)
            #expect(unchanged.headers[HTTPField.Name("CardGate-Policy-State")!] == "in-force")
        }
        // The policy of this fixture was compiled from site files: the store changes, the policy in force does not.
        let siteFiles = try await GateFixture.make()
        try await siteFiles.test { client in
            let created = try await send(client, .post, "/v1/departments", token: siteFiles.tokens["admin"],
                body: body)
            #expect(created.status == .created)
            #expect(created.headers[HTTPField.Name("CardGate-Policy-State")!] == "pending")
            let unchanged = try await send(client, .patch, "/v1/departments/archive",
                token: siteFiles.tokens["admin"], body: #"{"name": "Phòng Lưu trữ"}"#)
            #expect(unchanged.headers[HTTPField.Name("CardGate-Policy-State")!] == "pending")
            let deleted = try await send(client, .delete, "/v1/departments/archive", token: siteFiles.tokens["admin"])
            #expect(deleted.status == .noContent)
            #expect(deleted.headers[HTTPField.Name("CardGate-Policy-State")!] == "pending")
            // A site file applied twice changes nothing the second time, and is still not in force.
            let site = try String(
                contentsOf: GateFixture.repositoryRoot.appendingPathComponent("Config/site.example.yaml"), encoding: .utf8)
            // Sent as YAML, as JSON's default, or as plain text, it is read; declared as CSV it is a 415.
            for type in ["application/yaml", "application/json", "text/plain; charset=utf-8"] {
                let applied = try await send(client, .put, "/v1/site", token: siteFiles.tokens["admin"], body: site,
                    headers: [.contentType: type])
                #expect(applied.status == .ok, "\(type): \(String(buffer: applied.body))")
                #expect(applied.headers[HTTPField.Name("CardGate-Policy-State")!] == "pending")
            }
            let csv = try await send(client, .put, "/v1/site", token: siteFiles.tokens["admin"], body: site,
                headers: [.contentType: "text/csv"])
            #expect(csv.status == .unsupportedMediaType)
        }
    }

    @Test("a new door joins a level: the next tap there is granted")
    func doorAddedToLevel() async throws {
        let fixture = try await GateFixture.storeBacked()
        let admin = try #require(fixture.tokens["admin"])
        try await fixture.test { client in
            let controller = try await GateFixture.addBikeShed(client, admin: admin, unlockSeconds: 7).secret
            #expect(try await Self.tap(client, door: "bike-shed", token: controller) == "no_access_level")

            let level = try await send(client, .get, "/v1/access-levels/staff-general", token: admin)
            let doors = try #require(json(level)["doorIds"] as? [String])
            let patch = try await send(client, .patch, "/v1/access-levels/staff-general", token: admin,
                body: #"{"doorIds": \#(AdminEndpointTests.text(doors + ["bike-shed"]))}"#)
            #expect(patch.status == .ok)
            let granted = try await send(client, .post, "/v1/doors/bike-shed/access", token: controller,
                body: Self.cuong)
            #expect(json(granted)["reason"] as? String == "granted")
            #expect(json(granted)["unlockSeconds"] as? Int == 7)

            let locked = try await send(client, .patch, "/v1/doors/bike-shed", token: admin,
                body: #"{"mode": "locked"}"#)
            #expect(locked.status == .ok)
            #expect(try await Self.tap(client, door: "bike-shed", token: controller) == "door_locked")
        }
    }

    @Test("a person made inactive is denied at the next tap")
    func personInactive() async throws {
        let fixture = try await GateFixture.storeBacked()
        let admin = try #require(fixture.tokens["admin"])
        let gate = try #require(fixture.tokens["gate"])
        try await fixture.test { client in
            let response = try await send(client, .patch, "/v1/people/le-van-cuong", token: admin,
                body: #"{"status": "inactive"}"#)
            #expect(response.status == .ok)
            #expect(try await Self.tap(client, token: gate) == "person_inactive")
        }
    }

    @Test("a PIV card enrolled with its certificate is known by the derived fingerprint at the next tap")
    func pivEnrolment() async throws {
        let ca = try OfficeCA.create(now: GateFixture.now - 86_400 * 30)
        let card = try TestCard(ca: ca)
        let fixture = try await GateFixture.storeBacked(trustStore: try TrustStore(authorities: [ca.certificate]))
        let admin = try #require(fixture.tokens["admin"])
        let gate = try #require(fixture.tokens["gate"])
        try await fixture.test { client in
            func tap() async throws -> [String: Any] {
                let issued = try await send(client, .post, "/v1/doors/floor4-door/challenges", token: gate)
                let challenge = try #require(json(issued)["challenge"] as? String)
                let response = try await send(client, .post, "/v1/doors/floor4-door/access", token: gate,
                    body: try card.accessBody(challenge: challenge))
                return json(response)
            }
            #expect(try await tap()["reason"] as? String == "unknown_credential")
            let certificate = Data(card.der).base64EncodedString()
            let enrolled = try await send(client, .post, "/v1/cards", token: admin, body: """
                {"id": "card-binh-2", "personId": "tran-thi-binh", "type": "piv", "certificate": "\(certificate)", \
                "status": "active"}
                """)
            #expect(enrolled.status == .created, "\(String(buffer: enrolled.body))")
            #expect(json(enrolled)["certificate"] as? String == certificate)
            let granted = try await tap()
            #expect(granted["reason"] as? String == "granted")
            #expect((granted["person"] as? [String: Any])?["id"] as? String == "tran-thi-binh")
        }
        let stored = try #require(try await fixture.services.store.siteModel().credentials.first {
            $0.id == "card-binh-2"
        })
        let guid = card.guid.uuidString.replacingOccurrences(of: "-", with: "")
        #expect(stored.identifier == CredentialIdentifier.piv(fingerprintHex: IssuedCard.fingerprint(of: card.der),
            guidHex: guid))
    }

    @Test("a site applied over HTTP is in force at the next tap")
    func siteApplied() async throws {
        let fixture = try await GateFixture.storeBacked()
        let admin = try #require(fixture.tokens["admin"])
        let gate = try #require(fixture.tokens["gate"])
        let site = try String(contentsOf: GateFixture.repositoryRoot.appendingPathComponent("Config/site.example.yaml"),
            encoding: .utf8)
        let locked = site.replacingOccurrences(
            of: "name: Cổng xe, toZoneId: grounds, minAssurance: uid,",
            with: "name: Cổng xe, toZoneId: grounds, mode: locked, minAssurance: uid,")
        #expect(locked != site)
        try await fixture.test { client in
            let response = try await send(client, .put, "/v1/site", token: admin, body: locked)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            #expect(json(response)["changed"] as? [String: Int] == ["doors": 1])
            #expect(json(response)["summary"] as? String == "1 doors changed")
            #expect(try await Self.tap(client, token: gate) == "door_locked")
        }
    }
}
