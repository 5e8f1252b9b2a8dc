import CardSimulator
import Foundation
@testable import PIV
import SmartCard
import Synchronization
import Testing

/// Random and mutated card answers into every PIV parser: each must return a value or a typed error, never
/// crash. The generator is seeded, so a failing case can be replayed.
@Suite struct PIVFuzzTests {
    static let casesPerParser = 15_000

    /// Genuine answers of an issued card, the seeds that mutations start from.
    static func seeds() async throws -> [String: [UInt8]] {
        let (_, client, channel, _) = try await Fixtures.issuedCard()
        let properties = try await client.select()
        let chuid = try await client.readObject(.chuid)
        let certificate = try await client.readObject(.cardAuthenticationCertificate)
        let discovery = try await client.readObject(.discovery)
        try await client.authenticate(managementKey: .defaultKey)
        channel.reset()
        _ = try await client.generateKey(in: .keyManagement, algorithm: .eccP256)
        let template = channel.exchanges.first.map { Array($0.response.dropLast(2)) } ?? []
        channel.reset()
        _ = try await client.generalAuthenticate(slot: .cardAuthentication, algorithm: .eccP256,
                                                 input: [UInt8](repeating: 1, count: 32))
        let signature = channel.exchanges.first.map { Array($0.response.dropLast(2)) } ?? []
        return ["select": properties.encoded, "chuid": chuid, "certificate": certificate, "discovery": discovery,
                "template": template, "signature": signature, "gzip": InflateTests.dynamicFixture,
                "fascn": Fixtures.hex("D4E739DA739CED39CE739D836858210842108421C84210C3EB")]
    }

    static func mutate(_ seed: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = seed
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: return (0..<Int.random(in: 0..<300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        case 1: return Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
        default:
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                guard !bytes.isEmpty else { break }
                let index = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                case 1: bytes[index] = [0x00, 0x7F, 0x80, 0x81, 0x82, 0x84, 0xFF].randomElement(using: &rng) ?? 0
                case 2: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: index)
                case 3: bytes.remove(at: index)
                default: bytes[index] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            return bytes
        }
    }

    /// Errors a parser may throw: PIV's own, or its building blocks' typed errors.
    static func isTyped(_ error: any Error) -> Bool {
        error is PIVError || error is TLVError || error is Inflate.InflateError || error is APDUError
    }

    @Test func parsersSurviveRandomAndMutatedAnswers() async throws {
        let seeds = try await Self.seeds()
        var rng = SeededGenerator(seed: 0xC0FF_EE00_2026)
        let parsers: [(String, ([UInt8]) throws -> Void)] = [
            ("select", { _ = try PIVApplicationProperties(selectResponse: $0) }),
            ("chuid", { _ = try CHUID(objectValue: $0) }),
            ("fascn", { _ = try FASCN(encoded: $0) }),
            ("discovery", { _ = try PIVDiscovery(encoded: $0) }),
            ("certificate", { _ = try PIVCertificateObject(objectValue: $0, tag: .cardAuthenticationCertificate) }),
            ("template", { _ = try PIVPublicKey(template: $0, algorithm: .eccP256) }),
            ("signature", {
                let value = try PIVClient.dynamicAuthenticationValue($0, tag: 0x82, context: "fuzz")
                try PKICAK.checkForm(value, algorithm: .eccP256)
            }),
            ("gzip", { _ = try Inflate.gunzip($0) }),
        ]
        var total = 0
        var untyped: [String] = []
        for (name, parse) in parsers {
            let seed = seeds[name] ?? []
            for index in 0..<Self.casesPerParser {
                // Long CPU-bound loops give the two-thread test executor back now and then, so tests running
                // beside this one are not starved.
                if index.isMultiple(of: 512) { await Task.yield() }
                let input = Self.mutate(seed, &rng)
                do { try parse(input) } catch {
                    if !Self.isTyped(error) { untyped.append("\(name): \(type(of: error)) for \(input.hexString())") }
                }
                total += 1
            }
        }
        // RSA templates too.
        for _ in 0..<5_000 {
            let input = Self.mutate(Fixtures.hex("7F49820109818201000100"), &rng)
            do { _ = try PIVPublicKey(template: input, algorithm: .rsa2048) } catch {
                if !Self.isTyped(error) { untyped.append("rsa template: \(type(of: error))") }
            }
            total += 1
        }
        #expect(total >= 100_000)
        #expect(untyped.isEmpty, "\(untyped.prefix(5))")
    }

    /// A card that answers like a genuine issued card but damages its answers at random.
    final class HostileCard: SimulatedCard {
        let genuine: SimulatedPIVCard
        let rng: Mutex<SeededGenerator>

        init(genuine: SimulatedPIVCard, seed: UInt64) {
            self.genuine = genuine
            self.rng = Mutex(SeededGenerator(seed: seed))
        }

        var atr: [UInt8] { genuine.atr }
        func reset() { genuine.reset() }
        func respond(to command: [UInt8]) -> [UInt8] {
            let answer = genuine.respond(to: command)
            return rng.withLock { rng in
                Int.random(in: 0..<3, using: &rng) == 0 ? PIVFuzzTests.mutate(answer, &rng) : answer
            }
        }
    }

    @Test func doorReadingSurvivesAHostileCard() async throws {
        let (card, _, _, _) = try await Fixtures.issuedCard()
        let hostile = HostileCard(genuine: card, seed: 42)
        let client = PIVClient(channel: DirectCardChannel(hostile))
        let challenge = [UInt8](repeating: 3, count: 32)
        var completed = 0
        var untyped: [String] = []
        for _ in 0..<3_000 {
            hostile.reset()
            do {
                let reading = try await client.readPKICAK(challenge: challenge)
                _ = PKICAK.verify(signature: reading.signature, challenge: challenge,
                                  certificate: reading.certificate.certificate)
                completed += 1
            } catch {
                if !Self.isTyped(error) { untyped.append("\(type(of: error)): \(error)") }
            }
        }
        #expect(completed > 0)
        #expect(untyped.isEmpty, "\(untyped.prefix(5))")
    }
}
