import CardSimulator
import SmartCard
import Testing

@Suite("Response chaining against the mock reader")
struct ResponseChainingTests {
    static let reader = "Mock 0"

    static func channel(for card: any SimulatedCard) async throws -> (SimulatedReader, any CardChannel) {
        let simulated = SimulatedReader(readers: [reader])
        simulated.insert(card, into: reader)
        return (simulated, try await simulated.connect(reader: reader))
    }

    static let readBinary = try! CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, le: 256)

    @Test("61xx answers are followed with GET RESPONSE until the card is done", arguments: [1, 200, 256, 1000, 4097])
    func getResponse(size: Int) async throws {
        let contents = (0..<size).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let (_, channel) = try await Self.channel(for: SimulatedFileCard(contents: contents, chunkSize: 200))
        let response = try await channel.send(Self.readBinary)
        #expect(response.statusWord == .success)
        #expect(response.data == contents)
    }

    @Test("6Cxx is resent once with the Le the card asks for")
    func wrongLe() async throws {
        let contents: [UInt8] = Array(1...10)
        let card = SimulatedFileCard(contents: contents, demandsExactLe: true)
        let (_, channel) = try await Self.channel(for: card)
        let raw = try ResponseAPDU(bytes: try await channel.transmit(raw: Self.readBinary.encoded()))
        #expect(raw.statusWord.exactLe == 10)
        let response = try await channel.send(Self.readBinary)
        #expect(response.data == contents)
        #expect(response.statusWord == .success)
    }

    @Test("a card that never stops asking for GET RESPONSE is cut off")
    func endlessChain() async throws {
        let (reader, channel) = try await Self.channel(for: SimulatedFileCard(contents: [1]))
        reader.inject(.garbage([0x61, 0x00]), into: Self.reader)
        await #expect(throws: APDUError.self) { try await channel.send(Self.readBinary, maxResponseLength: 4096) }
        reader.inject(.garbage([UInt8](repeating: 0xAA, count: 300) + [0x61, 0x10]), into: Self.reader)
        await #expect(throws: APDUError.chainingLimitExceeded(4200)) {
            try await channel.send(Self.readBinary, maxResponseLength: 4096)
        }
    }

    @Test("a garbage answer shorter than a status word is an error")
    func garbage() async throws {
        let (reader, channel) = try await Self.channel(for: SimulatedFileCard(contents: [1]))
        reader.inject(.garbage([0x90]), into: Self.reader)
        await #expect(throws: APDUError.responseTooShort(1)) { try await channel.send(Self.readBinary) }
    }
}
