/// How a connection shares the card with other applications (`SCARD_SHARE_*`).
public enum ShareMode: Sendable, Hashable {
    case shared, exclusive, direct
}

/// Transmission protocols a connection may use (`SCARD_PROTOCOL_*`).
public struct CardProtocols: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let t0 = CardProtocols(rawValue: 1)
    public static let t1 = CardProtocols(rawValue: 2)
    public static let raw = CardProtocols(rawValue: 4)
    public static let any: CardProtocols = [.t0, .t1]
}

/// What happens to the card when a connection or a transaction ends (`SCARD_*_CARD` dispositions).
public enum CardDisposition: Sendable, Hashable {
    case leave, reset, unpower, eject
}

/// An event seen on a set of readers, from PC/SC or from the simulated reader.
public enum ReaderEvent: Sendable, Hashable, CustomStringConvertible {
    case readerAdded(String)
    case readerRemoved(String)
    case cardInserted(reader: String, atr: [UInt8])
    case cardRemoved(reader: String)

    public var readerName: String {
        switch self {
        case .readerAdded(let name), .readerRemoved(let name): name
        case .cardInserted(let name, _), .cardRemoved(let name): name
        }
    }

    public var description: String {
        switch self {
        case .readerAdded(let name): "reader added: \(name)"
        case .readerRemoved(let name): "reader removed: \(name)"
        case .cardInserted(let name, let atr): "card inserted: \(name) ATR \(atr.hexString(separator: " "))"
        case .cardRemoved(let name): "card removed: \(name)"
        }
    }
}

/// A reader and whether it holds a card, as listed by `CardReader` implementations.
public struct ReaderStatus: Sendable, Hashable {
    public var name: String
    /// The card's ATR when a card is present and powered.
    public var atr: [UInt8]?
    public var cardPresent: Bool
    /// Another application holds the card exclusively.
    public var exclusive: Bool

    public init(name: String, cardPresent: Bool, atr: [UInt8]? = nil, exclusive: Bool = false) {
        self.name = name
        self.cardPresent = cardPresent
        self.atr = atr
        self.exclusive = exclusive
    }
}
