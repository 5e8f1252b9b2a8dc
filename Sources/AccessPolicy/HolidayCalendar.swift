/// Turns a site's ``Holiday`` rules into solar dates, year by year.
public struct HolidayCalendar: Sendable {
    /// The years for which lunar holidays are computed (and checked against a reference table).
    public static let supportedYears = 1900...2100

    public let holidays: [Holiday]
    public let lunarCalendar: VietnameseLunarCalendar

    public init(holidays: [Holiday], lunarCalendar: VietnameseLunarCalendar = VietnameseLunarCalendar()) {
        self.holidays = holidays
        self.lunarCalendar = lunarCalendar
    }

    /// Every holiday day that falls in a solar year, in date order (then in model order).
    ///
    /// A holiday of several `days` yields one occurrence per day; a lunar date that does not exist in a year
    /// (day 30 of a 29-day month) yields nothing that year.
    public func occurrences(inYear year: Int) -> [HolidayOccurrence] {
        var lunarMonths: [Int: [VietnameseLunarCalendar.Month]] = [:]
        if holidays.contains(where: { $0.kind == .lunar }) {
            for lunarYear in (year - 1)...year { lunarMonths[lunarYear] = lunarCalendar.months(ofLunarYear: lunarYear) }
        }
        return occurrences(years: year...year, lunarMonths: lunarMonths).sorted { lhs, rhs in
            lhs.date == rhs.date ? lhs.order < rhs.order : lhs.date < rhs.date
        }
    }

    /// The day numbers of every holiday day in a range of solar years (unsorted, possibly repeated).
    func dayNumbers(years: ClosedRange<Int>) -> [Int] {
        var lunarMonths: [Int: [VietnameseLunarCalendar.Month]] = [:]
        if holidays.contains(where: { $0.kind == .lunar }) {
            let lunarYears = (years.lowerBound - 1)...years.upperBound
            var fromEleven: [Int: [VietnameseLunarCalendar.Month]] = [:]
            for year in lunarYears.lowerBound...(lunarYears.upperBound + 1) {
                fromEleven[year] = lunarCalendar.monthsFromEleven(endingIn: year)
            }
            for year in lunarYears {
                let head = (fromEleven[year] ?? []).drop { $0.number >= 11 }
                let tail = (fromEleven[year + 1] ?? []).prefix { $0.number >= 11 }
                lunarMonths[year] = Array(head) + Array(tail)
            }
        }
        return occurrences(years: years, lunarMonths: lunarMonths).map(\.date.dayNumber)
    }

    private func occurrences(
        years: ClosedRange<Int>, lunarMonths: [Int: [VietnameseLunarCalendar.Month]]
    ) -> [HolidayOccurrence] {
        var found: [HolidayOccurrence] = []
        for (order, holiday) in holidays.enumerated() where holiday.date.isPossible && holiday.days >= 1 {
            var starts: [LocalDate] = []
            switch holiday.date {
            case .solar(let month, let day):
                for year in (years.lowerBound - 1)...years.upperBound {
                    if let date = LocalDate(year: year, month: month, day: day) { starts.append(date) }
                }
            case .lunar(let month, let day):
                for year in (years.lowerBound - 1)...years.upperBound {
                    guard let found = lunarMonths[year]?.first(where: { $0.number == month && !$0.isLeap }),
                        day <= found.length
                    else { continue }
                    starts.append(found.firstDay.adding(days: day - 1))
                }
            case .once(let date):
                starts.append(date)
            }
            for start in starts {
                for offset in 0..<holiday.days {
                    let date = start.adding(days: offset)
                    guard years.contains(date.year) else { continue }
                    found.append(HolidayOccurrence(holidayId: holiday.id, name: holiday.name, kind: holiday.kind,
                        date: date, dayOfHoliday: offset + 1, days: holiday.days, order: order))
                }
            }
        }
        return found
    }
}

/// One day of a holiday in a given year.
public struct HolidayOccurrence: Sendable, Hashable {
    public var holidayId: String
    public var name: String
    public var kind: HolidayKind
    public var date: LocalDate
    /// 1 for the first day of a multi-day holiday.
    public var dayOfHoliday: Int
    public var days: Int
    /// Position of the holiday in the model, for a stable order.
    var order: Int
}

/// The set of holiday days of ``HolidayCalendar/supportedYears`` as a bit set, for the snapshot.
struct HolidayDays: Sendable {
    let firstDay: Int
    let bits: [UInt64]

    init(calendar: HolidayCalendar) {
        let range = HolidayCalendar.supportedYears
        firstDay = LocalDate(year: range.lowerBound, month: 1, day: 1)?.dayNumber ?? 0
        let lastDay = LocalDate(year: range.upperBound, month: 12, day: 31)?.dayNumber ?? 0
        var bits = [UInt64](repeating: 0, count: (lastDay - firstDay) / 64 + 1)
        if !calendar.holidays.isEmpty {
            for day in calendar.dayNumbers(years: range) {
                let offset = day - firstDay
                guard offset >= 0, offset / 64 < bits.count else { continue }
                bits[offset / 64] |= 1 << UInt64(offset % 64)
            }
        }
        self.bits = bits
    }

    /// Whether the local day is a holiday; days outside the supported years never are.
    func contains(day: Int) -> Bool {
        let offset = day - firstDay
        guard offset >= 0 else { return false }
        let word = offset >> 6
        guard word < bits.count else { return false }
        return bits[word] & (1 << UInt64(offset & 63)) != 0
    }
}
