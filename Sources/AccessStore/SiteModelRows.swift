import AccessPolicy
import Foundation
import GRDB

/// The rows of the policy model tables: the store's side of an AccessPolicy ``AccessPolicy/SiteModel``.
///
/// Converts both ways. Rows are read in id order, so a model loaded from the store lists every collection (and
/// a level's doors and holders) sorted by id; the policy engine does not depend on that order. Columns the model
/// does not know (a person's external ids, a card's certificate and status reason) are carried by the rows only.
/// A PIV card without a GUID is the model's all-zero GUID, as in site files.
struct SiteModelRows: Sendable, Hashable {
    var setting: SiteSettingRecord?
    var departments: [DepartmentRecord] = []
    var people: [PersonRecord] = []
    var cards: [CardRecord] = []
    var zones: [ZoneRecord] = []
    var doors: [DoorRecord] = []
    var schedules: [ScheduleRecord] = []
    /// Keyed by schedule id, in position order, holiday intervals after the others.
    var intervals: [String: [ScheduleIntervalRecord]] = [:]
    var holidays: [HolidayRecord] = []
    var levels: [AccessLevelRecord] = []
    /// Keyed by access level id, sorted by door id.
    var levelDoors: [String: [AccessLevelDoorRecord]] = [:]
    /// Keyed by access level id: people first, then departments, each sorted by id.
    var assignments: [String: [AccessLevelAssignmentRecord]] = [:]

    static let missingGUID = String(repeating: "0", count: 32)

    /// Reads every model table.
    static func fetch(_ db: Database) throws -> SiteModelRows {
        var rows = SiteModelRows()
        for part in SiteModelPart.allCases {
            try rows.fetch(part, db)
        }
        return rows
    }

    private mutating func fetch(_ part: SiteModelPart, _ db: Database) throws {
        switch part {
        case .timeZone:
            setting = try SiteSettingRecord.fetchOne(db)
        case .departments:
            departments = try DepartmentRecord.order(Column("id")).fetchAll(db)
        case .people:
            people = try PersonRecord.fetchAllOrdered(db, orderBy: "id")
        case .credentials:
            cards = try CardRecord.fetchAllOrdered(db, orderBy: "id")
        case .zones:
            zones = try ZoneRecord.order(Column("id")).fetchAll(db)
        case .doors:
            doors = try DoorRecord.order(Column("id")).fetchAll(db)
        case .schedules:
            schedules = try ScheduleRecord.order(Column("id")).fetchAll(db)
            let intervals =
                try ScheduleIntervalRecord
                .order(Column("schedule_id"), Column("holiday"), Column("position")).fetchAll(db)
            self.intervals = Dictionary(grouping: intervals, by: \.scheduleId)
        case .holidays:
            holidays = try HolidayRecord.order(Column("id")).fetchAll(db)
        case .accessLevels:
            levels = try AccessLevelRecord.order(Column("id")).fetchAll(db)
            let levelDoors = try AccessLevelDoorRecord.fetchAllOrdered(db, orderBy: "access_level_id, door_id")
            self.levelDoors = Dictionary(grouping: levelDoors, by: \.accessLevelId)
            for level in levels {
                let holders = try AccessLevelAssignmentRecord.fetchAll(db, accessLevelId: level.id)
                if !holders.isEmpty { assignments[level.id] = holders.sorted(by: Self.holderOrder) }
            }
        }
    }

    /// `base` with the collections of `parts` read from the database, one part's rows at a time, and people and
    /// cards (the large tables) converted row by row as they are read, without the columns the model does not
    /// hold: a card's certificate (a kilobyte or two of DER each) is not read at all.
    static func readModel(_ db: Database, parts: Set<SiteModelPart>, over base: SiteModel) throws -> SiteModel {
        var model = base
        for part in SiteModelPart.allCases where parts.contains(part) {
            switch part {
            case .people:
                model.people = try Array(
                    PersonRecord.cursorOrdered(db, orderBy: "id").map { try Self.person(PersonRecord(orderedRow: $0)) })
            case .credentials:
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT \(CardRecord.orderedColumnsWithoutCertificate) FROM card ORDER BY id")
                model.credentials = try Array(rows.map { try Self.credential(CardRecord(orderedRow: $0)) })
            default:
                var rows = SiteModelRows()
                try rows.fetch(part, db)
                try rows.convert(part, into: &model)
            }
        }
        return model
    }

