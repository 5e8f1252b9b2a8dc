/// Turns successive observations of readers into `ReaderEvent`s.
///
/// Pure value type: `ReaderMonitor` feeds it what `SCardGetStatusChange` reports and the simulated reader's
/// tests feed it by hand. pcsc-lite counts card insertions and removals per reader in the high 16 bits of
/// `dwEventState`; a jump of two or more between wake-ups means a card came and went (or went and came)
/// while the monitor was not looking, and the tracker reports those events instead of losing them.
public struct ReaderStateTracker: Sendable, Equatable {
    /// What the tracker last saw of one reader.
    public struct Observation: Sendable, Equatable {
        public var cardPresent: Bool
        public var atr: [UInt8]
        public var eventCount: UInt16

        public init(cardPresent: Bool, atr: [UInt8], eventCount: UInt16) {
            self.cardPresent = cardPresent
            self.atr = atr
            self.eventCount = eventCount
        }
    }

    /// Readers in the order they were first seen.
    public private(set) var readerNames: [String] = []
    public private(set) var observations: [String: Observation] = [:]

    public init() {}

    /// Reconciles the known readers with a fresh reader list: removed readers first (with their cards),
    /// then added ones. Added readers get their card state from the next `observe`.
    public mutating func readersListed(_ names: [String]) -> [ReaderEvent] {
        var events: [ReaderEvent] = []
        for name in readerNames where !names.contains(name) {
            events += forget(name)
        }
        for name in names where !readerNames.contains(name) {
            readerNames.append(name)
            events.append(.readerAdded(name))
        }
        return events
    }

    /// Records the state of one known reader and returns the events that explain the change.
    public mutating func observe(reader name: String, _ now: Observation) -> [ReaderEvent] {
        guard readerNames.contains(name) else { return [] }
        defer { observations[name] = now }
        guard let before = observations[name] else {
            return now.cardPresent ? [.cardInserted(reader: name, atr: now.atr)] : []
        }
        let changes = now.eventCount &- before.eventCount
        switch (before.cardPresent, now.cardPresent) {
        case (true, false):
            return [.cardRemoved(reader: name)]
        case (false, true):
            return [.cardInserted(reader: name, atr: now.atr)]
        case (false, false) where changes >= 2:
            return [.cardInserted(reader: name, atr: []), .cardRemoved(reader: name)]
        case (true, true) where changes >= 2 || now.atr != before.atr:
            return [.cardRemoved(reader: name), .cardInserted(reader: name, atr: now.atr)]
        default:
            return []
        }
    }

    /// pcscd went away: every reader and card it served is gone.
    public mutating func serviceLost() -> [ReaderEvent] {
        let names = readerNames
        var events: [ReaderEvent] = []
        for name in names { events += forget(name) }
        return events
    }

    private mutating func forget(_ name: String) -> [ReaderEvent] {
        readerNames.removeAll { $0 == name }
        let hadCard = observations.removeValue(forKey: name)?.cardPresent ?? false
        return (hadCard ? [.cardRemoved(reader: name)] : []) + [.readerRemoved(name)]
    }
}
