/// When access levels that use it are open: weekly intervals in site-local time.
///
/// Maps to the API's Schedule `{id, name, intervals, onHolidays, holidayIntervals?}`.
///
/// An interval whose start is later than its end crosses midnight: `22:00`–`06:00` on `mon` is open from Monday
/// 22:00 to Tuesday 06:00. Such an interval belongs to the day it starts on, also for holidays: whether the part
/// after midnight is open on a holiday depends on whether its *start* day is a holiday.
public struct Schedule: Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var intervals: [ScheduleInterval]
    public var onHolidays: HolidayRule
    /// Used instead of `intervals` on holidays when `onHolidays` is `holidayIntervals`; an interval with no days
    /// applies to a holiday on any weekday.
    public var holidayIntervals: [ScheduleInterval]

    public init(
        id: String, name: String, intervals: [ScheduleInterval], onHolidays: HolidayRule = .closed,
        holidayIntervals: [ScheduleInterval] = []
    ) {
        self.id = id
        self.name = name
        self.intervals = intervals
        self.onHolidays = onHolidays
        self.holidayIntervals = holidayIntervals
    }
}

/// One weekly interval of a ``Schedule``: on each of `days`, from `start` (inclusive) to `end` (exclusive).
public struct ScheduleInterval: Sendable, Hashable, CustomStringConvertible {
    public var days: WeekdaySet
    public var start: TimeOfDay
    /// `24:00` is the end of the day; earlier than `start` crosses midnight.
    public var end: TimeOfDay

    public init(days: WeekdaySet, start: TimeOfDay, end: TimeOfDay) {
        self.days = days
        self.start = start
        self.end = end
    }

    /// Whether the interval continues past midnight into the next day.
    public var crossesMidnight: Bool { end < start }

    /// An interval is usable when it is not empty and does not start at `24:00`.
    public var isValid: Bool { start != end && start.minutes < 1440 }

    /// Open minutes as half-open ranges within one week (0 = Monday 00:00), wrapping Sunday night into Monday.
    /// `daysIfEmpty` is used when `days` is empty (holiday intervals).
    func weekRanges(daysIfEmpty: WeekdaySet = []) -> [Range<Int>] {
        let week = 7 * 1440
        let chosen = days.rawValue == 0 ? daysIfEmpty : days
        var ranges: [Range<Int>] = []
        for day in chosen.days {
            let base = day.index * 1440
            if crossesMidnight {
                ranges.append(base + start.minutes..<base + 1440)
                if end.minutes > 0 {
                    let next = (base + 1440) % week
                    ranges.append(next..<next + end.minutes)
                }
            } else {
                ranges.append(base + start.minutes..<base + end.minutes)
            }
        }
        return ranges
    }

    /// `mon,tue 07:30-11:30`.
    public var description: String {
        let names = days.days.map(\.rawValue).joined(separator: ",")
        return (names.isEmpty ? "" : names + " ") + start.description + "-" + end.description
    }
}

/// What a schedule does on a holiday.
public enum HolidayRule: String, Sendable, Hashable, CaseIterable, Codable {
    /// Closed all day.
    case closed
    /// Holidays are ordinary days.
    case ignore
    /// The schedule's `holidayIntervals` apply instead of its intervals.
    case holidayIntervals = "holiday_intervals"
}