    /// People before departments, each by id.
    static func holderOrder(_ lhs: AccessLevelAssignmentRecord, _ rhs: AccessLevelAssignmentRecord) -> Bool {
        func key(_ holder: AccessLevelAssignmentRecord.Holder) -> (Int, String) {
            switch holder {
            case .person(let id): (0, id)
            case .department(let id): (1, id)
            }
        }
        return key(lhs.holder) < key(rhs.holder)
    }
}

// MARK: - Model to rows

extension SiteModelRows {
    /// The rows that store `model`.
    ///
    /// - Throws: `invalidInput` if an enumeration value has no column spelling (the two modules disagree).
    init(model: SiteModel) throws(AccessStoreError) {
        setting = SiteSettingRecord(
            timeZone: model.timeZone.identifier, secondsFromUTC: model.timeZone.secondsFromUTC)
        departments = model.departments.map { DepartmentRecord(id: $0.id, name: $0.name, parentId: $0.parentId) }
        people = try model.people.map { person throws(AccessStoreError) in
            PersonRecord(
                id: person.id, displayName: person.displayName, departmentId: person.departmentId,
                kind: try Self.parse(person.kind, "person", person.id),
                status: try Self.parse(person.status, "person", person.id), responder: person.responder,
                pinHash: person.pinHash)
        }
        cards = try model.credentials.map(Self.card)
        zones = try model.zones.map { zone throws(AccessStoreError) in
            ZoneRecord(
                id: zone.id, name: zone.name, parentId: zone.parentId,
                antiPassback: try Self.parse(zone.antiPassback, "zone", zone.id),
                maxOccupancy: zone.maxOccupancy, antiPassbackResetSeconds: zone.antiPassbackResetSeconds)
        }
        doors = try model.doors.map { door throws(AccessStoreError) in
            DoorRecord(
                id: door.id, name: door.name, fromZoneId: door.fromZoneId, toZoneId: door.toZoneId,
                mode: try Self.parse(door.mode, "door", door.id),
                minAssurance: try Self.parse(door.minAssurance, "door", door.id),
                unlockSeconds: door.unlockSeconds, twoPersonSeconds: door.twoPersonSeconds,
                escortSeconds: door.escortSeconds, meetingRoom: door.meetingRoom,
                attendancePoint: door.attendancePoint)
        }
        for schedule in model.schedules {
            schedules.append(
                ScheduleRecord(
                    id: schedule.id, name: schedule.name,
                    onHolidays: try Self.parse(schedule.onHolidays, "schedule", schedule.id)))
            let list = [(false, schedule.intervals), (true, schedule.holidayIntervals)].flatMap { holiday, list in
                list.enumerated().map { position, interval in
                    ScheduleIntervalRecord(
                        scheduleId: schedule.id, holiday: holiday, position: position,
                        days: Int(interval.days.rawValue), startMinute: interval.start.minutes,
                        endMinute: interval.end.minutes)
                }
            }
            if !list.isEmpty { intervals[schedule.id] = list }
        }
        holidays = model.holidays.map(Self.holiday)
        for level in model.accessLevels {
            levels.append(
                AccessLevelRecord(
                    id: level.id, name: level.name, scheduleId: level.scheduleId,
                    validFromMilliseconds: Self.milliseconds(level.validity.from),
                    validUntilMilliseconds: Self.milliseconds(level.validity.until)))
            let doorRows = Set(level.doorIds).sorted().map {
                AccessLevelDoorRecord(accessLevelId: level.id, doorId: $0)
            }
            if !doorRows.isEmpty { levelDoors[level.id] = doorRows }
            let holders = level.assignments.map { assignment in
                let holder: AccessLevelAssignmentRecord.Holder
                switch assignment.holder {
                case .person(let id): holder = .person(id)
                case .department(let id): holder = .department(id)
                }
                return AccessLevelAssignmentRecord(
                    accessLevelId: level.id, holder: holder,
                    validFromMilliseconds: Self.milliseconds(assignment.validity.from),
                    validUntilMilliseconds: Self.milliseconds(assignment.validity.until))
            }
            if !holders.isEmpty { assignments[level.id] = holders.sorted(by: Self.holderOrder) }
        }
    }

