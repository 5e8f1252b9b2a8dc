/// A day of the week, Monday first (ISO 8601), spelled `mon` … `sun` in site files and the API.
public enum Weekday: String, Sendable, Hashable, CaseIterable, Codable {
    case monday = "mon"
    case tuesday = "tue"
    case wednesday = "wed"
    case thursday = "thu"
    case friday = "fri"
    case saturday = "sat"
    case sunday = "sun"

    /// 0 for Monday through 6 for Sunday.
    public var index: Int {
        switch self {
        case .monday: 0
        case .tuesday: 1
        case .wednesday: 2
        case .thursday: 3
        case .friday: 4
        case .saturday: 5
        case .sunday: 6
        }
    }

    /// The weekday with the given index, 0 (Monday) through 6 (Sunday); wraps around.
    public init(index: Int) {
        let all = Weekday.allCases
        self = all[((index % 7) + 7) % 7]
    }
}

/// A set of weekdays stored as a bit mask (no allocation when copied or tested).
public struct WeekdaySet: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x7F }

    /// The set holding exactly one day.
    public init(_ day: Weekday) { self.init(rawValue: 1 << UInt8(day.index)) }

    /// The set of the given days.
    public init(_ days: some Sequence<Weekday>) {
        self.init(rawValue: days.reduce(0) { $0 | (1 << UInt8($1.index)) })
    }

    public static let monday = WeekdaySet(.monday)
    public static let tuesday = WeekdaySet(.tuesday)
    public static let wednesday = WeekdaySet(.wednesday)
    public static let thursday = WeekdaySet(.thursday)
    public static let friday = WeekdaySet(.friday)
    public static let saturday = WeekdaySet(.saturday)
    public static let sunday = WeekdaySet(.sunday)
    public static let weekdays = WeekdaySet([.monday, .tuesday, .wednesday, .thursday, .friday])
    public static let weekend = WeekdaySet([.saturday, .sunday])
    public static let everyDay = WeekdaySet(rawValue: 0x7F)

    /// Whether the set holds the day.
    public func contains(_ day: Weekday) -> Bool { rawValue & (1 << UInt8(day.index)) != 0 }

    /// Whether the set holds the day with the given index (0 = Monday).
    public func contains(dayIndex: Int) -> Bool { rawValue & (1 << UInt8(dayIndex)) != 0 }

    /// The days in the set, Monday first.
    public var days: [Weekday] { Weekday.allCases.filter { contains($0) } }
}
