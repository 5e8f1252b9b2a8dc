import CardSimulator
import Credentials
import DoorAgent
import Foundation
import PIV
import SmartCard
import Synchronization
import Testing
import X509

/// An in-test authority: issues challenges, verifies PKI-CAK signatures against the certificate, and grants
/// enrolled GUIDs and UIDs. It counts what it was asked.
final class TestAuthority: AccessAuthority {
    struct State {
        var outstanding: Set<String> = []
        var requests: [TapRequest] = []
    }

    let enrolledGUIDs: Set<UUID>
    let enrolledUIDs: Set<[UInt8]>
    let failing: Bool
    /// Called as each challenge is issued.
    let onChallenge: @Sendable () -> Void
    private let state = Mutex(State())

    init(guids: Set<UUID> = [], uids: Set<[UInt8]> = [], failing: Bool = false,
         onChallenge: @escaping @Sendable () -> Void = {}) {
        enrolledGUIDs = guids
        enrolledUIDs = uids
        self.failing = failing
        self.onChallenge = onChallenge
    }

    var requests: [TapRequest] { state.withLock { $0.requests } }

    struct Unreachable: Error {}

    func challenge(door: String) async throws -> IssuedChallenge {
        if failing { throw Unreachable() }
        onChallenge()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let challenge = IssuedChallenge(challenge: WireBase64.encode(bytes, alphabet: .url), expiresAt: Date() + 10)
        state.withLock { _ = $0.outstanding.insert(challenge.challenge) }
        return challenge
    }

    func requestAccess(door: String, _ request: TapRequest) async throws -> AccessAnswer {
        if failing { throw Unreachable() }
        state.withLock { $0.requests.append(request) }
        switch request.credential {
        case .uid(let uid):
            return enrolledUIDs.contains(uid)
                ? AccessAnswer(decision: .grant, reason: "granted", unlockSeconds: 4)
                : AccessAnswer(decision: .deny, reason: "unknown_credential")
        case .piv(let der, let challenge, let signature):
            let fresh = state.withLock { $0.outstanding.remove(challenge) != nil }
            guard fresh, let bytes = WireBase64.decode(challenge, alphabet: .url) else {
                return AccessAnswer(decision: .deny, reason: "challenge_invalid")
            }
            guard let certificate = try? Certificate(derEncoded: der) else {
                return AccessAnswer(decision: .deny, reason: "certificate_invalid")
            }
            guard PKICAK.verify(signature: signature, challenge: bytes, certificate: certificate) else {
                return AccessAnswer(decision: .deny, reason: "signature_invalid")
            }
            let guid = (try? certificate.extensions.subjectAlternativeNames)??.lazy.compactMap { name -> UUID? in
                if case .uniformResourceIdentifier(let uri) = name, uri.hasPrefix("urn:uuid:") {
                    return UUID(uuidString: String(uri.dropFirst("urn:uuid:".count)))
                }
                return nil
            }.first
            guard let guid, enrolledGUIDs.contains(guid) else {
                return AccessAnswer(decision: .deny, reason: "unknown_credential")
            }
            return AccessAnswer(decision: .grant, reason: "granted")
        }
    }
}

@Suite("Door agent")
struct DoorAgentTests {
    static let readerName = "Door reader"
    static let ca: OfficeCA = {
        do { return try OfficeCA.create(name: "CardGate Door Test CA") } catch { preconditionFailure("\(error)") }
    }()

    static func issuedCard() async throws -> (SimulatedPIVCard, IssuedCard) {
        let card = SimulatedPIVCard()
        let issued = try await CardIssuer(ca: ca).issue(CardIssuanceRequest(holder: "Trần Thị Bình"),
                                                        on: PIVClient(channel: DirectCardChannel(card)))
        card.reset()
        return (card, issued)
    }

    static func agent(_ reader: SimulatedReader, _ authority: any AccessAuthority, _ lock: SimulatedDoorLock)
        -> DoorAgent
    {
        DoorAgent(configuration: .init(door: "main-entrance", reader: readerName), reader: reader,
                  authority: authority, lock: lock)
    }