    private static func card(_ credential: Credential) throws(AccessStoreError) -> CardRecord {
        let from = milliseconds(credential.validity.from)
        let until = milliseconds(credential.validity.until)
        switch credential.identifier {
        case .piv(let fingerprint, let guid):
            let storedGUID = CredentialKey.normalizedHex(guid).flatMap { hex in
                hex.utf8.count == 32 && hex != missingGUID ? hex.lowercased() : nil
            }
            return CardRecord(
                id: credential.id, personId: credential.personId, type: .piv, certificate: nil, uid: nil,
                pivGuid: storedGUID, fingerprint: fingerprint.lowercased(),
                status: try parse(credential.status, "credential", credential.id),
                statusReason: nil, validFromMilliseconds: from, validUntilMilliseconds: until)
        case .uid(let uid):
            return CardRecord(
                id: credential.id, personId: credential.personId, type: .uid, certificate: nil, uid: uid,
                pivGuid: nil, fingerprint: nil, status: try parse(credential.status, "credential", credential.id),
                statusReason: nil,
                validFromMilliseconds: from, validUntilMilliseconds: until)
        }
    }

    private static func holiday(_ holiday: Holiday) -> HolidayRecord {
        switch holiday.date {
        case .solar(let month, let day):
            HolidayRecord(id: holiday.id, name: holiday.name, kind: .solar, month: month, day: day, days: holiday.days)
        case .lunar(let month, let day):
            HolidayRecord(id: holiday.id, name: holiday.name, kind: .lunar, month: month, day: day, days: holiday.days)
        case .once(let date):
            HolidayRecord(id: holiday.id, name: holiday.name, kind: .once, date: date.description, days: holiday.days)
        }
    }

    /// UTC milliseconds of an instant, rounded to the nearest millisecond.
    static func milliseconds(_ date: Date?) -> Int64? {
        guard let date else { return nil }
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        return Int64(max(-9.0e15, min(9.0e15, value)))
    }
}

// MARK: - Rows to model

extension SiteModelRows {
    /// The model the rows store.
    ///
    /// - Throws: `AccessStoreError` `corruptDatabase` naming the row when a value cannot be represented (which
    ///   the schema's checks should make impossible).
    func model() throws(AccessStoreError) -> SiteModel {
        var model = SiteModel()
        for part in SiteModelPart.allCases {
            try convert(part, into: &model)
        }
        return model
    }

    private func convert(_ part: SiteModelPart, into model: inout SiteModel) throws(AccessStoreError) {
        switch part {
        case .timeZone:
            model.timeZone = setting.map {
                SiteTimeZone(identifier: $0.timeZone, secondsFromUTC: $0.secondsFromUTC)
            } ?? SiteModel().timeZone
        case .departments:
            model.departments = departments.map { Department(id: $0.id, name: $0.name, parentId: $0.parentId) }
        case .people:
            model.people = try people.map(Self.person)
        case .credentials:
            model.credentials = try cards.map(Self.credential)
        case .zones:
            model.zones = try zones.map { row throws(AccessStoreError) in
                Zone(
                    id: row.id, name: row.name, parentId: row.parentId,
                    antiPassback: try Self.parse(row.antiPassback, "zone", row.id),
                    antiPassbackResetSeconds: row.antiPassbackResetSeconds, maxOccupancy: row.maxOccupancy)
            }
        case .doors:
            model.doors = try doors.map { row throws(AccessStoreError) in
                Door(
                    id: row.id, name: row.name, fromZoneId: row.fromZoneId, toZoneId: row.toZoneId,
                    mode: try Self.parse(row.mode, "door", row.id),
                    minAssurance: try Self.parse(row.minAssurance, "door", row.id), unlockSeconds: row.unlockSeconds,
                    twoPersonSeconds: row.twoPersonSeconds, escortSeconds: row.escortSeconds,
                    meetingRoom: row.meetingRoom, attendancePoint: row.attendancePoint)
            }
        case .schedules:
            model.schedules = try schedules.map { row throws(AccessStoreError) in
                var schedule = Schedule(
                    id: row.id, name: row.name, intervals: [],
                    onHolidays: try Self.parse(row.onHolidays, "schedule", row.id))
                for interval in intervals[row.id] ?? [] {
                    guard let start = TimeOfDay(minutes: interval.startMinute),
                        let end = TimeOfDay(minutes: interval.endMinute)
                    else { throw Self.corrupt("schedule", row.id, "an interval's minutes are out of range") }
                    let value = ScheduleInterval(
                        days: WeekdaySet(rawValue: UInt8(truncatingIfNeeded: interval.days)), start: start, end: end)
                    if interval.holiday {
                        schedule.holidayIntervals.append(value)
                    } else {
                        schedule.intervals.append(value)
                    }
                }
                return schedule
            }
        case .holidays:
            model.holidays = try holidays.map(Self.holiday)
        case .accessLevels:
            model.accessLevels = levels.map { row in
                AccessLevel(
                    id: row.id, name: row.name, doorIds: (levelDoors[row.id] ?? []).map(\.doorId),
                    scheduleId: row.scheduleId,
                    assignments: (assignments[row.id] ?? []).map { assignment in
                        let holder: LevelAssignment.Holder
                        switch assignment.holder {
                        case .person(let id): holder = .person(id)
                        case .department(let id): holder = .department(id)
                        }
                        return LevelAssignment(
                            holder,
                            validity: Self.window(assignment.validFromMilliseconds, assignment.validUntilMilliseconds))
                    },
                    validity: Self.window(row.validFromMilliseconds, row.validUntilMilliseconds))
            }
        }
    }

