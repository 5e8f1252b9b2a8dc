import SmartCard
import Synchronization

/// The in-process mock reader: readers and cards that tests insert and remove from code, with the same
/// `CardReader` interface and the same events as pcscd's readers, and faults to inject.
///
/// Unit tests use it where they would otherwise need pcscd; integration tests use the real stack through
/// `VPCDBridge`.
public final class SimulatedReader: CardReader {
    /// A fault the next exchanges in a reader will suffer.
    public enum Fault: Sendable, Hashable {
        /// The card leaves the field after answering this many more commands; the next exchange fails
        /// with `PCSCError.removedCard`.
        case removeCard(afterCommands: Int)
        /// The card is reset after this many more commands; the next exchange fails with `.resetCard`.
        case resetCard(afterCommands: Int)
        /// The card stops answering: every exchange waits for the timeout and fails with `.timeout`.
        case mute
        /// Every answer is replaced by these bytes.
        case garbage([UInt8])
    }

    private struct Slot {
        var card: (any SimulatedCard)?
        /// Bumped on every insert, remove and reset, so open channels notice the card changed.
        var generation = 0
        var fault: Fault?
        var exclusiveOwner: Int?
        var transactionOwner: Int?
    }

    private struct State {
        var order: [String] = []
        var slots: [String: Slot] = [:]
        var subscribers: [Int: AsyncThrowingStream<ReaderEvent, any Error>.Continuation] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())
    /// How long a mute card keeps a caller waiting before `.timeout`.
    public let exchangeTimeout: Duration

    public init(readers names: [String] = ["Simulated Reader 0"], exchangeTimeout: Duration = .milliseconds(100)) {
        self.exchangeTimeout = exchangeTimeout
        state.withLock { state in
            for name in names where state.slots[name] == nil {
                state.order.append(name)
                state.slots[name] = Slot()
            }
        }
    }

    // MARK: Driving the reader from code

    /// Plugs in another reader.
    public func addReader(_ name: String) {
        publish { state in
            guard state.slots[name] == nil else { return [] }
            state.order.append(name)
            state.slots[name] = Slot()
            return [.readerAdded(name)]
        }
    }

    /// Unplugs a reader (and the card in it).
    public func removeReader(_ name: String) {
        publish { state in
            guard let slot = state.slots.removeValue(forKey: name) else { return [] }
            state.order.removeAll { $0 == name }
            return (slot.card == nil ? [] : [.cardRemoved(reader: name)]) + [.readerRemoved(name)]
        }
    }

    /// Puts `card` into `reader`, replacing any card already there.
    public func insert(_ card: any SimulatedCard, into reader: String) {
        card.reset()
        publish { state in
            guard var slot = state.slots[reader] else { return [] }
            let hadCard = slot.card != nil
            slot.card = card
            slot.generation += 1
            slot.fault = nil
            slot.exclusiveOwner = nil
            slot.transactionOwner = nil
            state.slots[reader] = slot
            return (hadCard ? [.cardRemoved(reader: reader)] : []) + [.cardInserted(reader: reader, atr: card.atr)]
        }
    }

    /// Takes the card out of `reader`.
    public func remove(from reader: String) {
        publish { state in
            guard var slot = state.slots[reader], slot.card != nil else { return [] }
            slot = Slot(card: nil, generation: slot.generation + 1)
            state.slots[reader] = slot
            return [.cardRemoved(reader: reader)]
        }
    }

    /// Makes the card in `reader` misbehave from now on (until it is removed or reinserted).
    public func inject(_ fault: Fault, into reader: String) {
        state.withLock { $0.slots[reader]?.fault = fault }
    }

    private func publish(_ change: (inout State) -> [ReaderEvent]) {
        let (events, subscribers) = state.withLock { state in (change(&state), Array(state.subscribers.values)) }
        for event in events {
            for subscriber in subscribers { subscriber.yield(event) }
        }
    }

    // MARK: CardReader

    public func readers() async throws -> [ReaderStatus] {
        state.withLock { state in
            state.order.map { name in
                let slot = state.slots[name]
                return ReaderStatus(name: name, cardPresent: slot?.card != nil, atr: slot?.card?.atr,
                                    exclusive: slot?.exclusiveOwner != nil)
            }
        }
    }

    public func events() -> AsyncThrowingStream<ReaderEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<ReaderEvent, any Error>.makeStream()
        let id = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.subscribers[id] = continuation
            for name in state.order {
                continuation.yield(.readerAdded(name))
                if let card = state.slots[name]?.card { continuation.yield(.cardInserted(reader: name, atr: card.atr)) }
            }
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    public func connect(reader: String, share: ShareMode, protocols: CardProtocols) async throws -> any CardChannel {
        try state.withLock { state throws(PCSCError) in
            guard var slot = state.slots[reader] else { throw PCSCError(.unknownReader, function: "SCardConnect") }
            guard let card = slot.card else { throw PCSCError(.noSmartcard, function: "SCardConnect") }
            guard slot.exclusiveOwner == nil else { throw PCSCError(.sharingViolation, function: "SCardConnect") }
            let id = state.nextID
            state.nextID += 1
            if share == .exclusive {
                slot.exclusiveOwner = id
                state.slots[reader] = slot
            }
            return SimulatedChannel(reader: self, name: reader, id: id, generation: slot.generation, atr: card.atr)
        }
    }

