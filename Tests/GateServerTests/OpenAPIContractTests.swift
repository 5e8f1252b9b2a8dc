import Foundation
import GateServer
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("openapi.yaml")
struct OpenAPIContractTests {
    static let implemented = [
        "/v1/doors/{doorId}/challenges", "/v1/doors/{doorId}/access", "/v1/doors/{doorId}/status", "/v1/events",
        "/v1/events/stream", "/v1/journal/verify", "/v1/occupancy", "/v1/zones/{zoneId}/occupants", "/v1/lockdown",
        "/v1/tokens", "/v1/tokens/{tokenId}", "/healthz", "/metrics", "/openapi.yaml",
    ] + AdminContractTests.implemented

    @Test("the served document is the repository's openapi.yaml and lists every implemented path")
    func servedDocument() async throws {
        let root = try String(contentsOf: GateFixture.repositoryRoot.appendingPathComponent("openapi.yaml"),
            encoding: .utf8)
        let fixture = try await GateFixture.make()
        try await fixture.test { client in
            let response = try await send(client, .get, "/openapi.yaml")
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == root)
        }
        let documented = Set(root.split(separator: "\n").filter { $0.hasPrefix("  /") && $0.hasSuffix(":") }
            .map { String($0.dropFirst(2).dropLast()) })
        #expect(documented == Set(Self.implemented))
    }

    @Test("access answers carry only documented fields")
    func accessAnswerFields() async throws {
        let fixture = try await GateFixture.make()
        let gate = try #require(fixture.tokens["gate"])
        try await fixture.test { client in
            let response = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: gate,
                body: #"{"credential": {"type": "uid", "uid": "04A2B3C4D5E680"}}"#)
            let keys = Set(json(response).keys)
            #expect(keys.isSubset(of: ["decision", "reason", "eventId", "unlockSeconds", "person"]))
            #expect(keys.isSuperset(of: ["decision", "reason", "eventId"]))
        }
    }
}
