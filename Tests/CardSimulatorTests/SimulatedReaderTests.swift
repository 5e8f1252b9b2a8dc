import CardSimulator
import SmartCard
import Testing

@Suite("Mock reader")
struct SimulatedReaderTests {
    static let uid: [UInt8] = [0x04, 0xA1, 0xB2, 0xC3]

    /// Collects the next `count` events of a stream.
    static func next(_ count: Int, of stream: AsyncThrowingStream<ReaderEvent, any Error>) async throws
        -> [ReaderEvent]
    {
        var events: [ReaderEvent] = []
        for try await event in stream {
            events.append(event)
            if events.count == count { break }
        }
        return events
    }

    @Test("events start with the present state and follow inserts and removals")
    func events() async throws {
        let reader = SimulatedReader(readers: ["A", "B"])
        let card = SimulatedUIDCard(uid: Self.uid)
        reader.insert(card, into: "B")
        let stream = reader.events()
        reader.insert(card, into: "A")
        reader.remove(from: "B")
        reader.addReader("C")
        reader.removeReader("A")
        let events = try await Self.next(8, of: stream)
        #expect(events == [
            .readerAdded("A"), .readerAdded("B"), .cardInserted(reader: "B", atr: card.atr),
            .cardInserted(reader: "A", atr: card.atr), .cardRemoved(reader: "B"), .readerAdded("C"),
            .cardRemoved(reader: "A"), .readerRemoved("A"),
        ])
    }

    @Test("reads a UID card and lists reader state")
    func uid() async throws {
        let reader = SimulatedReader(readers: ["A"])
        reader.insert(SimulatedUIDCard(uid: Self.uid), into: "A")
        let channel = try await reader.connect(reader: "A")
        #expect(try await channel.readUID() == Self.uid)
        let status = try await reader.readers()
        #expect(status == [ReaderStatus(name: "A", cardPresent: true, atr: SimulatedUIDCard.mifareClassicATR)])
    }

    @Test("connecting without a card or to an unknown reader fails with PC/SC codes")
    func connectErrors() async throws {
        let reader = SimulatedReader(readers: ["A"])
        await #expect(throws: PCSCError(.noSmartcard, function: "")) { try await reader.connect(reader: "A") }
        await #expect(throws: PCSCError(.unknownReader, function: "")) { try await reader.connect(reader: "Z") }
    }

    @Test("card removed during a transaction surfaces as removedCard, and the transaction still ends")
    func removedMidTransaction() async throws {
        let reader = SimulatedReader(readers: ["A"])
        reader.insert(SimulatedUIDCard(uid: Self.uid), into: "A")
        let channel = try await reader.connect(reader: "A")
        reader.inject(.removeCard(afterCommands: 1), into: "A")
        await #expect(throws: PCSCError(.removedCard, function: "")) {
            try await channel.withTransaction {
                _ = try await channel.readUID()
                _ = try await channel.readUID()
            }
        }
        #expect(try await reader.readers().first?.cardPresent == false)
    }

    @Test("a reset card makes open connections fail with resetCard")
    func reset() async throws {
        let reader = SimulatedReader(readers: ["A"])
        reader.insert(SimulatedUIDCard(uid: Self.uid), into: "A")
        let channel = try await reader.connect(reader: "A")
        reader.inject(.resetCard(afterCommands: 0), into: "A")
        await #expect(throws: PCSCError(.resetCard, function: "")) { try await channel.readUID() }
        let again = try await reader.connect(reader: "A")
        #expect(try await again.readUID() == Self.uid)
    }

    @Test("a mute card times out instead of hanging")
    func mute() async throws {
        let reader = SimulatedReader(readers: ["A"], exchangeTimeout: .milliseconds(20))
        reader.insert(SimulatedUIDCard(uid: Self.uid), into: "A")
        let channel = try await reader.connect(reader: "A")
        reader.inject(.mute, into: "A")
        await #expect(throws: PCSCError(.timeout, function: "")) { try await channel.readUID() }
    }

    @Test("exclusive connections and transactions keep others out")
    func sharing() async throws {
        let reader = SimulatedReader(readers: ["A"])
        reader.insert(SimulatedUIDCard(uid: Self.uid), into: "A")
        let first = try await reader.connect(reader: "A", share: .exclusive, protocols: .any)
        await #expect(throws: PCSCError(.sharingViolation, function: "")) { try await reader.connect(reader: "A") }
        try await first.disconnect(disposition: .leave)
        let second = try await reader.connect(reader: "A")
        let third = try await reader.connect(reader: "A")
        try await second.beginTransaction()
        await #expect(throws: PCSCError(.sharingViolation, function: "")) { try await third.beginTransaction() }
        try await second.endTransaction(disposition: .leave)
        try await third.beginTransaction()
        await #expect(throws: PCSCError(.invalidHandle, function: "")) {
            try await first.transmit(raw: [0xFF, 0xCA, 0, 0, 0])
        }
    }

    @Test("the UID card answers only its pseudo-APDU")
    func uidCardRules() {
        let card = SimulatedUIDCard(uid: Self.uid)
        #expect(card.respond(to: [0xFF, 0xCA, 0x00, 0x00, 0x00]) == Self.uid + [0x90, 0x00])
        #expect(card.respond(to: [0x00, 0xCA, 0x00, 0x00, 0x00]) == [0x6E, 0x00])
        #expect(card.respond(to: [0xFF, 0xB0, 0x00, 0x00, 0x00]) == [0x6D, 0x00])
        #expect(card.respond(to: [0xFF, 0xCA, 0x01, 0x00, 0x00]) == [0x6A, 0x86])
        #expect(card.respond(to: [0xFF, 0xCA, 0x00, 0x00, 0x02]) == [0x6C, 0x04])
        #expect(card.respond(to: [0xFF]) == [0x67, 0x00])
    }
}
