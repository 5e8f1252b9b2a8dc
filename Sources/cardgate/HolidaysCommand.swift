import AccessPolicy
import ArgumentParser
import Foundation

/// `cardgate holidays --site FILE --year YEAR [--json]`: the year's holidays with their solar dates.
struct HolidaysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holidays",
        abstract: "List a year's holidays of a site with their solar dates (lunar dates for UTC+7)."
    )

    @Option(name: .long, help: "The site file (YAML).")
    var site: String

    @Option(name: .long, help: "The year, 1900 to 2100.")
    var year: Int

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        guard HolidayCalendar.supportedYears.contains(year) else {
            throw ValidationError("--year must be from 1900 to 2100")
        }
    }

    /// One line of the JSON output.
    struct Entry: Encodable {
        let id: String
        let name: String
        let kind: String
        let date: String
        let weekday: String
        let day: Int
        let days: Int
    }

    func run() throws {
        let model = try SiteFiles.load([site])
        let days = HolidayCalendar(holidays: model.holidays).occurrences(inYear: year)
        if json {
            let entries = days.map {
                Entry(id: $0.holidayId, name: $0.name, kind: $0.kind.rawValue, date: $0.date.description,
                    weekday: $0.date.weekday.rawValue, day: $0.dayOfHoliday, days: $0.days)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(entries), as: UTF8.self))
            return
        }
        for day in days {
            let part = day.days > 1 ? " (day \(day.dayOfHoliday) of \(day.days))" : ""
            print("\(day.date)  \(day.date.weekday.rawValue)  \(day.name) [\(day.holidayId), \(day.kind.rawValue)]"
                + part)
        }
    }
}
