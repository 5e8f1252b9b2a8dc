import AccessPolicy
import Foundation
import Testing

/// Schedules in site-local time (UTC+7, no DST): intervals, midnight crossings and holidays.
@Suite struct ScheduleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let person: String
        let at: String
        let expected: DecisionReason
        let note: String
        var testDescription: String { "\(person) at \(at): \(note)" }
    }

    static let cases: [Case] = [
        Case(person: "alice-piv", at: "2025-03-03 07:29", expected: .outsideSchedule, note: "a minute before opening"),
        Case(person: "alice-piv", at: "2025-03-03 07:30", expected: .granted, note: "start is inclusive"),
        Case(person: "alice-piv", at: "2025-03-03 11:29", expected: .granted, note: "last minute of the morning"),
        Case(person: "alice-piv", at: "2025-03-03 11:30", expected: .outsideSchedule, note: "end is exclusive"),
        Case(person: "alice-piv", at: "2025-03-03 12:15", expected: .outsideSchedule, note: "lunch break"),
        Case(person: "alice-piv", at: "2025-03-03 16:59", expected: .granted, note: "afternoon"),
        Case(person: "alice-piv", at: "2025-03-08 09:00", expected: .outsideSchedule, note: "Saturday"),
        Case(person: "alice-piv", at: "2025-04-07 09:00", expected: .outsideSchedule, note: "Hùng Kings' day, closed"),
        Case(person: "alice-piv", at: "2025-04-30 09:00", expected: .outsideSchedule, note: "30 April, closed"),
        Case(person: "alice-piv", at: "2025-01-31 09:00", expected: .outsideSchedule, note: "third day of Tết"),
        Case(person: "alice-piv", at: "2025-02-03 09:00", expected: .granted, note: "the Monday after Tết"),
        Case(person: "resp-piv", at: "2025-04-07 03:00", expected: .granted, note: "holidays ignored"),
        // Night shift: weekdays 22:00-06:00; holidays use 08:00-12:00 instead.
        Case(person: "eve-piv", at: "2025-03-03 22:00", expected: .granted, note: "Monday night"),
        Case(person: "eve-piv", at: "2025-03-04 05:59", expected: .granted, note: "after midnight, started Monday"),
        Case(person: "eve-piv", at: "2025-03-04 06:00", expected: .outsideSchedule, note: "end after midnight"),
        Case(person: "eve-piv", at: "2025-03-03 03:00", expected: .outsideSchedule, note: "Sunday night not listed"),
        Case(person: "eve-piv", at: "2025-03-08 02:00", expected: .granted, note: "Friday night into Saturday"),
        Case(person: "eve-piv", at: "2025-04-07 23:00", expected: .outsideSchedule, note: "holiday night: closed"),
        Case(person: "eve-piv", at: "2025-04-08 02:00", expected: .outsideSchedule,
            note: "after midnight of a holiday night belongs to the holiday"),
        Case(person: "eve-piv", at: "2025-04-07 09:00", expected: .granted, note: "holiday interval"),
        Case(person: "eve-piv", at: "2025-04-06 23:30", expected: .outsideSchedule, note: "Sunday, not listed"),
        Case(person: "eve-piv", at: "2025-04-29 02:00", expected: .granted,
            note: "Tuesday after Monday 28 April, an ordinary night"),
        Case(person: "eve-piv", at: "2025-04-30 02:00", expected: .granted,
            note: "night that started on Tuesday 29 April runs into the holiday"),
    ]

    @Test(arguments: cases)
    func stairsAt(_ testCase: Case) throws {
        let decision = try Fixture.snapshot().decide(Fixture.request("stairs", Fixture.piv(testCase.person),
            testCase.at))
        #expect(decision.reason == testCase.expected)
    }

    @Test func holidayIntervalIsReported() throws {
        let decision = try Fixture.snapshot().decide(Fixture.request("stairs", Fixture.piv("eve-piv"),
            "2025-04-07 09:00"))
        #expect(decision.interval?.holidayInterval == true)
        #expect(decision.interval?.scheduleId == "night")
    }

    /// 17:00 UTC is midnight in Hanoi: the weekday and date change there, whatever the host's time zone.
    @Test func localTimeIsUTCPlusSeven() {
        let sundayEvening = Date(timeIntervalSince1970: 1_740_934_800)  // 2025-03-02 17:00 UTC
        let local = SiteTimeZone.vietnam.localTime(of: sundayEvening)
        #expect(local.date == LocalDate(year: 2025, month: 3, day: 3))
        #expect(local.minuteOfDay == 0)
        #expect(local.weekdayIndex == Weekday.monday.index)
        let before = SiteTimeZone.vietnam.localTime(of: sundayEvening.addingTimeInterval(-1))
        #expect(before.weekdayIndex == Weekday.sunday.index)
        #expect(before.minuteOfDay == 1439)
    }

    @Test func noDaylightSavingShiftAcrossTheYear() {
        for month in 1...12 {
            guard let date = LocalDate(year: 2025, month: month, day: 15), let noon = TimeOfDay("12:00") else {
                Issue.record("date")
                return
            }
            let instant = SiteTimeZone.vietnam.instant(of: date, at: noon)
            #expect(SiteTimeZone.vietnam.localTime(of: instant).minuteOfDay == 720)
            #expect(Int(instant.timeIntervalSince1970) % 86_400 == 5 * 3600)
        }
    }

    @Test func holidayCalendarListsSolarDates() {
        let days = HolidayCalendar(holidays: ReferenceSite.vietnamesePublicHolidays).occurrences(inYear: 2025)
        let dates = days.map(\.date.description)
        #expect(dates == [
            "2025-01-01", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-01", "2025-02-02", "2025-04-07",
            "2025-04-30", "2025-05-01", "2025-09-02", "2025-09-03",
        ])
        #expect(days.first { $0.holidayId == "tet" }?.dayOfHoliday == 1)
    }

    @Test func lunarHolidaySpanningNewYearIsListedInBothYears() {
        // Lunar 12/23 (Ông Công Ông Táo) of lunar year 2024 falls on 2025-01-22; a 15-day span reaches February.
        let holiday = Holiday(id: "kitchen", name: "Kitchen gods", date: .lunar(month: 12, day: 23), days: 15)
        let in2025 = HolidayCalendar(holidays: [holiday]).occurrences(inYear: 2025)
        #expect(in2025.first?.date == LocalDate(year: 2025, month: 1, day: 22))
        #expect(in2025.contains { $0.date == LocalDate(year: 2025, month: 2, day: 5) })
    }

    @Test func onceHolidayAndLeapDay() {
        let holidays = [
            Holiday(id: "swap", name: "Substitute day",
                date: .once(LocalDate(year: 2025, month: 5, day: 2) ?? .init(dayNumber: 0))),
            Holiday(id: "leap", name: "Leap day", date: .solar(month: 2, day: 29)),
        ]
        let calendar = HolidayCalendar(holidays: holidays)
        #expect(calendar.occurrences(inYear: 2025).map(\.holidayId) == ["swap"])
        #expect(calendar.occurrences(inYear: 2024).map(\.holidayId) == ["leap"])
    }
}
