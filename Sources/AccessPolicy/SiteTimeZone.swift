import Foundation

/// The site's local time: a fixed offset from UTC, with no daylight saving time.
///
/// CardGate's sites are in Vietnam (`Asia/Ho_Chi_Minh`, UTC+7, no DST since 1975), so a fixed offset is exact
/// and lets `decide` convert instants to local time with integer arithmetic, without a time-zone database.
public struct SiteTimeZone: Sendable, Hashable {
    /// The IANA name shown to people, e.g. `Asia/Ho_Chi_Minh`.
    public var identifier: String
    /// Seconds east of UTC.
    public var secondsFromUTC: Int

    public init(identifier: String, secondsFromUTC: Int) {
        self.identifier = identifier
        self.secondsFromUTC = secondsFromUTC
    }

    /// `Asia/Ho_Chi_Minh`, UTC+7.
    public static let vietnam = SiteTimeZone(identifier: "Asia/Ho_Chi_Minh", secondsFromUTC: 7 * 3600)

    /// Site-local date and minute of an instant.
    public func localTime(of instant: Date) -> LocalTime {
        LocalTime(unixSeconds: LocalTime.unixSeconds(of: instant), secondsFromUTC: secondsFromUTC)
    }

    /// The instant of a site-local date and time.
    public func instant(of date: LocalDate, at time: TimeOfDay) -> Date {
        let seconds = date.dayNumber * 86_400 + time.minutes * 60 - secondsFromUTC
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}

/// A site-local moment broken down for schedule evaluation.
public struct LocalTime: Sendable, Hashable {
    /// Days since 1970-01-01 in local time.
    public let dayNumber: Int
    /// Minutes since local midnight, 0..<1440.
    public let minuteOfDay: Int
    /// 0 (Monday) … 6 (Sunday).
    public let weekdayIndex: Int

    /// Breaks down Unix seconds shifted by a UTC offset.
    public init(unixSeconds: Int64, secondsFromUTC: Int) {
        let local = unixSeconds + Int64(secondsFromUTC)
        let day = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        dayNumber = Int(day)
        minuteOfDay = Int((local - day * 86_400) / 60)
        weekdayIndex = ((dayNumber + 3) % 7 + 7) % 7
    }

    /// The local date.
    public var date: LocalDate { LocalDate(dayNumber: dayNumber) }

    /// Whole Unix seconds of an instant, rounded down; instants beyond ±2^62 s are clamped.
    static func unixSeconds(of instant: Date) -> Int64 {
        let seconds = instant.timeIntervalSince1970.rounded(.down)
        guard seconds.isFinite else { return seconds > 0 ? Int64.max / 2 : Int64.min / 2 }
        return Int64(max(-4.0e18, min(4.0e18, seconds)))
    }
}
