import AccessPolicy
import AccessStore
import Credentials
import Foundation
import GateServer
import Hummingbird
import HummingbirdTesting

extension GateFixture {
    /// A server whose policy is the store's own model (the example site and people applied to it), rebuilt by a
    /// ``PolicySnapshotProvider`` on every change, as `cardgated` runs it; tokens as in ``make(extra:trustStore:policy:maximumBodySize:)``.
    static func storeBacked(trustStore: TrustStore? = nil) async throws -> GateFixture {
        let model = try exampleModel()
        let store = try AccessStore.inMemory()
        _ = try await store.apply(model, scope: .all, actor: "test", journal: JournalWriter(key: nil))
        let provider = try await PolicySnapshotProvider(store: store, pinVerifier: PINHasher())
        let configuration = GateServerConfiguration(host: "127.0.0.1", port: 0, databasePath: ":memory:")
        let services = GateServices(store: store, policies: StorePolicySource(provider: provider),
            trustStore: try trustStore ?? TrustStore(authorities: []), journalKey: nil, configuration: configuration,
            clock: { now })
        var tokens: [String: String] = [:]
        tokens["gate"] = try await services.tokens.create(role: .controller,
            doorIds: ["vehicle-gate", "main-entrance", "floor4-door"], name: "gate").secret
        tokens["other-gate"] = try await services.tokens.create(role: .controller, doorIds: ["canteen-door"],
            name: nil).secret
        for role in [TokenRole.security, .auditor, .admin] {
            tokens[role.rawValue] = try await services.tokens.create(role: role, doorIds: [], name: nil).secret
        }
        return GateFixture(services: services, configuration: configuration, tokens: tokens)
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
