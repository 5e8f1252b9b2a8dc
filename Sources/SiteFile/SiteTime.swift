import AccessPolicy
import Foundation

/// Dates and times as written in site files and on the command line.
public enum SiteTime {
    /// Parses `YYYY-MM-DD` (site-local midnight), `YYYY-MM-DD HH:MM` or `YYYY-MM-DDTHH:MM` (site-local), or
    /// ISO 8601 with seconds optional and an offset (`2025-03-03T09:00:00+07:00`, `…Z`). Nil for anything else or
    /// an impossible date.
    public static func parse(_ text: String, timeZone: SiteTimeZone) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count >= 10, let date = LocalDate(String(trimmed.prefix(10))) else { return nil }
        var rest = trimmed.dropFirst(10)
        if rest.isEmpty { return timeZone.instant(of: date, at: .midnight) }
        guard rest.first == "T" || rest.first == " " else { return nil }
        rest = rest.dropFirst()
        guard rest.count >= 5, let clock = TimeOfDay(String(rest.prefix(5))), clock.minutes < 1440 else { return nil }
        rest = rest.dropFirst(5)
        var seconds = 0
        if rest.first == ":" {
            let digits = rest.dropFirst().prefix { $0.isNumber }
            guard digits.count == 2, let value = Int(digits), value < 60 else { return nil }
            seconds = value
            rest = rest.dropFirst(1 + digits.count)
        }
        var offset = timeZone.secondsFromUTC
        if rest == "Z" {
            offset = 0
        } else if let sign = rest.first, sign == "+" || sign == "-" {
            let body = String(rest.dropFirst())
            guard body.count == 5, let zone = TimeOfDay(body), zone.minutes <= 14 * 60 else { return nil }
            offset = (sign == "+" ? 1 : -1) * zone.minutes * 60
        } else if !rest.isEmpty {
            return nil
        }
        let local = date.dayNumber * 86_400 + clock.minutes * 60 + seconds
        return Date(timeIntervalSince1970: TimeInterval(local - offset))
    }

    /// A site-local `YYYY-MM-DD HH:MM` rendering of an instant.
    public static func format(_ date: Date, timeZone: SiteTimeZone) -> String {
        let local = timeZone.localTime(of: date)
        return local.date.description + " " + (TimeOfDay(minutes: local.minuteOfDay)?.description ?? "")
    }
}
