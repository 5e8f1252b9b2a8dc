import AccessPolicy
import AccessStore
import CardSimulator
import Credentials
import DoorAgent
import Foundation
import GateServer
import Hummingbird
import HummingbirdTesting
import PIV
import SiteFile
import SmartCard
import Testing

extension PCSCD {
    /// A remote gate controller end to end: a door agent watching "CardGate Virtual Door 00 00" through the real
    /// pcscd, a simulated PIV card served to it by the vpcd bridge, and a running daemon on a real port that the
    /// agent asks over HTTP (`HTTPAccessAuthority`). The lock opens on the daemon's grant.
    ///
    /// Needs pcscd running with CardGate's virtual readers (`make pcscd`); without it the test fails.
    @Suite("Door agent and daemon through pcscd (pcscd required)", .serialized)
    struct DaemonDoorAgentTests {
        static let readerName = "CardGate Virtual Door 00 00"
        static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()

        /// The example office with `extra` enrolled, in an in-memory store with its zones and doors.
        static func services(extra: AccessPolicy.Credential, trustStore: TrustStore) async throws -> GateServices {
            let sources = try ["Config/site.example.yaml", "Config/people.example.yaml"].map { path in
                SiteFile.Source(name: path,
                    text: try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8))
            }
            var model = try SiteFile.load(sources)
            model.credentials.append(extra)
            let site = model
            let store = try AccessStore.inMemory()
            try await store.writer.write { db in
                for zone in site.zones { try ZoneRecord(id: zone.id, name: zone.name).insert(db) }
                for door in site.doors {
                    try DoorRecord(id: door.id, name: door.name, fromZoneId: door.fromZoneId, toZoneId: door.toZoneId)
                        .insert(db)
                }
            }
            // Challenges live as long as the tap may take here: the whole test suite runs in parallel on a small
            // machine, where one card exchange through pcscd has been seen to take over 20 s. A door in service
            // keeps the 10 s default.
            let configuration = GateServerConfiguration(host: "127.0.0.1", port: 0, databasePath: ":memory:",
                                                        challengeTimeToLive: 120)
            return try GateServices(store: store,
                policies: StaticPolicySource(CompiledPolicy(snapshot: try PolicySnapshot(model: site))),
                trustStore: trustStore, journalKey: nil, configuration: configuration)
        }

        @Test("a PIV card at a virtual reader is granted by a running daemon over HTTP and the lock opens")
        func grantOverHTTP() async throws {
            try await PCSCTestSupport.requirePCSCD()
            let ca = try OfficeCA.create(name: "CardGate Integration CA")
            let card = SimulatedPIVCard()
            let issued = try await CardIssuer(ca: ca).issue(CardIssuanceRequest(holder: "Hoàng Văn Em"),
                on: PIVClient(channel: DirectCardChannel(card)), now: Date() - 3600)
            card.reset()
            let fingerprint = try #require(issued.fingerprint(.cardAuthentication))
            let guidHex = issued.guid.uuidString.replacingOccurrences(of: "-", with: "")
            let identifier = try #require(CredentialIdentifier.piv(fingerprintHex: fingerprint, guidHex: guidHex))
            let services = try await Self.services(
                extra: AccessPolicy.Credential(id: "card-em-piv", personId: "hoang-van-em", identifier: identifier,
                    status: .active),
                trustStore: try TrustStore(authorities: [ca.certificate]))
            let token = try await services.tokens.create(role: .controller, doorIds: ["main-entrance"], name: "gate")
                .secret
            let app = try await buildApplication(services.configuration, services: services)
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let lock = SimulatedDoorLock()
                let agent = DoorAgent(configuration: .init(door: "main-entrance", reader: Self.readerName),
                    reader: PCSCCardReader(),
                    // A generous timeout: the whole test suite runs in parallel on a small machine; a door in
                    // service keeps the short default.
                    authority: HTTPAccessAuthority(server: URL(string: "http://127.0.0.1:\(port)")!, token: token,
                        timeout: 60),
                    lock: lock)
                try await PCSCTestSupport.waitForCard(present: false, in: Self.readerName)
                let (taps, tapped) = AsyncStream<TapOutcome>.makeStream()
                let running = Task { try await agent.run { tapped.yield($0) } }
                defer { running.cancel() }
                let bridge = VPCDBridge(card: card, port: VirtualReaders.port(forReader: Self.readerName) ?? 0)
                try bridge.insert()
                defer { bridge.remove() }
                // A liveness bound: the tap must come within 120 s, or the test fails instead of hanging.
                let outcome = await withTaskGroup(of: TapOutcome?.self) { group in
                    group.addTask { await taps.first { _ in true } }
                    group.addTask {
                        try? await Task.sleep(for: .seconds(120))
                        return nil
                    }
                    let first = await group.next() ?? nil
                    group.cancelAll()
                    return first
                }
                let tap = try #require(outcome, "the door agent reported no tap")
                #expect(tap.granted, "\(tap.result)")
                #expect(tap.credential == .piv(guid: issued.guid, certificateFromCache: false))
                if case .answered(let answer) = tap.result {
                    #expect(answer.person?.id == "hoang-van-em")
                    #expect(answer.eventId != nil)
                }
                #expect(lock.actions == [.unlocked(seconds: 5)])
                let events = try await services.recorder.journal.events(JournalQuery(limit: 5)).events
                #expect(events.first?.reason == "granted")
                #expect(events.first?.personId == "hoang-van-em")
                #expect(events.first?.doorId == "main-entrance")
            }
        }
    }
}