    // MARK: Exchanges from channels

    fileprivate enum Outcome {
        case answer([UInt8])
        case fail(PCSCError.Code)
        case mute
    }

    fileprivate func exchange(_ command: [UInt8], reader: String, generation: Int) async throws -> [UInt8] {
        let outcome = state.withLock { state -> Outcome in
            guard var slot = state.slots[reader] else { return .fail(.readerUnavailable) }
            guard let card = slot.card, slot.generation == generation else {
                return .fail(slot.card == nil ? .removedCard : .resetCard)
            }
            switch slot.fault {
            case .removeCard(let remaining) where remaining <= 0:
                slot = Slot(card: nil, generation: slot.generation + 1)
                state.slots[reader] = slot
                return .fail(.removedCard)
            case .removeCard(let remaining):
                slot.fault = .removeCard(afterCommands: remaining - 1)
            case .resetCard(let remaining) where remaining <= 0:
                card.reset()
                slot.fault = nil
                slot.generation += 1
                state.slots[reader] = slot
                return .fail(.resetCard)
            case .resetCard(let remaining):
                slot.fault = .resetCard(afterCommands: remaining - 1)
            case .mute:
                return .mute
            case .garbage(let bytes):
                return .answer(bytes)
            case nil:
                break
            }
            state.slots[reader] = slot
            return .answer(card.respond(to: command))
        }
        switch outcome {
        case .answer(let bytes): return bytes
        case .fail(let code): throw PCSCError(code, function: "SCardTransmit")
        case .mute:
            try await Task.sleep(for: exchangeTimeout)
            throw PCSCError(.timeout, function: "SCardTransmit")
        }
    }

    fileprivate func transaction(begin: Bool, reader: String, owner: Int, generation: Int) throws(PCSCError) {
        let function = begin ? "SCardBeginTransaction" : "SCardEndTransaction"
        try state.withLock { state throws(PCSCError) in
            guard var slot = state.slots[reader] else { throw PCSCError(.readerUnavailable, function: function) }
            guard slot.card != nil else { throw PCSCError(.removedCard, function: function) }
            guard slot.generation == generation else { throw PCSCError(.resetCard, function: function) }
            if begin {
                guard slot.transactionOwner == nil || slot.transactionOwner == owner else {
                    throw PCSCError(.sharingViolation, function: function)
                }
                slot.transactionOwner = owner
            } else {
                guard slot.transactionOwner == owner else { throw PCSCError(.notTransacted, function: function) }
                slot.transactionOwner = nil
            }
            state.slots[reader] = slot
        }
    }

    fileprivate func release(reader: String, owner: Int) {
        state.withLock { state in
            guard var slot = state.slots[reader] else { return }
            if slot.exclusiveOwner == owner { slot.exclusiveOwner = nil }
            if slot.transactionOwner == owner { slot.transactionOwner = nil }
            state.slots[reader] = slot
        }
    }
}

/// A connection to a card in the mock reader.
final class SimulatedChannel: CardChannel {
    let reader: SimulatedReader
    let name: String
    let id: Int
    let generation: Int
    let atr: [UInt8]
    private let closed = Mutex(false)

    init(reader: SimulatedReader, name: String, id: Int, generation: Int, atr: [UInt8]) {
        self.reader = reader
        self.name = name
        self.id = id
        self.generation = generation
        self.atr = atr
    }

    private func checkOpen(_ function: String) throws(PCSCError) {
        if closed.withLock({ $0 }) { throw PCSCError(.invalidHandle, function: function) }
    }

    func transmit(raw command: [UInt8]) async throws -> [UInt8] {
        try checkOpen("SCardTransmit")
        return try await reader.exchange(command, reader: name, generation: generation)
    }

    func beginTransaction() async throws {
        try checkOpen("SCardBeginTransaction")
        try reader.transaction(begin: true, reader: name, owner: id, generation: generation)
    }

    func endTransaction(disposition: CardDisposition) async throws {
        try checkOpen("SCardEndTransaction")
        try reader.transaction(begin: false, reader: name, owner: id, generation: generation)
    }

    func disconnect(disposition: CardDisposition) async throws {
        try checkOpen("SCardDisconnect")
        closed.withLock { $0 = true }
        reader.release(reader: name, owner: id)
    }
}
