import CardSimulator
import Foundation
import PIV
import SmartCard

/// A deterministic generator (SplitMix64) so that fuzz cases can be reproduced from their seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Fixtures {
    /// One office CA for the whole test run (creating keys is cheap, but certificates should chain to one CA).
    static let ca: OfficeCA = {
        do { return try OfficeCA.create(name: "CardGate Test CA") } catch { preconditionFailure("\(error)") }
    }()

    /// A blank simulated card and a client talking to it through a counting channel.
    static func blankCard(contactless: Bool = false) -> (SimulatedPIVCard, PIVClient, CountingCardChannel) {
        let card = SimulatedPIVCard(contactless: contactless)
        let channel = CountingCardChannel(DirectCardChannel(card), recording: true)
        return (card, PIVClient(channel: channel), channel)
    }

    /// A card issued by the test CA with the given door-key algorithm.
    static func issuedCard(algorithm: PIVAlgorithm = .eccP256, holder: String = "Nguyễn Văn An") async throws
        -> (SimulatedPIVCard, PIVClient, CountingCardChannel, IssuedCard)
    {
        let (card, client, channel) = blankCard()
        let issued = try await CardIssuer(ca: ca).issue(
            CardIssuanceRequest(holder: holder, cardAuthenticationAlgorithm: algorithm), on: client)
        card.reset()
        channel.reset()
        return (card, client, channel, issued)
    }

    static func hex(_ text: String) -> [UInt8] { [UInt8](hexString: text) ?? [] }
}
