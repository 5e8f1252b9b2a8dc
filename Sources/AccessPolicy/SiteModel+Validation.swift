extension SiteModel {
    /// Every problem of the model at once: duplicate ids, unknown references, parent cycles, inverted validity
    /// windows, empty or overlapping schedule intervals, impossible holiday dates and out-of-range numbers.
    ///
    /// An empty result means ``PolicySnapshot/init(model:pinVerifier:)`` will compile the model.
    public func validate() -> [SiteModelProblem] {
        var check = ModelChecker()
        let departmentIds = check.uniqueIds(departments.map(\.id), .departments)
        let personIds = check.uniqueIds(people.map(\.id), .people)
        _ = check.uniqueIds(credentials.map(\.id), .credentials)
        let zoneIds = check.uniqueIds(zones.map(\.id), .zones)
        let doorIds = check.uniqueIds(doors.map(\.id), .doors)
        let scheduleIds = check.uniqueIds(schedules.map(\.id), .schedules)
        _ = check.uniqueIds(holidays.map(\.id), .holidays)
        _ = check.uniqueIds(accessLevels.map(\.id), .accessLevels)

        check.plainNames(departments.lazy.map { ($0.id, $0.name) }, .departments)
        check.plainNames(people.lazy.map { ($0.id, $0.displayName) }, .people, field: "displayName")
        check.plainNames(zones.lazy.map { ($0.id, $0.name) }, .zones)
        check.plainNames(doors.lazy.map { ($0.id, $0.name) }, .doors)
        check.plainNames(schedules.lazy.map { ($0.id, $0.name) }, .schedules)
        check.plainNames(holidays.lazy.map { ($0.id, $0.name) }, .holidays)
        check.plainNames(accessLevels.lazy.map { ($0.id, $0.name) }, .accessLevels)

        check.acyclicParents(departments.map { ($0.id, $0.parentId) }, known: departmentIds, .departments)
        checkDepartmentsOfPeople(&check, departmentIds: departmentIds)
        checkCredentials(&check, personIds: personIds)
        check.acyclicParents(zones.map { ($0.id, $0.parentId) }, known: zoneIds, .zones)
        for (index, zone) in zones.enumerated() {
            if let reset = zone.antiPassbackResetSeconds, reset <= 0 {
                check.add(.zones, index, zone.id, "antiPassbackResetSeconds", "must be positive")
            }
            if let limit = zone.maxOccupancy, limit < 0 {
                check.add(.zones, index, zone.id, "maxOccupancy", "must not be negative")
            }
        }
        checkDoors(&check, zoneIds: zoneIds)
        checkSchedules(&check)
        for (index, holiday) in holidays.enumerated() {
            if !holiday.date.isPossible {
                check.add(.holidays, index, holiday.id, holiday.kind == .once ? "date" : "day", "impossible date")
            }
            if !(1...31).contains(holiday.days) {
                check.add(.holidays, index, holiday.id, "days", "must be 1 to 31")
            }
        }
        checkLevels(&check, doorIds: doorIds, scheduleIds: scheduleIds, personIds: personIds,
            departmentIds: departmentIds)
        return check.problems
    }

    /// The problems of the credentials alone: what ``validate()`` would find when nothing else changed since the
    /// model was last valid (ids, people, identifiers and validity of the credentials).
    public func validateCredentials() -> [SiteModelProblem] {
        var check = ModelChecker()
        _ = check.uniqueIds(credentials.map(\.id), .credentials)
        // The ids ``validate()`` knows: an empty id is a problem of its own, never a person.
        var personIds = Set<String>(minimumCapacity: people.count)
        for person in people where !person.id.isEmpty { personIds.insert(person.id) }
        checkCredentials(&check, personIds: personIds)
        return check.problems
    }

    /// The problems of the people alone: what ``validate()`` would find in a model that differs from a valid one
    /// only in its people, with the same ids in the same order (names and departments of the people).
    public func validatePeopleKeepingIds() -> [SiteModelProblem] {
        var check = ModelChecker()
        check.plainNames(people.lazy.map { ($0.id, $0.displayName) }, .people, field: "displayName")
        checkDepartmentsOfPeople(&check, departmentIds: Set(departments.lazy.map(\.id).filter { !$0.isEmpty }))
        return check.problems
    }

    private func checkDepartmentsOfPeople(_ check: inout ModelChecker, departmentIds: Set<String>) {
        for (index, person) in people.enumerated() {
            if let department = person.departmentId, !departmentIds.contains(department) {
                check.add(.people, index, person.id, "departmentId", "unknown department \"\(department)\"")
            }
        }
    }

    private func checkCredentials(_ check: inout ModelChecker, personIds: Set<String>) {
        var keys = Set<CredentialKey>(minimumCapacity: credentials.count)
        var firsts = FirstPositions(credentials.lazy.map(\.key))
        for (index, credential) in credentials.enumerated() {
            if !personIds.contains(credential.personId) {
                check.add(.credentials, index, credential.id, "personId", "unknown person \"\(credential.personId)\"")
            }
            let key = credential.key
            if !keys.insert(key).inserted, let first = firsts.position(of: key) {
                check.add(.credentials, index, credential.id, credential.kind == .piv ? "fingerprint" : "uid",
                    "same card identifier as credentials[\(first)] \"\(credentials[first].id)\"")
            }
            if credential.validity.isInverted {
                check.add(.credentials, index, credential.id, "validUntil", "validUntil is not after validFrom")
            }
        }
    }

    private func checkDoors(_ check: inout ModelChecker, zoneIds: Set<String>) {
        for (index, door) in doors.enumerated() {
            if let from = door.fromZoneId, !zoneIds.contains(from) {
                check.add(.doors, index, door.id, "fromZoneId", "unknown zone \"\(from)\"")
            }
            if !zoneIds.contains(door.toZoneId) {
                check.add(.doors, index, door.id, "toZoneId", "unknown zone \"\(door.toZoneId)\"")
            }
            if door.fromZoneId == door.toZoneId {
                check.add(.doors, index, door.id, "toZoneId", "a door must join two different zones")
            }
            if !(1...3600).contains(door.unlockSeconds) {
                check.add(.doors, index, door.id, "unlockSeconds", "must be 1 to 3600")
            }
            if let window = door.twoPersonSeconds, !(1...3600).contains(window) {
                check.add(.doors, index, door.id, "twoPersonSeconds", "must be 1 to 3600")
            }
            if let window = door.escortSeconds, !(1...3600).contains(window) {
                check.add(.doors, index, door.id, "escortSeconds", "must be 1 to 3600")
            }
        }
    }

    private func checkSchedules(_ check: inout ModelChecker) {
        for (index, schedule) in schedules.enumerated() {
            check.intervals(schedule.intervals, field: "intervals", schedule: schedule, index: index,
                daysIfEmpty: [])
            check.intervals(schedule.holidayIntervals, field: "holidayIntervals", schedule: schedule, index: index,
                daysIfEmpty: .everyDay)
            if schedule.onHolidays == .holidayIntervals && schedule.holidayIntervals.isEmpty {
                check.add(.schedules, index, schedule.id, "holidayIntervals",
                    "onHolidays is holiday_intervals but there are no holidayIntervals")
            }
        }
    }

    private func checkLevels(
        _ check: inout ModelChecker, doorIds: Set<String>, scheduleIds: Set<String>, personIds: Set<String>,
        departmentIds: Set<String>
    ) {
        for (index, level) in accessLevels.enumerated() {
            for (position, door) in level.doorIds.enumerated() where !doorIds.contains(door) {
                check.add(.accessLevels, index, level.id, "doorIds[\(position)]", "unknown door \"\(door)\"")
            }
            if !scheduleIds.contains(level.scheduleId) {
                check.add(.accessLevels, index, level.id, "scheduleId", "unknown schedule \"\(level.scheduleId)\"")
            }
            if level.validity.isInverted {
                check.add(.accessLevels, index, level.id, "validUntil", "validUntil is not after validFrom")
            }
            for (position, assignment) in level.assignments.enumerated() {
                let field = "assignments[\(position)]"
                switch assignment.holder {
                case .person(let id) where !personIds.contains(id):
                    check.add(.accessLevels, index, level.id, field, "unknown person \"\(id)\"")
                case .department(let id) where !departmentIds.contains(id):
                    check.add(.accessLevels, index, level.id, field, "unknown department \"\(id)\"")
                default: break
                }
                if assignment.validity.isInverted {
                    check.add(.accessLevels, index, level.id, field, "validUntil is not after validFrom")
                }
            }
        }
    }
}

