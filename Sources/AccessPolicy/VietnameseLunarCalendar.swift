/// The Vietnamese lunisolar calendar, reckoned for UTC+7 (which makes it differ from the Chinese calendar, reckoned
/// for UTC+8, in years such as 1985, 2007 and 2030).
///
/// Rules:
/// - a month begins on the local day of a new moon;
/// - month 11 is the month containing the day of the December solstice;
/// - when 13 months lie between two consecutive months 11, the first of them after month 11 that contains no
///   principal solar term (the sun's apparent longitude reaching a multiple of 30°) is a leap month and repeats
///   the number of the month before it.
///
/// Checked for 1900–2100 against an independent ephemeris table (see the AccessPolicy tests). Astronomy
/// after Meeus, see `Astronomy`.
public struct VietnameseLunarCalendar: Sendable {
    /// Seconds east of UTC of the meridian the calendar is reckoned for.
    public let secondsFromUTC: Int

    /// The Vietnamese calendar (UTC+7).
    public init() { secondsFromUTC = 7 * 3600 }

    /// The same rules for another meridian (UTC+8 gives the Chinese calendar); for comparisons.
    public init(secondsFromUTC: Int) { self.secondsFromUTC = secondsFromUTC }

    /// One lunar month.
    public struct Month: Sendable, Hashable {
        /// 1…12.
        public let number: Int
        public let isLeap: Bool
        /// The solar date of day 1.
        public let firstDay: LocalDate
        /// 29 or 30.
        public let length: Int
    }

    /// The months of lunar year `year` (the one whose first day is Tết in solar year `year`), from month 1
    /// through month 12, including a leap month if there is one.
    public func months(ofLunarYear year: Int) -> [Month] {
        let current = monthsFromEleven(endingIn: year)
        let next = monthsFromEleven(endingIn: year + 1)
        // `current` holds months 11 and 12 of the previous lunar year, then 1...10 of this one; `next` starts with
        // months 11 and 12 of this year.
        let head = current.drop { $0.number >= 11 }
        let tail = next.prefix { $0.number >= 11 }
        return Array(head) + Array(tail)
    }

    /// The solar date of a lunar date, or nil when the day does not exist that year (day 30 of a 29-day month).
    public func solarDate(lunarYear year: Int, month: Int, day: Int, leap: Bool = false) -> LocalDate? {
        guard let found = months(ofLunarYear: year).first(where: { $0.number == month && $0.isLeap == leap }),
            (1...found.length).contains(day)
        else { return nil }
        return found.firstDay.adding(days: day - 1)
    }

    /// Tết (lunar 1/1) of a year.
    public func newYear(_ year: Int) -> LocalDate {
        monthsFromEleven(endingIn: year).first { $0.number == 1 && !$0.isLeap }?.firstDay
            ?? LocalDate(dayNumber: 0)
    }

    /// Months 11 (of the previous lunar year) through the month before the next month 11, each with its start.
    func monthsFromEleven(endingIn year: Int) -> [Month] {
        let (startK, startDay) = monthElevenStart(solarYear: year - 1)
        let (_, endDay) = monthElevenStart(solarYear: year)
        var starts: [Int] = [startDay]
        var k = startK
        while starts.count < 15 {
            k += 1
            let day = newMoonDay(k)
            starts.append(day)
            if day >= endDay { break }
        }
        let count = starts.count - 1
        var leapIndex: Int?
        if count == 13 {
            leapIndex = (1...12).first { !containsPrincipalTerm(from: starts[$0], to: starts[$0 + 1]) }
        }
        var months: [Month] = []
        var number = 11
        for index in 0..<count {
            let isLeap = index == leapIndex
            if index > 0 && !isLeap { number = number % 12 + 1 }
            let firstDay = LocalDate(dayNumber: starts[index])
            months.append(Month(number: number, isLeap: isLeap, firstDay: firstDay,
                length: starts[index + 1] - starts[index]))
        }
        return months
    }

    /// The new moon number and local day number that begin month 11 of a solar year (the month that contains the
    /// December solstice).
    private func monthElevenStart(solarYear year: Int) -> (k: Int, day: Int) {
        let solstice = solsticeDay(year)
        var k = Int(((Double(solstice) + Astronomy.unixEpochJulianDay - 2_451_550.1) / 29.530588853).rounded(.down))
        while newMoonDay(k + 1) <= solstice { k += 1 }
        while newMoonDay(k) > solstice { k -= 1 }
        return (k, newMoonDay(k))
    }

    /// The local day on which the sun's apparent longitude reaches 270°.
    private func solsticeDay(_ year: Int) -> Int {
        let december18 = LocalDate(year: year, month: 12, day: 18)?.dayNumber ?? 0
        for day in december18...(december18 + 8) where sunLongitudeAtMidnight(day + 1) >= 270 {
            return day
        }
        return december18 + 4
    }

    private func newMoonDay(_ k: Int) -> Int {
        let local = Astronomy.newMoon(k) - Astronomy.unixEpochJulianDay + Double(secondsFromUTC) / 86_400
        return Int(local.rounded(.down))
    }

    private func sunLongitudeAtMidnight(_ day: Int) -> Double {
        Astronomy.sunLongitude(julianDay: Double(day) + Astronomy.unixEpochJulianDay
            - Double(secondsFromUTC) / 86_400)
    }

    /// Whether a principal term falls on one of the days `from..<to`.
    private func containsPrincipalTerm(from: Int, to: Int) -> Bool {
        Int(sunLongitudeAtMidnight(from) / 30) != Int(sunLongitudeAtMidnight(to) / 30)
    }
}
