import AccessPolicy
import CardSimulator
import Credentials
import DoorAgent
import Foundation
import GateServer
import PIV
import SmartCard
import Testing

/// The daemon's own doors: in-process door agents on local readers, deciding through the in-process authority.
@Suite("Local doors")
struct LocalDoorTests {
    static let readerName = "Gate reader 00 00"
    static let door = LocalDoorConfiguration(doorId: "vehicle-gate", reader: readerName)

    /// Polls `condition` every 10 ms, about five seconds at most (a liveness bound).
    static func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<500 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("never: \(what)")
    }

    @Test("a UID card at a local door is decided in-process, journaled, and opens the lock")
    func uidTap() async throws {
        let reader = SimulatedReader(readers: [Self.readerName])
        let lock = SimulatedDoorLock()
        let fixture = try await GateFixture.make(localDoors: [Self.door], cardReader: reader, makeLock: { _ in lock })
        let doors = fixture.services.localDoors
        let running = Task { await doors.run() }
        try await Self.eventually("the reader is online") { doors.readersOnline == ["vehicle-gate": true] }

        reader.insert(SimulatedUIDCard(uid: [0x04, 0xA2, 0xB3, 0xC4, 0xD5, 0xE6, 0x80]), into: Self.readerName)
        try await Self.eventually("the lock acts") { !lock.actions.isEmpty }
        #expect(lock.actions == [.unlocked(seconds: 10)])
        let page = try await fixture.services.recorder.journal.events(.init(limit: 5))
        #expect(page.events.map(\.reason) == ["granted"])
        #expect(page.events.first?.actor == "local:vehicle-gate")
        #expect(page.events.first?.personId == "le-van-cuong")

        reader.remove(from: Self.readerName)
        reader.insert(SimulatedUIDCard(uid: [0xDE, 0xAD, 0xBE, 0xEF]), into: Self.readerName)
        try await Self.eventually("the second tap is refused") { lock.actions.count == 2 }
        #expect(lock.actions.last == .denied(reason: "unknown_credential"))

        doors.stop()
        await running.value
    }

    @Test("a PIV card at a local door passes PKI-CAK against the in-process authority")
    func pivTap() async throws {
        let ca = try OfficeCA.create(now: GateFixture.now - 86_400 * 30)
        let card = SimulatedPIVCard()
        let issued = try await CardIssuer(ca: ca).issue(CardIssuanceRequest(holder: "Trần Thị Bình"),
            on: PIVClient(channel: DirectCardChannel(card)), now: GateFixture.now - 86_400)
        card.reset()
        let fingerprint = try #require(issued.fingerprint(.cardAuthentication))
        let guidHex = issued.guid.uuidString.replacingOccurrences(of: "-", with: "")
        let identifier = try #require(CredentialIdentifier.piv(fingerprintHex: fingerprint, guidHex: guidHex))
        let enrolled = AccessPolicy.Credential(id: "card-binh-piv", personId: "tran-thi-binh", identifier: identifier,
            status: .active)
        let reader = SimulatedReader(readers: [Self.readerName])
        let lock = SimulatedDoorLock()
        let door = LocalDoorConfiguration(doorId: "floor4-door", reader: Self.readerName)
        let fixture = try await GateFixture.make(extra: [enrolled],
            trustStore: try TrustStore(authorities: [ca.certificate]), localDoors: [door], cardReader: reader,
            makeLock: { _ in lock })
        let doors = fixture.services.localDoors
        let running = Task { await doors.run() }
        try await Self.eventually("the reader is online") { doors.readersOnline == ["floor4-door": true] }
        reader.insert(card, into: Self.readerName)
        try await Self.eventually("the lock acts") { !lock.actions.isEmpty }
        #expect(lock.actions.first.map { if case .unlocked = $0 { true } else { false } } == true)
        let page = try await fixture.services.recorder.journal.events(.init(limit: 5))
        #expect(page.events.first?.personId == "tran-thi-binh")
        #expect(page.events.first?.reason == "granted")
        doors.stop()
        await running.value
    }

    @Test("a reader that is missing or goes away stops nothing, and readers online says so")
    func readerComesAndGoes() async throws {
        let reader = SimulatedReader(readers: [])
        let lock = SimulatedDoorLock()
        let fixture = try await GateFixture.make(localDoors: [Self.door], cardReader: reader, makeLock: { _ in lock })
        let doors = fixture.services.localDoors
        #expect(doors.readersOnline == ["vehicle-gate": false])
        // The application runs the local doors as one of its services.
        try await fixture.test { client in
            func metrics() async throws -> String {
                String(decoding: try await send(client, .get, "/metrics").body.readableBytesView, as: UTF8.self)
            }
            #expect(try await metrics().contains("cardgate_local_readers_online 0"))
            reader.addReader(Self.readerName)
            try await Self.eventually("the reader comes online") { doors.readersOnline == ["vehicle-gate": true] }
            let text = try await metrics()
            #expect(text.contains("cardgate_local_readers_online 1"))
            #expect(text.contains(#"cardgate_local_reader_online{door="vehicle-gate",reader="Gate reader 00 00"} 1"#))
            reader.removeReader(Self.readerName)
            try await Self.eventually("the reader goes offline") { doors.readersOnline == ["vehicle-gate": false] }
            reader.addReader(Self.readerName)
            try await Self.eventually("the reader is back") { doors.readersOnline == ["vehicle-gate": true] }
            reader.insert(SimulatedUIDCard(uid: [0x04, 0xA2, 0xB3, 0xC4, 0xD5, 0xE6, 0x80]), into: Self.readerName)
            try await Self.eventually("the door still works") { lock.actions == [.unlocked(seconds: 10)] }
            #expect(try await metrics().contains(
                #"cardgate_local_taps_total{door="vehicle-gate",decision="grant",reason="granted"} 1"#))
        }
    }
}
