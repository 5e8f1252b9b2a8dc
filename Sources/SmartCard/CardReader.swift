/// A source of cards: the PC/SC readers of pcscd, or the simulator's mock reader.
///
/// Door agents, the command-line tool and tests are written against this protocol so that they run
/// unchanged on real readers, on pcscd's virtual readers and on the in-process simulator.
public protocol CardReader: Sendable {
    /// The readers this source knows and their card state.
    func readers() async throws -> [ReaderStatus]

    /// Reader and card events, starting with the current state (a `readerAdded` for every reader
    /// and a `cardInserted` for every card already present). The sequence ends when the consuming task
    /// is cancelled.
    func events() -> AsyncThrowingStream<ReaderEvent, any Error>

    /// Connects to the card in `reader`.
    /// - Throws: `PCSCError` (`.noSmartcard`, `.unknownReader`, `.sharingViolation`, …).
    func connect(reader: String, share: ShareMode, protocols: CardProtocols) async throws -> any CardChannel
}

extension CardReader {
    public func connect(reader: String) async throws -> any CardChannel {
        try await connect(reader: reader, share: .shared, protocols: .any)
    }
}
