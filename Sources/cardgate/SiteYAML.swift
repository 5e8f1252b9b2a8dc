import AccessPolicy
import Foundation

/// Writes a ``AccessPolicy/SiteModel`` as the YAML site and people files that `cardgate site apply` reads.
///
/// Free text and identifiers are double-quoted YAML scalars (every character outside printable text escaped),
/// so no name can change the document's structure. Instants are written in the site's offset with seconds
/// (`2025-01-01T00:00:00+07:00`); access level assignments are written as an `assignments` list, which keeps
/// their order and validity.
enum SiteYAML {
    /// The site file: the site's time zone, departments, zones, doors, schedules, holidays and access levels.
    static func site(_ model: SiteModel) -> String {
        var out = Writer(timeZone: model.timeZone)
        out.line("# CardGate site, exported from the database.")
        out.line("site:")
        out.line("  timeZone: \(quoted(model.timeZone.identifier))")
        out.line("  utcOffset: \(quoted(offset(model.timeZone.secondsFromUTC)))")
        out.section("departments", model.departments) { department in
            [("id", quoted(department.id)), ("name", quoted(department.name)),
                ("parentId", department.parentId.map(quoted))]
        }
        out.section("zones", model.zones) { zone in
            [("id", quoted(zone.id)), ("name", quoted(zone.name)), ("parentId", zone.parentId.map(quoted)),
                ("antiPassback", zone.antiPassback.rawValue),
                ("antiPassbackResetSeconds", zone.antiPassbackResetSeconds.map(String.init)),
                ("maxOccupancy", zone.maxOccupancy.map(String.init))]
        }
        out.section("doors", model.doors) { door in
            [("id", quoted(door.id)), ("name", quoted(door.name)), ("fromZoneId", door.fromZoneId.map(quoted)),
                ("toZoneId", quoted(door.toZoneId)), ("mode", door.mode.rawValue),
                ("minAssurance", door.minAssurance.rawValue), ("unlockSeconds", String(door.unlockSeconds)),
                ("twoPersonSeconds", door.twoPersonSeconds.map(String.init)),
                ("escortSeconds", door.escortSeconds.map(String.init)), ("meetingRoom", String(door.meetingRoom)),
                ("attendancePoint", String(door.attendancePoint))]
        }
        if !model.schedules.isEmpty {
            out.line("")
            out.line("schedules:")
            for schedule in model.schedules {
                out.entry([("id", quoted(schedule.id)), ("name", quoted(schedule.name)),
                    ("onHolidays", schedule.onHolidays.rawValue)])
                out.intervals("intervals", schedule.intervals)
                out.intervals("holidayIntervals", schedule.holidayIntervals)
            }
        }
        out.section("holidays", model.holidays) { holiday in
            var fields: [(String, String?)] = [
                ("id", quoted(holiday.id)), ("name", quoted(holiday.name)), ("kind", holiday.kind.rawValue),
            ]
            switch holiday.date {
            case .solar(let month, let day), .lunar(let month, let day):
                fields += [("month", String(month)), ("day", String(day))]
            case .once(let date):
                fields.append(("date", quoted(date.description)))
            }
            return fields + [("days", String(holiday.days))]
        }
        if !model.accessLevels.isEmpty {
            out.line("")
            out.line("accessLevels:")
            for level in model.accessLevels {
                out.entry([("id", quoted(level.id)), ("name", quoted(level.name)),
                    ("doorIds", "[" + level.doorIds.map(quoted).joined(separator: ", ") + "]"),
                    ("scheduleId", quoted(level.scheduleId))] + validity(level.validity, model.timeZone))
                guard !level.assignments.isEmpty else { continue }
                out.line("    assignments:")
                for assignment in level.assignments {
                    let holder: (String, String?)
                    switch assignment.holder {
                    case .person(let id): holder = ("personId", quoted(id))
                    case .department(let id): holder = ("departmentId", quoted(id))
                    }
                    out.flow([holder] + validity(assignment.validity, model.timeZone), indent: "      - ")
                }
            }
        }
        return out.text
    }

