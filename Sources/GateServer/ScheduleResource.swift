import AccessStore

import enum AccessPolicy.SiteCollection
import struct AccessPolicy.TimeOfDay
import enum AccessPolicy.Weekday
import struct AccessPolicy.WeekdaySet

/// Schedule `{id, name, intervals: [{days: [mon..sun], start: "HH:MM", end: "HH:MM"}],
/// onHolidays: closed|ignore|holiday_intervals, holidayIntervals?}`. An end of `"24:00"` is the end of the day; a
/// start later than its end crosses midnight.
struct ScheduleResource: AdminResource {
    static let collection = SiteCollection.schedules
    static let path = "schedules"

    var id: String
    var name: String
    var intervals: [Interval]
    var onHolidays: HolidayPolicy
    var holidayIntervals: [Interval]?

    enum CodingKeys: String, CodingKey, CaseIterable { case id, name, intervals, onHolidays, holidayIntervals }

    /// One weekly interval.
    struct Interval: Codable, Sendable, Hashable {
        var days: [String]
        var start: String
        var end: String

        enum CodingKeys: String, CodingKey, CaseIterable { case days, start, end }

        init(days: [String], start: String, end: String) {
            self.days = days
            self.start = start
            self.end = end
        }

        init(from decoder: any Decoder) throws {
            let path = decoder.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined()
            let fields = try AdminFields(decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
            let names = Weekday.allCases.map(\.rawValue).joined(separator: ", ")
            guard let days = try fields.nested("days", [String].self, expected: "an array of day names") else {
                throw AdminFields.invalid("\(path).days is required")
            }
            for day in days where Weekday(rawValue: day) == nil {
                throw AdminFields.invalid("\(path).days: \"\(day.prefix(20))\" is not one of \(names)")
            }
            guard Set(days).count == days.count else { throw AdminFields.invalid("\(path).days repeats a day") }
            self.days = Weekday.allCases.map(\.rawValue).filter(days.contains)
            guard let start = try fields.string("start", maximumLength: 5), TimeOfDay(start) != nil,
                let end = try fields.string("end", maximumLength: 5), TimeOfDay(end) != nil
            else {
                throw AdminFields.invalid("\(path): start and end are required, as \"HH:MM\" from 00:00 to 24:00")
            }
            self.start = start
            self.end = end
        }

        func record(scheduleId: String, holiday: Bool, position: Int) -> ScheduleIntervalRecord {
            let set = WeekdaySet(days.compactMap(Weekday.init(rawValue:)))
            return ScheduleIntervalRecord(scheduleId: scheduleId, holiday: holiday, position: position,
                days: Int(set.rawValue), startMinute: TimeOfDay(start)?.minutes ?? 0,
                endMinute: TimeOfDay(end)?.minutes ?? 0)
        }

        init(record: ScheduleIntervalRecord) {
            let set = WeekdaySet(rawValue: UInt8(truncatingIfNeeded: record.days))
            days = set.days.map(\.rawValue)
            start = TimeOfDay(minutes: record.startMinute)?.description ?? "00:00"
            end = TimeOfDay(minutes: record.endMinute)?.description ?? "00:00"
        }
    }

    init(from decoder: any Decoder) throws {
        let fields = try AdminFields(decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        id = try fields.id("id") ?? ""
        name = try fields.requiredString("name")
        guard let intervals = try fields.nested("intervals", [Interval].self, expected: "an array of intervals") else {
            throw AdminFields.invalid("intervals is required")
        }
        self.intervals = intervals
        onHolidays = try fields.requiredChoice("onHolidays", HolidayPolicy.self)
        holidayIntervals = try fields.nested("holidayIntervals", [Interval].self, expected: "an array of intervals")
        if holidayIntervals?.isEmpty == true { holidayIntervals = nil }
        if intervals.count + (holidayIntervals?.count ?? 0) > 64 {
            throw AdminFields.invalid("a schedule has at most 64 intervals")
        }
    }

    init(entity: AdminEntity) throws {
        guard case .schedule(let record, let rows) = entity else { throw Self.wrongEntity(entity) }
        id = record.id
        name = record.name
        onHolidays = record.onHolidays
        intervals = rows.filter { !$0.holiday }.map(Interval.init(record:))
        let holiday = rows.filter(\.holiday).map(Interval.init(record:))
        holidayIntervals = holiday.isEmpty ? nil : holiday
    }

    func entity(previous: AdminEntity?) throws -> AdminEntity {
        let rows =
            intervals.enumerated().map { $1.record(scheduleId: id, holiday: false, position: $0) }
            + (holidayIntervals ?? []).enumerated().map { $1.record(scheduleId: id, holiday: true, position: $0) }
        return .schedule(ScheduleRecord(id: id, name: name, onHolidays: onHolidays), intervals: rows)
    }
}
