import AccessPolicy
import AccessStore
import Credentials
import Foundation
import GateServer
import Hummingbird
import HummingbirdTesting
import Testing

extension GateFixture {
    /// A server whose policy is the store's own model (the example site and people applied to it), rebuilt by a
    /// ``PolicySnapshotProvider`` on every change, as `cardgated` runs it; the same tokens as ``make``.
    /// With `databasePath`, the store is that file (so that a second connection can change it, as another process
    /// would); otherwise it lives in memory.
    static func storeBacked(trustStore: TrustStore? = nil, databasePath: String? = nil) async throws -> GateFixture {
        let model = try exampleModel()
        let store = try databasePath.map { try AccessStore.open(at: $0) } ?? AccessStore.inMemory()
        _ = try await store.apply(model, scope: .all, actor: "test", journal: JournalWriter(key: nil))
        let provider = try await PolicySnapshotProvider(store: store, pinVerifier: PINHasher())
        let configuration = GateServerConfiguration(host: "127.0.0.1", port: 0, databasePath: ":memory:")
        let services = try GateServices(store: store, policies: StorePolicySource(provider: provider),
            trustStore: try trustStore ?? TrustStore(authorities: []), journalKey: nil, configuration: configuration,
            clock: { now })
        return GateFixture(services: services, configuration: configuration, tokens: try await makeTokens(services))
    }

    /// One token per name: `gate` (controller of vehicle-gate, main-entrance, floor4-door), `other-gate`
    /// (controller of canteen-door), `security`, `auditor`, `admin`.
    static func makeTokens(_ services: GateServices) async throws -> [String: String] {
        var tokens: [String: String] = [:]
        tokens["gate"] = try await services.tokens.create(role: .controller,
            doorIds: ["vehicle-gate", "main-entrance", "floor4-door"], name: "gate").secret
        tokens["other-gate"] = try await services.tokens.create(role: .controller, doorIds: ["canteen-door"],
            name: nil).secret
        for role in [TokenRole.security, .auditor, .admin] {
            tokens[role.rawValue] = try await services.tokens.create(role: role, doorIds: [], name: nil).secret
        }
        return tokens
    }

    /// Creates the door `bike-shed` (grounds to parking, UID cards, `unlockSeconds`) over HTTP and a controller
    /// token for it; returns the token's id and secret.
    static func addBikeShed(_ client: any TestClientProtocol, admin: String, unlockSeconds: Int = 5) async throws
        -> (id: String, secret: String)
    {
        let door = try await send(client, .post, "/v1/doors", token: admin, body: """
            {"id": "bike-shed", "name": "Nhà xe đạp", "fromZoneId": "grounds", "toZoneId": "parking", \
            "mode": "normal", "minAssurance": "uid", "unlockSeconds": \(unlockSeconds)}
            """)
        #expect(door.status == .created)
        let token = try await send(client, .post, "/v1/tokens", token: admin,
            body: #"{"role": "controller", "doorIds": ["bike-shed"]}"#)
        return (try #require(json(token)["id"] as? String), try #require(json(token)["token"] as? String))
    }

    /// The id of the token whose secret is `tokens[name]`.
    func tokenId(_ name: String) async throws -> String? {
        guard let secret = tokens[name] else { return nil }
        return try await services.tokens.authenticate(secret)?.tokenId
    }

    /// The journal's `admin_change` events, oldest first.
    func adminEvents() async throws -> [JournalEvent] {
        try await services.recorder.journal.events(JournalQuery(type: .adminChange, limit: 1000)).events.reversed()
    }
}
