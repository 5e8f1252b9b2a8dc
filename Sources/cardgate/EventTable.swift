import Foundation

/// Journal events as a ``TextTable``: id, site-local time, type, door, zone, person, decision, reason, actor.
struct EventTable: Sendable {
    private(set) var table: TextTable
    let timeZone: TimeZone

    /// - Parameters:
    ///   - live: start the columns at typical widths, since rows arrive one at a time.
    init(timeZone: TimeZone, maximumWidth: Int?, live: Bool = false, now: Date = Date()) {
        self.timeZone = timeZone
        let typical = live ? [6, 19, 15, 18, 12, 14, 5, 18, 8] : Array(repeating: 0, count: 9)
        let titles = ["ID", "TIME " + Self.offset(timeZone, at: now), "TYPE", "DOOR", "ZONE", "PERSON", "DECISION",
            "REASON", "ACTOR"]
        let fixed: Set<Int> = [0, 1, 6]
        // On a narrow terminal the actor goes first, then the zone, the type and the id.
        let hideRanks: [Int: Int] = [8: 0, 4: 1, 2: 2, 0: 3]
        table = TextTable(
            columns: titles.enumerated().map { index, title in
                TextTable.Column(title: title, alignRight: index == 0, shrinkable: !fixed.contains(index),
                    minimumWidth: typical[index], hideRank: hideRanks[index])
            },
            maximumWidth: maximumWidth)
    }

    /// The cells of one event.
    func row(_ event: EventRecord) -> [String] {
        [
            event.id, localTime(event.time), event.type, event.doorId ?? "-", event.zoneId ?? "-",
            event.personId ?? "-", event.decision?.uppercased() ?? "-", event.reason ?? "-", event.actor ?? "-",
        ]
    }

    /// Widens the columns for `events` and returns their lines (without the header).
    mutating func lines(_ events: [EventRecord]) -> [String] {
        let rows = events.map { row($0) }
        table.widen(for: rows)
        let table = table
        return rows.map { table.render($0) }
    }

    var header: String { table.header }

    /// `yyyy-MM-dd HH:mm:ss` in the site's time zone.
    func localTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
            parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }

    /// `+07:00`: the zone's offset from UTC at `date`.
    static func offset(_ timeZone: TimeZone, at date: Date) -> String {
        let seconds = timeZone.secondsFromGMT(for: date)
        let sign = seconds < 0 ? "-" : "+"
        return sign + String(format: "%02d:%02d", abs(seconds) / 3600, abs(seconds) % 3600 / 60)
    }
}