/// Collects problems while ``SiteModel/validate()`` walks the model.
private struct ModelChecker {
    var problems: [SiteModelProblem] = []

    mutating func add(_ collection: SiteCollection, _ index: Int, _ id: String, _ field: String?, _ message: String) {
        problems.append(SiteModelProblem(collection: collection, index: index, id: id, field: field, message: message))
    }

    /// The set of ids, reporting empty ids and every repetition after the first.
    ///
    /// One hash per id; where each id first appears is worked out only once there is a repetition.
    mutating func uniqueIds(_ ids: [String], _ collection: SiteCollection) -> Set<String> {
        var seen = Set<String>(minimumCapacity: ids.count)
        var firsts = FirstPositions(ids)
        for (index, id) in ids.enumerated() {
            if id.isEmpty {
                add(collection, index, id, "id", "empty id")
            } else if !seen.insert(id).inserted {
                add(collection, index, id, "id",
                    "duplicate id, first at \(collection.rawValue)[\(firsts.position(of: id) ?? index)]")
            }
        }
        return seen
    }

    /// Reports names holding control characters: a NUL would cut the stored text short, the others garble
    /// logs, tables and exports.
    mutating func plainNames(
        _ entries: some Sequence<(id: String, name: String)>, _ collection: SiteCollection, field: String = "name"
    ) {
        for (index, entry) in entries.enumerated() where entry.name.containsControlCharacters {
            add(collection, index, entry.id, field, "must not contain control characters")
        }
    }

