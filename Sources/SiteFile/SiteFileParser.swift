import AccessPolicy
import Foundation
import Yams

/// Reads one YAML site or people file into a ``SiteFileDocument``, collecting every error with its line.
///
/// Top-level keys (all optional, field names as in the HTTP API): `site` (`name`, `timeZone`, `utcOffset`),
/// `departments`, `people`, `credentials` (alias `cards`), `zones`, `doors`, `schedules`, `holidays`,
/// `accessLevels`. An entity with a wrong field is still kept, with a default for that field, so references to it
/// resolve and no error is reported twice; the document's diagnostics say it cannot be used.
struct SiteFileParser {
    let file: String
    var document: SiteFileDocument

    init(file: String) {
        self.file = file
        document = SiteFileDocument(file: file)
    }

    static let sections = [
        "site", "departments", "people", "credentials", "cards", "zones", "doors", "schedules", "holidays",
        "accessLevels",
    ]

    mutating func parse(_ text: String) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            document.diagnostics.append(Self.diagnostic(for: error, file: file))
            return
        } catch {
            document.diagnostics.append(SiteFileDiagnostic(file: file, line: nil, message: "\(error)"))
            return
        }
        guard let root else { return }
        var diagnostics: [SiteFileDiagnostic] = []
        guard var top = EntityReader(root, file: file, what: "file", diagnostics: &diagnostics) else {
            document.diagnostics += diagnostics
            return
        }
        if let site = top.node("site") { readSite(site) }
        for element in top.list("departments") { readDepartment(element.node) }
        for element in top.list("people") { readPerson(element.node) }
        for element in top.list("credentials") + top.list("cards") { readCredential(element.node) }
        for element in top.list("zones") { readZone(element.node) }
        for element in top.list("doors") { readDoor(element.node) }
        for element in top.list("schedules") { readSchedule(element.node) }
        for element in top.list("holidays") { readHoliday(element.node) }
        for element in top.list("accessLevels") { readAccessLevel(element.node) }
        top.finish()
        document.diagnostics += diagnostics + top.diagnostics
    }

    private static func diagnostic(for error: YamlError, file: String) -> SiteFileDiagnostic {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return SiteFileDiagnostic(file: file, line: mark.line, message: "YAML: " + problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return SiteFileDiagnostic(file: file, line: context.mark.line,
                message: "YAML: duplicate keys " + duplicates.joined(separator: ", "))
        default:
            return SiteFileDiagnostic(file: file, line: nil, message: "YAML: \(error)")
        }
    }

    private mutating func reader(_ node: Node, _ what: String) -> EntityReader? {
        EntityReader(node, file: file, what: what, diagnostics: &document.diagnostics)
    }

    private mutating func finish(_ reader: inout EntityReader, _ collection: SiteCollection) {
        reader.finish()
        document.diagnostics += reader.diagnostics
        document.locations[collection, default: []].append(reader.location())
    }

    private var timeZone: SiteTimeZone { document.model.timeZone }

    private mutating func readSite(_ node: Node) {
        guard var site = reader(node, "site") else { return }
        _ = site.string("name")
        let identifier = site.string("timeZone")
        let offsetText = site.string("utcOffset")
        if identifier != nil || offsetText != nil {
            document.setsTimeZone = true
            var zone = SiteTimeZone.vietnam
            if let identifier {
                zone.identifier = identifier
                if let known = TimeZone(identifier: identifier) {
                    let year2000 = Date(timeIntervalSince1970: 946_684_800)
                    if known.nextDaylightSavingTimeTransition(after: year2000) != nil {
                        site.error("timeZone", "time zones with daylight saving time are not supported")
                    }
                    zone.secondsFromUTC = known.secondsFromGMT(for: Date(timeIntervalSince1970: 1_700_000_000))
                } else if offsetText == nil {
                    site.error("timeZone", "unknown time zone \"\(identifier)\"; give utcOffset too")
                }
            }
            if let offsetText {
                let sign = offsetText.first
                let body = TimeOfDay(String(offsetText.dropFirst()))
                if let sign, sign == "+" || sign == "-", let body, body.minutes <= 14 * 60 {
                    zone.secondsFromUTC = (sign == "+" ? 1 : -1) * body.minutes * 60
                } else {
                    site.error("utcOffset", "utcOffset must look like +07:00, not \"\(offsetText)\"")
                }
            }
            document.model.timeZone = zone
        }
        site.finish()
        document.diagnostics += site.diagnostics
    }

    private mutating func readDepartment(_ node: Node) {
        guard var entity = reader(node, "department") else { return }
        let id = entity.string("id", required: true) ?? ""
        entity = entity.named(id)
        document.model.departments.append(Department(id: id, name: entity.string("name") ?? id,
            parentId: entity.string("parentId")))
        finish(&entity, .departments)
    }

    private mutating func readPerson(_ node: Node) {
        guard var entity = reader(node, "person") else { return }
        let id = entity.string("id", required: true) ?? ""
        entity = entity.named(id)
        let person = Person(id: id, displayName: entity.string("displayName") ?? id,
            departmentId: entity.string("departmentId"), kind: entity.value("kind", PersonKind.self) ?? .staff,
            status: entity.value("status", PersonStatus.self) ?? .active,
            responder: entity.bool("responder") ?? false, pinHash: entity.string("pinHash"))
        _ = entity.list("externalIds")
        document.model.people.append(person)
        finish(&entity, .people)
    }

    private mutating func readCredential(_ node: Node) {
        guard var entity = reader(node, "credential") else { return }
        let id = entity.string("id", required: true) ?? ""
        entity = entity.named(id)
        let personId = entity.string("personId", required: true) ?? ""
        let kind = entity.value("type", CredentialKind.self, required: true) ?? .uid
        let uid = entity.string("uid")
        let fingerprint = entity.string("fingerprint")
        let guid = entity.string("guid")
        let identifier: CredentialIdentifier
        switch kind {
        case .uid:
            if let uid, let parsed = CredentialIdentifier.uid(hex: uid) {
                identifier = parsed
            } else {
                entity.error("uid", uid == nil ? "missing uid" : "uid must be 1 to 10 bytes of hex")
                identifier = .uid("invalid:" + id)
            }
            if fingerprint != nil { entity.error("fingerprint", "a uid card has no fingerprint") }
        case .piv:
            let guidHex = guid ?? String(repeating: "0", count: 32)
            if let fingerprint, let parsed = CredentialIdentifier.piv(fingerprintHex: fingerprint, guidHex: guidHex) {
                identifier = parsed
            } else {
                entity.error(fingerprint == nil ? "fingerprint" : (guid == nil ? "fingerprint" : "guid"),
                    "a piv card needs fingerprint (SHA-256, 32 bytes of hex) and guid (16 bytes of hex)")
                identifier = .piv(fingerprint: "invalid:" + id, guid: "")
            }
            if uid != nil { entity.error("uid", "a piv card is identified by its fingerprint, not a uid") }
        }
        let validity = ValidityWindow(from: entity.date("validFrom", timeZone: timeZone),
            until: entity.date("validUntil", timeZone: timeZone))
        document.model.credentials.append(Credential(id: id, personId: personId, identifier: identifier,
            status: entity.value("status", CredentialStatus.self) ?? .active, validity: validity))
        finish(&entity, .credentials)
    }

    private mutating func readZone(_ node: Node) {
        guard var entity = reader(node, "zone") else { return }
        let id = entity.string("id", required: true) ?? ""
        entity = entity.named(id)
        document.model.zones.append(Zone(id: id, name: entity.string("name") ?? id, parentId: entity.string("parentId"),
            antiPassback: entity.value("antiPassback", AntiPassbackMode.self) ?? .none,
            antiPassbackResetSeconds: entity.int("antiPassbackResetSeconds"), maxOccupancy: entity.int("maxOccupancy")))
        finish(&entity, .zones)
    }

    private mutating func readDoor(_ node: Node) {
        guard var entity = reader(node, "door") else { return }
        let id = entity.string("id", required: true) ?? ""
        entity = entity.named(id)
        let door = Door(id: id, name: entity.string("name") ?? id, fromZoneId: entity.string("fromZoneId"),
            toZoneId: entity.string("toZoneId", required: true) ?? "",
            mode: entity.value("mode", DoorMode.self) ?? .normal,
            minAssurance: entity.value("minAssurance", Assurance.self) ?? .uid,
            unlockSeconds: entity.int("unlockSeconds") ?? 5, twoPersonSeconds: entity.int("twoPersonSeconds"),
            escortSeconds: entity.int("escortSeconds"), meetingRoom: entity.bool("meetingRoom") ?? false,
            attendancePoint: entity.bool("attendancePoint") ?? false)
        document.model.doors.append(door)
        finish(&entity, .doors)
    }

    private mutating func readSchedule(_ node: Node) {
        guard var entity = reader(node, "schedule") else { return }
        let id = entity.string("id", required: true) ?? ""
        entity = entity.named(id)
        let name = entity.string("name") ?? id
        let intervals = readIntervals(&entity, "intervals", daysRequired: true)
        let rule = entity.value("onHolidays", HolidayRule.self) ?? .closed
        let holidayIntervals = readIntervals(&entity, "holidayIntervals", daysRequired: false)
        document.model.schedules.append(Schedule(id: id, name: name, intervals: intervals, onHolidays: rule,
            holidayIntervals: holidayIntervals))
        finish(&entity, .schedules)
    }

    private mutating func readIntervals(_ entity: inout EntityReader, _ key: String, daysRequired: Bool)
        -> [ScheduleInterval]
    {
        var intervals: [ScheduleInterval] = []
        for (index, element) in entity.list(key).enumerated() {
            var diagnostics: [SiteFileDiagnostic] = []
            guard var item = EntityReader(element.node, file: file, what: "\(entity.what) \(key)[\(index)]",
                diagnostics: &diagnostics)
            else {
                entity.diagnostics += diagnostics
                continue
            }
            var days = WeekdaySet()
            if let daysNode = item.node("days") {
                days = Self.days(daysNode, item: &item) ?? []
            } else if daysRequired {
                item.error("days", "missing days")
            }
            let start = item.time("start") ?? .midnight
            let end = item.time("end") ?? .midnight
            item.finish()
            entity.diagnostics += item.diagnostics
            if !item.diagnostics.isEmpty { entity.failedFields.insert("\(key)[\(intervals.count)]") }
            intervals.append(ScheduleInterval(days: days, start: start, end: end))
        }
        return intervals
    }

    /// Days as a list (`[mon, tue]`) or text (`mon-fri`, `mon,wed`, `daily`).
    private static func days(_ node: Node, item: inout EntityReader) -> WeekdaySet? {
        var words: [String] = []
        switch node {
        case .scalar(let scalar): words = scalar.string.split(separator: ",").map(String.init)
        case .sequence(let sequence): words = sequence.map { $0.string ?? "" }
        default: break
        }
        var days = WeekdaySet()
        for word in words.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            if word == "daily" || word == "all" {
                days.formUnion(.everyDay)
                continue
            }
            let ends = word.split(separator: "-").map { Weekday(rawValue: String($0)) }
            guard (1...2).contains(ends.count), let first = ends.first ?? nil, let last = ends.last ?? nil,
                first.index <= last.index
            else {
                item.error("days", "days must be mon, tue, wed, thu, fri, sat, sun, ranges like mon-fri, or daily")
                return nil
            }
            for index in first.index...last.index { days.insert(WeekdaySet(Weekday(index: index))) }
        }
        return days
    }

    private mutating func readHoliday(_ node: Node) {
        guard var entity = reader(node, "holiday") else { return }
        let id = entity.string("id", required: true) ?? ""
        entity = entity.named(id)
        let name = entity.string("name") ?? id
        let kind = entity.value("kind", HolidayKind.self, required: true) ?? .solar
        var date = HolidayDate.solar(month: 1, day: 1)
        switch kind {
        case .solar, .lunar:
            let month = entity.int("month", required: true) ?? 1
            let day = entity.int("day", required: true) ?? 1
            date = kind == .solar ? .solar(month: month, day: day) : .lunar(month: month, day: day)
            if entity.string("date") != nil { entity.error("date", "only a once holiday has a date") }
        case .once:
            if let text = entity.string("date", required: true) {
                if let parsed = LocalDate(text) {
                    date = .once(parsed)
                } else {
                    entity.error("date", "impossible date \"\(text)\" (YYYY-MM-DD)")
                }
            }
            if entity.string("month") != nil || entity.string("day") != nil {
                entity.error("month", "a once holiday has a date, not month and day")
            }
        }
        let days = entity.int("days") ?? 1
        document.model.holidays.append(Holiday(id: id, name: name, date: date, days: days))
        finish(&entity, .holidays)
    }

    private mutating func readAccessLevel(_ node: Node) {
        guard var entity = reader(node, "access level") else { return }
        let id = entity.string("id", required: true) ?? ""
        entity = entity.named(id)
        let name = entity.string("name") ?? id
        let doorIds = entity.strings("doorIds")
        let scheduleId = entity.string("scheduleId", required: true) ?? ""
        let explicit = entity.list("assignments")
        var assignments: [LevelAssignment] = []
        func record(_ entity: inout EntityReader, from field: String) {
            entity.fieldLines["assignments[\(assignments.count)]"] = entity.fieldLines[field]
        }
        let personIds = entity.strings("personIds")
        for (index, person) in personIds.enumerated() {
            record(&entity, from: "personIds[\(index)]")
            assignments.append(LevelAssignment(.person(person)))
        }
        let departmentIds = entity.strings("departmentIds")
        for (index, department) in departmentIds.enumerated() {
            record(&entity, from: "departmentIds[\(index)]")
            assignments.append(LevelAssignment(.department(department)))
        }
        // Explicit assignments come after those of personIds and departmentIds.
        for (index, element) in explicit.enumerated() {
            entity.fieldLines["assignments[\(assignments.count)]"] = element.line
            var diagnostics: [SiteFileDiagnostic] = []
            let what = "access level \"\(id)\" assignments[\(index)]"
            guard var item = EntityReader(element.node, file: file, what: what, diagnostics: &diagnostics)
            else {
                entity.diagnostics += diagnostics
                continue
            }
            let person = item.string("personId")
            let department = item.string("departmentId")
            let validity = ValidityWindow(from: item.date("validFrom", timeZone: timeZone),
                until: item.date("validUntil", timeZone: timeZone))
            let before = assignments.count
            switch (person, department) {
            case (let person?, nil): assignments.append(LevelAssignment(.person(person), validity: validity))
            case (nil, let department?):
                assignments.append(LevelAssignment(.department(department), validity: validity))
            default:
                item.error(nil, "an assignment names exactly one of personId and departmentId")
                entity.fieldLines["assignments[\(assignments.count)]"] = nil
            }
            item.finish()
            entity.diagnostics += item.diagnostics
            if !item.diagnostics.isEmpty && assignments.count > before {
                entity.failedFields.insert("assignments[\(before)]")
            }
        }
        let validity = ValidityWindow(from: entity.date("validFrom", timeZone: timeZone),
            until: entity.date("validUntil", timeZone: timeZone))
        document.model.accessLevels.append(AccessLevel(id: id, name: name, doorIds: doorIds, scheduleId: scheduleId,
            assignments: assignments, validity: validity))
        finish(&entity, .accessLevels)
    }
}

extension EntityReader {
    /// The same reader, naming the entity by id in its messages.
    func named(_ id: String) -> EntityReader {
        var copy = self
        copy.what = what + (id.isEmpty ? "" : " \"\(id)\"")
        return copy
    }
}