    @Test("a PIV card is granted by PKI-CAK, and its certificate is cached for the next tap")
    func pivGrant() async throws {
        let (card, issued) = try await Self.issuedCard()
        let reader = SimulatedReader(readers: [Self.readerName])
        let lock = SimulatedDoorLock()
        let agent = Self.agent(reader, TestAuthority(guids: [issued.guid]), lock)
        reader.insert(card, into: Self.readerName)
        let first = await agent.handleCardPresented()
        #expect(first.granted)
        #expect(first.credential == .piv(guid: issued.guid, certificateFromCache: false))
        reader.insert(card, into: Self.readerName)
        let second = await agent.handleCardPresented()
        #expect(second.granted)
        #expect(second.credential == .piv(guid: issued.guid, certificateFromCache: true))
        #expect(lock.actions == [.unlocked(seconds: 5), .unlocked(seconds: 5)])
    }

    @Test("a cloned card (same CHUID and certificate, another key) is refused, even after a fresh certificate read")
    func clonedCard() async throws {
        let (original, issued) = try await Self.issuedCard()
        let clone = SimulatedPIVCard()
        let cloneClient = PIVClient(channel: DirectCardChannel(clone))
        let originalClient = PIVClient(channel: DirectCardChannel(original))
        _ = try await cloneClient.select()
        try await cloneClient.authenticate(managementKey: .defaultKey)
        _ = try await cloneClient.generateKey(in: .cardAuthentication, algorithm: .eccP256)
        _ = try await originalClient.select()
        for tag in [PIVObjectTag.chuid, .cardAuthenticationCertificate] {
            try await cloneClient.writeObject(tag, value: try await originalClient.readObject(tag))
        }
        clone.reset()
        original.reset()

        let reader = SimulatedReader(readers: [Self.readerName])
        let lock = SimulatedDoorLock()
        let authority = TestAuthority(guids: [issued.guid])
        let agent = Self.agent(reader, authority, lock)
        reader.insert(original, into: Self.readerName)
        #expect(await agent.handleCardPresented().granted)
        reader.insert(clone, into: Self.readerName)
        let outcome = await agent.handleCardPresented()
        #expect(!outcome.granted)
        #expect(outcome.reason == "signature_invalid")
        #expect(outcome.credential == .piv(guid: issued.guid, certificateFromCache: false))
        #expect(authority.requests.count == 3)
        #expect(lock.actions.last == .denied(reason: "signature_invalid"))
    }

    /// A card that notes the instruction byte of every command it answers.
    final class RecordingCard: SimulatedCard {
        let card: any SimulatedCard
        private let instructions = Mutex<[UInt8]>([])
        init(_ card: any SimulatedCard) { self.card = card }
        var atr: [UInt8] { card.atr }
        var answered: [UInt8] { instructions.withLock { $0 } }
        func reset() { card.reset() }
        func respond(to command: [UInt8]) -> [UInt8] {
            if command.count > 1 { instructions.withLock { $0.append(command[1]) } }
            return card.respond(to: command)
        }
    }

    @Test("the challenge is asked for after the certificate is read, just before the card signs")
    func challengeAfterCertificate() async throws {
        let (card, issued) = try await Self.issuedCard()
        let recording = RecordingCard(card)
        let atChallenge = Mutex<[[UInt8]]>([])
        let authority = TestAuthority(guids: [issued.guid]) {
            atChallenge.withLock { $0.append(recording.answered) }
        }
        let reader = SimulatedReader(readers: [Self.readerName])
        let agent = Self.agent(reader, authority, SimulatedDoorLock())
        reader.insert(recording, into: Self.readerName)
        #expect(await agent.handleCardPresented().granted)
        let seen = try #require(atChallenge.withLock { $0 }.first)
        let getData: UInt8 = 0xCB, generalAuthenticate: UInt8 = 0x87
        // SELECT, GET DATA CHUID and GET DATA of the certificate (with any GET RESPONSE) came first.
        #expect(seen.filter { $0 == getData }.count == 2)
        #expect(!seen.contains(generalAuthenticate))
        #expect(recording.answered.last == generalAuthenticate)
    }

