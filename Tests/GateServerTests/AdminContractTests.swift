import Foundation
import GateServer
import Hummingbird
import HummingbirdTesting
import Testing
import Yams

/// The administration answers against the schemas of `openapi.yaml`: every field documented, every required one
/// present.
@Suite("openapi.yaml: administration")
struct AdminContractTests {
    /// The administration paths the server implements.
    static let implemented = [
        "/v1/departments", "/v1/departments/{departmentId}", "/v1/people", "/v1/people/{personId}", "/v1/cards",
        "/v1/cards/{cardId}", "/v1/cards/{cardId}/suspend", "/v1/cards/{cardId}/reactivate",
        "/v1/cards/{cardId}/revoke", "/v1/cards/{cardId}/report-lost", "/v1/zones", "/v1/zones/{zoneId}", "/v1/doors",
        "/v1/doors/{doorId}", "/v1/schedules", "/v1/schedules/{scheduleId}", "/v1/holidays", "/v1/holidays/{holidayId}",
        "/v1/access-levels", "/v1/access-levels/{accessLevelId}", "/v1/site",
    ]

    /// A stored resource of each kind and its schema.
    static let resources: [(path: String, schema: String)] = [
        ("/v1/departments/it-ops", "Department"), ("/v1/people/hoang-van-em", "Person"),
        ("/v1/cards/card-an", "Card"), ("/v1/cards/card-dung", "Card"), ("/v1/zones/server-room", "Zone"),
        ("/v1/doors/server-room-door", "Door"), ("/v1/doors/vehicle-gate", "Door"),
        ("/v1/schedules/night-operations", "Schedule"), ("/v1/holidays/tet", "Holiday"),
        ("/v1/holidays/tet-eve-2026", "Holiday"), ("/v1/access-levels/visitors", "AccessLevel"),
    ]

    /// `components.schemas.<name>`: its properties and required fields.
    static func schema(_ name: String) throws -> (properties: Set<String>, required: Set<String>) {
        let text = try String(contentsOf: GateFixture.repositoryRoot.appendingPathComponent("openapi.yaml"),
            encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let components = try #require(document["components"] as? [String: Any])
        let schemas = try #require(components["schemas"] as? [String: Any])
        let schema = try #require(schemas[name] as? [String: Any], "no schema \(name)")
        let properties = try #require(schema["properties"] as? [String: Any])
        return (Set(properties.keys), Set(schema["required"] as? [String] ?? []))
    }

    @Test("resources carry only documented fields and every required one", arguments: resources)
    func resourceShapes(path: String, schema name: String) async throws {
        let schema = try Self.schema(name)
        let fixture = try await GateFixture.storeBacked()
        let auditor = try #require(fixture.tokens["auditor"])
        try await fixture.test { client in
            let response = try await send(client, .get, path, token: auditor)
            #expect(response.status == .ok)
            let keys = Set(json(response).keys)
            #expect(keys.isSubset(of: schema.properties), "\(path): \(keys.subtracting(schema.properties))")
            #expect(keys.isSuperset(of: schema.required), "\(path): \(schema.required.subtracting(keys))")

            let listPath = "/" + path.split(separator: "/").dropLast().joined(separator: "/")
            let list = try await send(client, .get, listPath, token: auditor)
            #expect(Set(json(list).keys) == ["items", "nextCursor"])
            for item in json(list)["items"] as? [[String: Any]] ?? [] {
                #expect(Set(item.keys).isSubset(of: schema.properties))
                #expect(Set(item.keys).isSuperset(of: schema.required))
            }
        }
    }

    @Test("problems of the administration endpoints carry only documented fields")
    func problemShape() async throws {
        let schema = try Self.schema("Problem")
        let fixture = try await GateFixture.storeBacked()
        let admin = try #require(fixture.tokens["admin"])
        try await fixture.test { client in
            let answers = [
                try await send(client, .delete, "/v1/zones/lobby", token: admin),
                try await send(client, .post, "/v1/doors", token: admin, body: #"{"name": "x"}"#),
                try await send(client, .post, "/v1/doors", token: admin, body: """
                    {"name": "Cửa kho", "toZoneId": "atlantis", "mode": "normal", "minAssurance": "uid", \
                    "unlockSeconds": 5}
                    """),
            ]
            for answer in answers {
                #expect(answer.status.code >= 400 && answer.status.code < 500)
                #expect(Set(json(answer).keys).isSubset(of: schema.properties), "\(json(answer).keys)")
            }
        }
    }
}
