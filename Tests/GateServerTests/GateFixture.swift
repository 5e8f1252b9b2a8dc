import AccessPolicy
import AccessStore
import Credentials
import Crypto
import DoorAgent
import Foundation
import GRDB
import GateServer
import Hummingbird
import HummingbirdTesting
import PIV
import SiteFile
import SmartCard
import SwiftASN1
import X509

/// A server over an in-memory store with the example site, a fixed clock and one token per role.
struct GateFixture {
    /// Tuesday 4 March 2025, 09:00 in Asia/Ho_Chi_Minh: office hours.
    static let now = Date(timeIntervalSince1970: 1_741_053_600)
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    let services: GateServices
    let configuration: GateServerConfiguration
    /// Secrets by name: `gate` (controller of vehicle-gate, main-entrance, floor4-door), `other-gate` (controller of
    /// canteen-door), `security`, `auditor`, `admin`.
    let tokens: [String: String]

    /// The example site and people, plus `extra` credentials.
    static func exampleModel(extra: [AccessPolicy.Credential] = []) throws -> SiteModel {
        let sources = try ["Config/site.example.yaml", "Config/people.example.yaml"].map { path in
            SiteFile.Source(name: path,
                text: try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8))
        }
        var model = try SiteFile.load(sources)
        model.credentials += extra
        return model
    }

    static func make(
        extra: [AccessPolicy.Credential] = [], trustStore: TrustStore? = nil, policy: Bool = true,
        maximumBodySize: Int = 64 * 1024, localDoors: [LocalDoorConfiguration] = [],
        cardReader: (any CardReader)? = nil, makeLock: (@Sendable (LocalDoorConfiguration) -> any DoorLock)? = nil,
        store: AccessStore? = nil, idleTimeout: TimeInterval = 60, requestBodyTimeout: TimeInterval = 30,
        journalKey: JournalKey? = nil, journalWitnessPath: String? = nil
    ) async throws -> GateFixture {
        let model = try exampleModel(extra: extra)
        let store = try store ?? AccessStore.inMemory()
        try await store.writer.write { db in
            // A store given again (a restart) has its zones and doors already.
            guard try ZoneRecord.fetchCount(db) == 0 else { return }
            for zone in model.zones { try ZoneRecord(id: zone.id, name: zone.name).insert(db) }
            for door in model.doors {
                try DoorRecord(id: door.id, name: door.name, fromZoneId: door.fromZoneId, toZoneId: door.toZoneId)
                    .insert(db)
            }
        }
        let source = StaticPolicySource(policy ? CompiledPolicy(snapshot: try PolicySnapshot(model: model)) : nil)
        let configuration = GateServerConfiguration(host: "127.0.0.1", port: 0, databasePath: ":memory:",
            journalWitnessPath: journalWitnessPath, maximumBodySize: maximumBodySize, idleTimeout: idleTimeout, requestBodyTimeout: requestBodyTimeout,
            localDoors: localDoors)
        let services = try GateServices(store: store, policies: source,
            trustStore: try trustStore ?? TrustStore(authorities: []), journalKey: journalKey,
            configuration: configuration, clock: { now }, cardReader: cardReader, makeLock: makeLock)
        return GateFixture(services: services, configuration: configuration, tokens: try await makeTokens(services))
    }

    func test<Value>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        let app = try await buildApplication(configuration, services: services)
        return try await app.test(.router, body)
    }

    /// The number of events in the journal.
    func eventCount() async throws -> Int {
        try await services.store.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM journal_event") ?? 0
        }
    }
}

/// A PIV card made in-process: an office CA, a P-256 Card Authentication key and its certificate.
struct TestCard: Sendable {
    let ca: OfficeCA
    /// The card key's raw representation (the key type itself is not `Sendable`).
    let keyBytes: Data
    let der: [UInt8]
    let guid: UUID

    init(ca: OfficeCA, holder: String = "Trần Thị Bình", notAfter: Date = GateFixture.now + 365 * 86_400) throws {
        self.ca = ca
        let key = P256.Signing.PrivateKey()
        keyBytes = key.rawRepresentation
        guid = UUID()
        let certificate = try ca.issue(publicKey: Certificate.PublicKey(key.publicKey), slot: .cardAuthentication,
            holder: holder, guid: guid, notBefore: GateFixture.now - 86_400, notAfter: notAfter)
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        der = serializer.serializedBytes
    }

    /// The enrolment of this card for `personId`.
    func credential(id: String, personId: String, status: CredentialStatus = .active) -> AccessPolicy.Credential? {
        let guidHex = guid.uuidString.replacingOccurrences(of: "-", with: "")
        guard let identifier = CredentialIdentifier.piv(fingerprintHex: IssuedCard.fingerprint(of: der),
            guidHex: guidHex)
        else { return nil }
        return AccessPolicy.Credential(id: id, personId: personId, identifier: identifier, status: status)
    }

    /// The access body answering `challenge` (base64url text) with this card's signature.
    func accessBody(challenge: String, corruptSignature: Bool = false) throws -> String {
        var bytes = try base64URLDecode(challenge)
        if corruptSignature { bytes[0] ^= 0xFF }
        let key = try P256.Signing.PrivateKey(rawRepresentation: keyBytes)
        let signature = try key.signature(for: bytes).derRepresentation
        return """
            {"credential": {"type": "piv", "certificate": "\(Data(der).base64EncodedString())", \
            "challenge": "\(challenge)", "signature": "\(signature.base64EncodedString())"}}
            """
    }

    private func base64URLDecode(_ text: String) throws -> [UInt8] {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else { throw CocoaError(.coderInvalidValue) }
        return Array(data)
    }
}
