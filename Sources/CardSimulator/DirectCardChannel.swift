import SmartCard

/// A card channel straight onto a simulated card, with no reader in between: for issuing cards in-process and for
/// unit tests of card applications. Transactions and disconnects do nothing.
public final class DirectCardChannel: CardChannel {
    public let card: any SimulatedCard

    public init(_ card: any SimulatedCard) {
        self.card = card
    }

    public var atr: [UInt8] { card.atr }
    public func transmit(raw command: [UInt8]) async throws -> [UInt8] { card.respond(to: command) }
    public func beginTransaction() async throws {}
    public func endTransaction(disposition: CardDisposition) async throws {}
    public func disconnect(disposition: CardDisposition) async throws {}
}