    @Test("a UID-only card is read with FF CA and asked about")
    func uidCard() async throws {
        let uid: [UInt8] = [0x04, 0xA2, 0xB3, 0xC4, 0xD5, 0xE6, 0x80]
        let reader = SimulatedReader(readers: [Self.readerName])
        let lock = SimulatedDoorLock()
        let agent = Self.agent(reader, TestAuthority(uids: [uid]), lock)
        reader.insert(SimulatedUIDCard(uid: uid), into: Self.readerName)
        let outcome = await agent.handleCardPresented()
        #expect(outcome.granted)
        #expect(outcome.credential == .uid(uid))
        #expect(lock.actions == [.unlocked(seconds: 4)])
    }

    @Test("an unreachable authority keeps the door locked", arguments: [false, true])
    func authorityDown(piv: Bool) async throws {
        let reader = SimulatedReader(readers: [Self.readerName])
        let lock = SimulatedDoorLock()
        let agent = Self.agent(reader, TestAuthority(failing: true), lock)
        let card: any SimulatedCard = piv ? try await Self.issuedCard().0 : SimulatedUIDCard(uid: [1, 2, 3, 4])
        reader.insert(card, into: Self.readerName)
        let outcome = await agent.handleCardPresented()
        #expect(!outcome.granted)
        #expect(outcome.reason == "authority_unavailable")
        #expect(lock.actions == [.denied(reason: "authority_unavailable")])
    }

    @Test("a card pulled away mid-exchange keeps the door locked", arguments: [0, 1, 2, 3])
    func cardRemoved(afterCommands: Int) async throws {
        let (card, issued) = try await Self.issuedCard()
        let reader = SimulatedReader(readers: [Self.readerName])
        let lock = SimulatedDoorLock()
        let agent = Self.agent(reader, TestAuthority(guids: [issued.guid]), lock)
        reader.insert(card, into: Self.readerName)
        reader.inject(.removeCard(afterCommands: afterCommands), into: Self.readerName)
        let outcome = await agent.handleCardPresented()
        #expect(!outcome.granted)
        #expect(outcome.reason == "card_unreadable")
        #expect(lock.actions == [.denied(reason: "card_unreadable")])
    }

    @Test("the run loop handles each card presented at its own reader only")
    func runLoop() async throws {
        let uid: [UInt8] = [0x04, 0x01, 0x02, 0x03]
        let reader = SimulatedReader(readers: [Self.readerName, "Other reader"])
        let lock = SimulatedDoorLock()
        let agent = Self.agent(reader, TestAuthority(uids: [uid]), lock)
        let (outcomes, continuation) = AsyncStream<TapOutcome>.makeStream()
        let running = Task { try await agent.run { continuation.yield($0) } }
        reader.insert(SimulatedUIDCard(uid: [9, 9, 9, 9]), into: "Other reader")
        reader.insert(SimulatedUIDCard(uid: uid), into: Self.readerName)
        var iterator = outcomes.makeAsyncIterator()
        let first = await iterator.next()
        #expect(first?.credential == .uid(uid))
        #expect(first?.granted == true)
        running.cancel()
    }

    @Test("access requests encode as the API's JSON")
    func encoding() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let uid = try encoder.encode(TapRequest(credential: .uid([0x04, 0xA1, 0xB2, 0xC3])))
        #expect(String(decoding: uid, as: UTF8.self) == #"{"credential":{"type":"uid","uid":"04A1B2C3"}}"#)
        let piv = try encoder.encode(TapRequest(credential: .piv(certificate: [0x30, 0x82], challenge: "q-_x",
                                                                 signature: [0xFF]), direction: .in))
        let expected = #"{"credential":{"certificate":"MII=","challenge":"q-_x","signature":"\/w==","type":"piv"},"#
            + #""direction":"in"}"#
        #expect(String(decoding: piv, as: UTF8.self) == expected)
    }
}

@Suite("Certificate cache")
struct CertificateCacheTests {
    @Test("the cache keeps at most its capacity and evicts the least recently used")
    func bounded() async throws {
        let (_, issued) = try await DoorAgentTests.issuedCard()
        let certificate = try #require(issued.certificates[.cardAuthentication])
        let cache = PIVCertificateCache(capacity: 10)
        let guids = (0..<10).map { _ in UUID() }
        for guid in guids { cache.store(certificate, for: guid) }
        #expect(cache.certificate(for: guids[0]) != nil)
        cache.store(certificate, for: UUID())
        #expect(cache.count == 10)
        #expect(cache.certificate(for: guids[0]) != nil)
        #expect(cache.certificate(for: guids[1]) == nil)
    }
}
