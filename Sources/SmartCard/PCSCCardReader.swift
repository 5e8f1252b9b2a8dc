import Dispatch

/// The readers of the local pcscd, as a `CardReader`.
public struct PCSCCardReader: CardReader {
    /// How long one card exchange may take before the card counts as mute.
    public var exchangeTimeout: Duration

    public init(exchangeTimeout: Duration = .seconds(5)) {
        self.exchangeTimeout = exchangeTimeout
    }

    /// Lists readers and card state (`SCardListReaders`, then `SCardGetStatusChange` with a zero timeout).
    public func readers() async throws -> [ReaderStatus] {
        let queue = DispatchQueue(label: "cardgate.reader-list")
        return try await BlockingCall.run(on: queue, timeout: exchangeTimeout) { () throws(PCSCError) in
            let context = try PCSCContext()
            defer { context.release() }
            var states = try context.readerNames().map { ReaderStateEntry(name: $0) }
            guard !states.isEmpty else { return [] }
            try context.statusChange(&states, timeoutMilliseconds: 0)
            return states.map { entry in
                ReaderStatus(
                    name: entry.name, cardPresent: entry.cardPresent,
                    atr: entry.cardPresent ? entry.atr : nil,
                    exclusive: entry.eventState & ReaderStateEntry.stateExclusive != 0)
            }
        }
    }

    public func events() -> AsyncThrowingStream<ReaderEvent, any Error> { ReaderMonitor().stream() }

    public func connect(reader: String, share: ShareMode, protocols: CardProtocols) async throws -> any CardChannel {
        try await CardConnection.connect(reader: reader, share: share, protocols: protocols,
                                         exchangeTimeout: exchangeTimeout)
    }
}