    /// Reports unknown parents and parent cycles (once per entity on a cycle).
    mutating func acyclicParents(_ entries: [(id: String, parent: String?)], known: Set<String>,
        _ collection: SiteCollection)
    {
        var parentOf: [String: String] = [:]
        for entry in entries {
            if let parent = entry.parent, parentOf[entry.id] == nil { parentOf[entry.id] = parent }
        }
        for (index, entry) in entries.enumerated() {
            guard let parent = entry.parent else { continue }
            if !known.contains(parent) {
                add(collection, index, entry.id, "parentId", "unknown parent \"\(parent)\"")
                continue
            }
            var current: String? = parent
            var steps = 0
            while let id = current, steps <= entries.count {
                if id == entry.id {
                    add(collection, index, entry.id, "parentId", "parent cycle through \"\(parent)\"")
                    break
                }
                current = parentOf[id]
                steps += 1
            }
        }
    }

    /// Reports empty or malformed intervals and overlaps between intervals of one list.
    mutating func intervals(
        _ intervals: [ScheduleInterval], field: String, schedule: Schedule, index: Int, daysIfEmpty: WeekdaySet
    ) {
        var taken: [(interval: Int, range: Range<Int>)] = []
        for (position, interval) in intervals.enumerated() {
            let path = field + "[\(position)]"
            guard interval.isValid else {
                add(.schedules, index, schedule.id, path, "empty interval: start equals end or is 24:00")
                continue
            }
            if interval.days.rawValue == 0 && daysIfEmpty.rawValue == 0 {
                add(.schedules, index, schedule.id, path, "no days")
                continue
            }
            let ranges = interval.weekRanges(daysIfEmpty: daysIfEmpty)
            if let clash = taken.first(where: { old in ranges.contains { $0.overlaps(old.range) } }) {
                add(.schedules, index, schedule.id, path, "overlaps \(field)[\(clash.interval)]")
            }
            taken += ranges.map { (position, $0) }
        }
    }
}

/// Where each value of a list first appears, worked out on the first question (validation asks only about
/// repetitions, which a valid model has none of).
private struct FirstPositions<Values: Collection> where Values.Element: Hashable, Values.Index == Int {
    private let values: Values
    private var positions: [Values.Element: Int]?

    init(_ values: Values) {
        self.values = values
    }

    mutating func position(of value: Values.Element) -> Int? {
        if positions == nil {
            var positions: [Values.Element: Int] = [:]
            for (position, element) in zip(values.indices, values) where positions[element] == nil {
                positions[element] = position
            }
            self.positions = positions
        }
        return positions?[value]
    }
}

extension String {
    /// Whether the text holds an ASCII control character (C0 or DEL): names and short texts must not.
    public var containsControlCharacters: Bool { containsControlCharacters(allowingLineBreaks: false) }

    /// The same, with CR and LF allowed when `allowingLineBreaks` (multi-line texts such as PEM certificates).
    public func containsControlCharacters(allowingLineBreaks: Bool) -> Bool {
        utf8.contains { ($0 < 0x20 || $0 == 0x7F) && !(allowingLineBreaks && ($0 == 0x0A || $0 == 0x0D)) }
    }
}
