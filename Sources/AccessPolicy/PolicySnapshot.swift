/// The immutable, compiled form of a ``SiteModel``: integer indexes from credential to person to effective levels
/// to doors, schedules as per-weekday minute segments and holidays as a bit set. Built once per change of the
/// model; ``evaluate(_:in:)`` then reads only the snapshot and a ``SiteState``.
///
/// Levels are numbered in the order of their ids and every person's effective levels (direct, and through their
/// department and the departments above it) are sorted by that number, so the outcome, reason and matched level
/// do not depend on the order of levels in the model.
public struct PolicySnapshot: Sendable {
    /// The model the snapshot was compiled from (for names in explanations).
    public private(set) var model: SiteModel
    let timeZone: SiteTimeZone
    private(set) var pinVerifier: any PINVerifier
    let doorIndex: [String: Int32]
    let doors: [CompiledDoor]
    private(set) var credentialIndex: [CredentialKey: Int32]
    private(set) var credentials: [CompiledCredential]
    private(set) var people: [CompiledPerson]
    private(set) var grants: [LevelGrant]
    let levels: [CompiledLevel]
    let levelDoorBits: [UInt64]
    let wordsPerLevel: Int
    let schedules: [CompiledSchedule]
    let segments: [ScheduleSegment]
    let holidayDays: HolidayDays

    /// Compiles a model, or throws every problem of ``SiteModel/validate()``; nothing is half-built.
    ///
    /// - Parameter pinVerifier: checks PINs typed at `card_and_pin` doors; the default accepts none.
    public init(model: SiteModel, pinVerifier: any PINVerifier = RejectingPINVerifier()) throws(SiteValidationError) {
        let problems = model.validate()
        guard problems.isEmpty else { throw SiteValidationError(problems: problems) }
        self.model = model
        self.timeZone = model.timeZone
        self.pinVerifier = pinVerifier

        let zoneIndex = Dictionary(uniqueKeysWithValues: model.zones.enumerated().map { ($1.id, $0) })
        var doorIndex: [String: Int32] = [:]
        doorIndex.reserveCapacity(model.doors.count)
        for (index, door) in model.doors.enumerated() { doorIndex[door.id] = Int32(index) }
        self.doorIndex = doorIndex
        self.doors = model.doors.map { CompiledDoor($0, zones: model.zones, zoneIndex: zoneIndex) }

        let scheduleIndex = Dictionary(uniqueKeysWithValues: model.schedules.enumerated().map { ($1.id, $0) })
        var segments: [ScheduleSegment] = []
        self.schedules = model.schedules.map { CompiledSchedule($0, segments: &segments) }
        self.segments = segments

        let sortedLevels = model.accessLevels.sorted { $0.id < $1.id }
        let words = (model.doors.count + 63) / 64
        var bits = [UInt64](repeating: 0, count: max(1, words * sortedLevels.count))
        var levels: [CompiledLevel] = []
        levels.reserveCapacity(sortedLevels.count)
        for (index, level) in sortedLevels.enumerated() {
            for door in level.doorIds {
                guard let doorNumber = doorIndex[door] else { continue }
                bits[index * words + Int(doorNumber) / 64] |= 1 << UInt64(doorNumber % 64)
            }
            levels.append(CompiledLevel(id: level.id, schedule: Int32(scheduleIndex[level.scheduleId] ?? 0)))
        }
        self.levels = levels
        self.levelDoorBits = bits
        self.wordsPerLevel = words

        let (people, grants) = Self.compilePeople(model, sortedLevels: sortedLevels)
        self.people = people
        self.grants = grants

        (self.credentialIndex, self.credentials) = Self.compileCredentials(model)
        self.holidayDays = HolidayDays(calendar: HolidayCalendar(holidays: model.holidays))
    }

    /// Compiles `model` reusing what `previous` compiled, when the two models differ in their credentials alone
    /// (a card enrolled, suspended, reactivated or revoked) or in their people alone with the same ids in the same
    /// order (a person renamed, made inactive, given a PIN or moved to another department); otherwise compiles it
    /// whole. Only the changed part is then checked and compiled again: the rest of the model is the one `previous`
    /// was compiled from and validated with. At a site of 100,000 people and 200,000 cards this is what keeps such
    /// a change from building (and holding, next to the policy in force) a second copy of everything.
    ///
    /// The comparison (``SiteModel/difference(to:)``) is cheap when the model shares its unchanged collections with
    /// `previous.model`, as the store's incremental read makes it.
    public init(
        model: SiteModel, pinVerifier: any PINVerifier = RejectingPINVerifier(), previous: PolicySnapshot?
    ) throws(SiteValidationError) {
        guard let previous else {
            try self.init(model: model, pinVerifier: pinVerifier)
            return
        }
        let change = previous.model.difference(to: model)
        let problems: [SiteModelProblem]
        switch change {
        case .nothing: problems = []
        case .credentials: problems = model.validateCredentials()
        case .peopleKeepingIds: problems = model.validatePeopleKeepingIds()
        case .more:
            try self.init(model: model, pinVerifier: pinVerifier)
            return
        }
        guard problems.isEmpty else { throw SiteValidationError(problems: problems) }
        self = previous
        self.model = model
        self.pinVerifier = pinVerifier
        switch change {
        case .credentials:
            (credentialIndex, credentials) = Self.compileCredentials(model)
        case .peopleKeepingIds:
            // Levels are numbered in id order, as the whole compilation numbers them; the levels did not change.
            (people, grants) = Self.compilePeople(model, sortedLevels: model.accessLevels.sorted { $0.id < $1.id })
        case .nothing, .more: break
        }
    }

