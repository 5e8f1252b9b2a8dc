/// An area of the site; zones nest through `parentId` (a floor inside a building).
///
/// Maps to the API's Zone `{id, name, parentId?, antiPassback, maxOccupancy?}`. A lockdown of a zone covers the
/// zones below it.
public struct Zone: Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var parentId: String?
    public var antiPassback: AntiPassbackMode
    /// After this many seconds a person's recorded presence no longer blocks them (the timed reset); nil: never.
    public var antiPassbackResetSeconds: Int?
    /// The most people recorded inside at once; nil: unlimited.
    public var maxOccupancy: Int?

    public init(
        id: String, name: String, parentId: String? = nil, antiPassback: AntiPassbackMode = .none,
        antiPassbackResetSeconds: Int? = nil, maxOccupancy: Int? = nil
    ) {
        self.id = id
        self.name = name
        self.parentId = parentId
        self.antiPassback = antiPassback
        self.antiPassbackResetSeconds = antiPassbackResetSeconds
        self.maxOccupancy = maxOccupancy
    }
}

/// What happens when someone passes into or out of a zone out of sequence (entering twice without leaving).
public enum AntiPassbackMode: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// Not checked.
    case none
    /// Granted, with `anti_passback` recorded as an advisory on the decision.
    case soft
    /// Denied with `anti_passback`.
    case hard

    private var rank: Int {
        switch self {
        case .none: 0
        case .soft: 1
        case .hard: 2
        }
    }

    public static func < (lhs: AntiPassbackMode, rhs: AntiPassbackMode) -> Bool { lhs.rank < rhs.rank }
}
