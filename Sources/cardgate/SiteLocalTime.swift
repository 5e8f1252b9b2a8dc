import DoorAgent
import Foundation

/// The times security staff type for `--from` and `--to`, read in the site's time zone.
///
/// - an ISO 8601 date-time with an offset: `2026-11-29T08:00:00+07:00`, `2026-11-29T01:00:00Z`;
/// - a site-local date or date-time: `2026-11-29` (midnight), `2026-11-29 08:30`, `2026-11-29T08:30:15`;
/// - `HH:MM` today; `today`, `yesterday` (midnight); `now`;
/// - a span before now: `90s`, `15m`, `2h`, `7d`.
struct SiteLocalTime: Sendable {
    var timeZone: TimeZone
    var now: Date

    static let formsHelp = "an ISO 8601 time with offset, or site-local: 2026-11-29, '2026-11-29 08:30', 08:30, "
        + "today, yesterday, now, or a span before now: 15m, 2h, 7d"

    /// The instant `text` names, or nil when it is none of the forms.
    func parse(_ text: String) -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces)
        switch text.lowercased() {
        case "now": return now
        case "today": return startOfDay(now)
        case "yesterday": return calendar.date(byAdding: .day, value: -1, to: startOfDay(now))
        default: break
        }
        if let span = Self.span(text) { return now.addingTimeInterval(-span) }
        if let clock = localDate(text, format: "HH:mm"), text.count == 5 {
            let parts = calendar.dateComponents([.hour, .minute], from: clock)
            return calendar.date(bySettingHour: parts.hour ?? 0, minute: parts.minute ?? 0, second: 0, of: now)
        }
        if let date = GateAPIClient.parseDate(text) { return date }
        for format in [
            "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss",
        ] {
            if let date = localDate(text, format: format) { return date }
        }
        return nil
    }

    /// `90s`, `15m`, `2h`, `7d` in seconds.
    static func span(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let count = Int(text.dropLast()), count >= 0, text.first?.isNumber == true else {
            return nil
        }
        switch unit {
        case "s": return TimeInterval(count)
        case "m": return TimeInterval(count) * 60
        case "h": return TimeInterval(count) * 3600
        case "d": return TimeInterval(count) * 86_400
        default: return nil
        }
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    private func startOfDay(_ date: Date) -> Date { calendar.startOfDay(for: date) }

    private func localDate(_ text: String, format: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = calendar
        formatter.timeZone = timeZone
        formatter.dateFormat = format
        formatter.isLenient = false
        guard let date = formatter.date(from: text), formatter.string(from: date) == text else { return nil }
        return date
    }
}