    private static func compileCredentials(_ model: SiteModel) -> ([CredentialKey: Int32], [CompiledCredential]) {
        var personIndex: [String: Int32] = [:]
        personIndex.reserveCapacity(model.people.count)
        for (index, person) in model.people.enumerated() { personIndex[person.id] = Int32(index) }
        var credentialIndex: [CredentialKey: Int32] = [:]
        credentialIndex.reserveCapacity(model.credentials.count)
        var credentials: [CompiledCredential] = []
        credentials.reserveCapacity(model.credentials.count)
        for credential in model.credentials {
            credentialIndex[credential.key] = Int32(credentials.count)
            credentials.append(CompiledCredential(id: credential.id, person: personIndex[credential.personId] ?? 0,
                status: credential.status, maximumAssurance: credential.kind.maximumAssurance,
                window: CompiledWindow(credential.validity)))
        }
        return (credentialIndex, credentials)
    }

    /// People with their effective level grants, flattened and sorted by level number per person.
    private static func compilePeople(
        _ model: SiteModel, sortedLevels: [AccessLevel]
    ) -> ([CompiledPerson], [LevelGrant]) {
        let departmentIndex = Dictionary(uniqueKeysWithValues: model.departments.enumerated().map { ($1.id, $0) })
        let personIndex = Dictionary(uniqueKeysWithValues: model.people.enumerated().map { ($1.id, $0) })
        var direct = [[LevelGrant]](repeating: [], count: model.people.count)
        var byDepartment = [[LevelGrant]](repeating: [], count: model.departments.count)
        for (number, level) in sortedLevels.enumerated() {
            let levelWindow = CompiledWindow(level.validity)
            for assignment in level.assignments {
                let grant = LevelGrant(level: Int32(number),
                    window: levelWindow.intersected(with: CompiledWindow(assignment.validity)))
                switch assignment.holder {
                case .person(let id): if let index = personIndex[id] { direct[index].append(grant) }
                case .department(let id): if let index = departmentIndex[id] { byDepartment[index].append(grant) }
                }
            }
        }
        // Grants of a department with those of every department above it.
        var inherited = [[LevelGrant]?](repeating: nil, count: model.departments.count)
        func departmentGrants(_ index: Int) -> [LevelGrant] {
            if let known = inherited[index] { return known }
            var result = byDepartment[index]
            var seen: Set<Int> = [index]
            var parent = model.departments[index].parentId.flatMap { departmentIndex[$0] }
            while let current = parent, seen.insert(current).inserted {
                result += byDepartment[current]
                parent = model.departments[current].parentId.flatMap { departmentIndex[$0] }
            }
            inherited[index] = result
            return result
        }
        var people: [CompiledPerson] = []
        people.reserveCapacity(model.people.count)
        var grants: [LevelGrant] = []
        for (index, person) in model.people.enumerated() {
            var own = direct[index]
            if let department = person.departmentId.flatMap({ departmentIndex[$0] }) {
                own += departmentGrants(department)
            }
            own.sort { ($0.level, $0.window.from, $0.window.until) < ($1.level, $1.window.from, $1.window.until) }
            people.append(CompiledPerson(id: person.id, status: person.status, kind: person.kind,
                responder: person.responder, pinHash: person.pinHash, firstGrant: Int32(grants.count),
                grantCount: Int32(own.count)))
            grants += own
        }
        return (people, grants)
    }

    /// Whether a site-local day is a holiday (days outside ``HolidayCalendar/supportedYears`` never are).
    public func isHoliday(_ date: LocalDate) -> Bool { holidayDays.contains(day: date.dayNumber) }
}

struct CompiledCredential: Sendable {
    let id: String
    let person: Int32
    let status: CredentialStatus
    let maximumAssurance: Assurance
    let window: CompiledWindow
}

struct CompiledPerson: Sendable {
    let id: String
    let status: PersonStatus
    let kind: PersonKind
    let responder: Bool
    let pinHash: String?
    let firstGrant: Int32
    let grantCount: Int32
}

struct LevelGrant: Sendable {
    let level: Int32
    let window: CompiledWindow
}