    private static func person(_ row: PersonRecord) throws(AccessStoreError) -> Person {
        Person(
            id: row.id, displayName: row.displayName, departmentId: row.departmentId,
            kind: try parse(row.kind, "person", row.id), status: try parse(row.status, "person", row.id),
            responder: row.responder, pinHash: row.pinHash)
    }

    private static func credential(_ row: CardRecord) throws(AccessStoreError) -> Credential {
        let identifier: CredentialIdentifier?
        switch row.type {
        case .piv:
            identifier = row.fingerprint.flatMap {
                CredentialIdentifier.piv(fingerprintHex: $0, guidHex: row.pivGuid ?? missingGUID)
            }
        case .uid:
            identifier = row.uid.flatMap { CredentialIdentifier.uid(hex: $0) }
        }
        guard let identifier else { throw corrupt("card", row.id, "no usable card identifier") }
        return Credential(
            id: row.id, personId: row.personId, identifier: identifier, status: try parse(row.status, "card", row.id),
            validity: window(row.validFromMilliseconds, row.validUntilMilliseconds))
    }

    private static func holiday(_ row: HolidayRecord) throws(AccessStoreError) -> Holiday {
        let date: HolidayDate
        switch row.kind {
        case .solar, .lunar:
            guard let month = row.month, let day = row.day else {
                throw corrupt("holiday", row.id, "month and day are missing")
            }
            date = row.kind == .solar ? .solar(month: month, day: day) : .lunar(month: month, day: day)
        case .once:
            guard let text = row.date, let local = LocalDate(text) else {
                throw corrupt("holiday", row.id, "the date is missing or malformed")
            }
            date = .once(local)
        }
        return Holiday(id: row.id, name: row.name, date: date, days: row.days)
    }

    private static func window(_ from: Int64?, _ until: Int64?) -> ValidityWindow {
        ValidityWindow(
            from: from.map { Date(timeIntervalSince1970: TimeInterval($0) / 1000) },
            until: until.map { Date(timeIntervalSince1970: TimeInterval($0) / 1000) })
    }

    /// The same case of the other module's enumeration (both spell their cases as the API does).
    static func parse<From: RawRepresentable, To: RawRepresentable>(
        _ value: From, _ table: String, _ id: String
    ) throws(AccessStoreError) -> To where From.RawValue == String, To.RawValue == String {
        guard let parsed = To(rawValue: value.rawValue) else {
            throw AccessStoreError(.corruptDatabase, "\(table) \"\(id)\": unknown value \"\(value.rawValue)\"")
        }
        return parsed
    }

    private static func corrupt(_ table: String, _ id: String, _ message: String) -> AccessStoreError {
        AccessStoreError(.corruptDatabase, "\(table) \"\(id)\": \(message)")
    }
}