    /// The people file: people (with their PIN hashes) and their cards.
    static func people(_ model: SiteModel) -> String {
        var out = Writer(timeZone: model.timeZone)
        out.line("# CardGate people and cards, exported from the database. Holds PIN hashes: keep it private.")
        out.section("people", model.people) { person in
            [("id", quoted(person.id)), ("displayName", quoted(person.displayName)),
                ("departmentId", person.departmentId.map(quoted)), ("kind", person.kind.rawValue),
                ("status", person.status.rawValue), ("responder", String(person.responder)),
                ("pinHash", person.pinHash.map(quoted))]
        }
        out.section("credentials", model.credentials) { credential in
            var fields: [(String, String?)] = [
                ("id", quoted(credential.id)), ("personId", quoted(credential.personId)),
                ("type", credential.kind.rawValue),
            ]
            switch credential.identifier {
            case .piv(let fingerprint, let guid):
                fields += [("fingerprint", quoted(fingerprint)), ("guid", quoted(guid))]
            case .uid(let uid):
                fields.append(("uid", quoted(uid)))
            }
            return fields + [("status", credential.status.rawValue)] + validity(credential.validity, model.timeZone)
        }
        return out.text
    }

    /// `text` as a YAML double-quoted scalar.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case "\u{00}"..."\u{1F}", "\u{7F}"..."\u{9F}", "\u{2028}", "\u{2029}", "\u{FEFF}":
                result += "\\u" + String(format: "%04X", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// `validFrom` and `validUntil` of a window, each absent when open.
    static func validity(_ window: ValidityWindow, _ timeZone: SiteTimeZone) -> [(String, String?)] {
        [("validFrom", window.from.map { instant($0, timeZone) }),
            ("validUntil", window.until.map { instant($0, timeZone) })]
    }

    /// An instant in the site's offset, to the second.
    static func instant(_ date: Date, _ timeZone: SiteTimeZone) -> String {
        let seconds = Int((date.timeIntervalSince1970).rounded(.down)) + timeZone.secondsFromUTC
        let day = Int((Double(seconds) / 86_400).rounded(.down))
        let second = seconds - day * 86_400
        let clock = String(format: "%02d:%02d:%02d", second / 3600, second / 60 % 60, second % 60)
        return quoted(LocalDate(dayNumber: day).description + "T" + clock + offset(timeZone.secondsFromUTC))
    }

    /// `+07:00` for 25 200 seconds.
    static func offset(_ seconds: Int) -> String {
        let minutes = abs(seconds) / 60
        return (seconds < 0 ? "-" : "+") + String(format: "%02d:%02d", minutes / 60, minutes % 60)
    }

    /// Accumulates the lines of one file.
    struct Writer {
        let timeZone: SiteTimeZone
        var text = ""

        mutating func line(_ line: String) {
            text += line + "\n"
        }

        /// A top-level list of one flow mapping per element; nothing when the list is empty.
        mutating func section<Element>(
            _ name: String, _ elements: [Element], _ fields: (Element) -> [(String, String?)]
        ) {
            guard !elements.isEmpty else { return }
            line("")
            line(name + ":")
            for element in elements { flow(fields(element), indent: "  - ") }
        }

        /// `- { key: value, ... }`, leaving out absent values.
        mutating func flow(_ fields: [(String, String?)], indent: String) {
            let pairs = fields.compactMap { key, value in value.map { "\(key): \($0)" } }
            line(indent + "{ " + pairs.joined(separator: ", ") + " }")
        }

        /// A block mapping list element (for entities with nested lists).
        mutating func entry(_ fields: [(String, String?)]) {
            let pairs = fields.compactMap { key, value in value.map { "\(key): \($0)" } }
            for (index, pair) in pairs.enumerated() { line((index == 0 ? "  - " : "    ") + pair) }
        }

        mutating func intervals(_ key: String, _ intervals: [ScheduleInterval]) {
            guard !intervals.isEmpty else { return }
            line("    \(key):")
            for interval in intervals {
                let days = Weekday.allCases.filter { interval.days.contains(WeekdaySet($0)) }.map(\.rawValue)
                flow([("days", "[" + days.joined(separator: ", ") + "]"),
                    ("start", SiteYAML.quoted(interval.start.description)),
                    ("end", SiteYAML.quoted(interval.end.description))], indent: "      - ")
            }
        }

    }
}