struct CompiledLevel: Sendable {
    let id: String
    let schedule: Int32
}

/// A door with its zones resolved: the zones whose lockdown closes it and, per direction, the zones left and
/// entered with their anti-passback and occupancy rules.
struct CompiledDoor: Sendable {
    let id: String
    let mode: DoorMode
    let minAssurance: Assurance
    let unlockSeconds: Int
    let twoPersonSeconds: Int
    let escortSeconds: Int
    let lockdownZoneIds: [String]
    let inward: Crossing
    let outward: Crossing

    /// One direction through a door.
    struct Crossing: Sendable {
        let fromZoneId: String?
        let toZoneId: String?
        let antiPassback: AntiPassbackMode
        /// 0: no timed reset.
        let antiPassbackResetSeconds: Int
        /// -1: unlimited.
        let maxOccupancy: Int
    }

    init(_ door: Door, zones: [Zone], zoneIndex: [String: Int]) {
        id = door.id
        mode = door.mode
        minAssurance = door.minAssurance
        unlockSeconds = door.unlockSeconds
        twoPersonSeconds = door.twoPersonSeconds ?? 0
        escortSeconds = door.escortSeconds ?? 0
        var chain: [String] = []
        for start in [door.fromZoneId, door.toZoneId] {
            var current = start.flatMap { zoneIndex[$0] }
            while let index = current, !chain.contains(zones[index].id) {
                chain.append(zones[index].id)
                current = zones[index].parentId.flatMap { zoneIndex[$0] }
            }
        }
        lockdownZoneIds = chain
        let from = door.fromZoneId.flatMap { zoneIndex[$0] }.map { zones[$0] }
        let to = zoneIndex[door.toZoneId].map { zones[$0] }
        inward = Self.crossing(from: from, to: to)
        outward = Self.crossing(from: to, to: from)
    }

    /// The stricter anti-passback mode of the two zones with the shorter reset; the entered zone's occupancy.
    private static func crossing(from: Zone?, to: Zone?) -> Crossing {
        let modes = [from, to].compactMap { $0 }
        let mode = modes.map(\.antiPassback).max() ?? .none
        let resets = modes.filter { $0.antiPassback == mode }.map { $0.antiPassbackResetSeconds ?? 0 }
        let reset = resets.contains(0) ? 0 : (resets.min() ?? 0)
        return Crossing(fromZoneId: from?.id, toZoneId: to?.id, antiPassback: mode, antiPassbackResetSeconds: reset,
            maxOccupancy: to?.maxOccupancy ?? -1)
    }
}

/// A schedule as a run of ``ScheduleSegment``s in the snapshot's flat segment array.
struct CompiledSchedule: Sendable {
    let id: String
    let rule: HolidayRule
    let intervals: [ScheduleInterval]
    let holidayIntervals: [ScheduleInterval]
    let firstSegment: Int32
    let segmentCount: Int32

    init(_ schedule: Schedule, segments: inout [ScheduleSegment]) {
        id = schedule.id
        rule = schedule.onHolidays
        intervals = schedule.intervals
        holidayIntervals = schedule.holidayIntervals
        firstSegment = Int32(segments.count)
        for (holidaySet, list) in [(false, schedule.intervals), (true, schedule.holidayIntervals)] {
            for (position, interval) in list.enumerated() where interval.isValid {
                let days = interval.days.rawValue == 0 && holidaySet ? WeekdaySet.everyDay : interval.days
                for day in days.days {
                    if interval.crossesMidnight {
                        segments.append(ScheduleSegment(weekday: day.index, start: interval.start.minutes, end: 1440,
                            interval: position, spill: false, holidaySet: holidaySet))
                        if interval.end.minutes > 0 {
                            segments.append(ScheduleSegment(weekday: (day.index + 1) % 7, start: 0,
                                end: interval.end.minutes, interval: position, spill: true, holidaySet: holidaySet))
                        }
                    } else {
                        segments.append(ScheduleSegment(weekday: day.index, start: interval.start.minutes,
                            end: interval.end.minutes, interval: position, spill: false, holidaySet: holidaySet))
                    }
                }
            }
        }
        segmentCount = Int32(segments.count) - firstSegment
    }
}

/// Part of an interval lying on one weekday; `spill` marks the part after midnight of an interval that started
/// the day before (whose holiday status is the previous day's).
struct ScheduleSegment: Sendable {
    let weekday: Int8
    let start: Int16
    let end: Int16
    let interval: Int16
    let spill: Bool
    let holidaySet: Bool

    init(weekday: Int, start: Int, end: Int, interval: Int, spill: Bool, holidaySet: Bool) {
        self.weekday = Int8(weekday)
        self.start = Int16(start)
        self.end = Int16(end)
        self.interval = Int16(clamping: interval)
        self.spill = spill
        self.holidaySet = holidaySet
    }
}
