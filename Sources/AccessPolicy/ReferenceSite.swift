import Foundation

/// A seeded generator of large, realistic sites for benchmarks and tests: the same seed and scale always give
/// the same model.
///
/// The reference scale is 100,000 people, 200,000 credentials (a PIV card and a UID card each), 2,000 doors,
/// 500 access levels, 300 schedules and 100 departments, with the Vietnamese public holidays.
public enum ReferenceSite {
    /// How big a generated site is.
    public struct Scale: Sendable, Hashable {
        public var people: Int
        public var doors: Int
        public var accessLevels: Int
        public var schedules: Int
        public var departments: Int

        public init(people: Int, doors: Int, accessLevels: Int, schedules: Int, departments: Int) {
            self.people = people
            self.doors = doors
            self.accessLevels = accessLevels
            self.schedules = schedules
            self.departments = departments
        }

        /// 100,000 people (200,000 credentials), 2,000 doors, 500 levels, 300 schedules, 100 departments.
        public static let reference = Scale(people: 100_000, doors: 2_000, accessLevels: 500, schedules: 300,
            departments: 100)
        /// A small site for unit tests.
        public static let small = Scale(people: 200, doors: 40, accessLevels: 20, schedules: 10, departments: 10)
    }

    /// The instant every generated validity window is built around: 2025-01-01 00:00 UTC+7.
    public static let epoch = Date(timeIntervalSince1970: 1_735_664_400)

    /// Generates a site.
    public static func generate(scale: Scale = .reference, seed: UInt64 = 1) -> SiteModel {
        var random = SplitMix64(seed: seed)
        let departments = makeDepartments(scale.departments)
        let zones = makeZones(buildings: max(1, scale.doors / 200), floors: 20)
        let floorZones = zones.filter { $0.id.contains("-f") }
        var doors: [Door] = []
        doors.reserveCapacity(scale.doors)
        for number in 0..<scale.doors {
            let zone = floorZones[random.below(floorZones.count)]
            let roll = random.below(100)
            doors.append(Door(id: "d\(pad(number, 5))", name: "Door \(number)", fromZoneId: zone.parentId,
                toZoneId: zone.id, mode: roll < 2 ? .cardAndPin : roll < 3 ? .freeAccess : .normal,
                minAssurance: roll % 5 == 0 ? .pkiCak : .uid, unlockSeconds: 5))
        }
        let schedules = (0..<scale.schedules).map { makeSchedule($0, &random) }
        var people: [Person] = []
        people.reserveCapacity(scale.people)
        var credentials: [Credential] = []
        credentials.reserveCapacity(scale.people * 2)
        let validity = ValidityWindow(from: epoch.addingTimeInterval(-365 * 86_400),
            until: epoch.addingTimeInterval(5 * 365 * 86_400))
        for number in 0..<scale.people {
            let id = "p\(pad(number, 6))"
            let department = departments[random.below(departments.count)]
            let roll = random.below(1000)
            people.append(Person(id: id, displayName: "Person \(number)", departmentId: department.id,
                kind: roll < 30 ? .visitor : roll < 60 ? .contractor : .staff,
                status: roll % 97 == 0 ? .inactive : .active, responder: roll % 50 == 1))
            let statusRoll = random.below(100)
            let status: CredentialStatus =
                switch statusRoll {
                case 0: .suspended
                case 1: .revoked
                case 2: .lost
                default: .active
                }
            credentials.append(Credential(id: "c\(pad(2 * number, 7))", personId: id,
                identifier: .piv(fingerprint: hex(&random, bytes: 32), guid: hex(&random, bytes: 16)), status: status,
                validity: validity))
            credentials.append(Credential(id: "c\(pad(2 * number + 1, 7))", personId: id,
                identifier: .uid(hex(&random, bytes: 7)), status: .active, validity: validity))
        }
        var levels: [AccessLevel] = []
        levels.reserveCapacity(scale.accessLevels)
        for number in 0..<scale.accessLevels {
            let doorCount = 10 + random.below(70)
            let doorIds = (0..<doorCount).map { _ in doors[random.below(doors.count)].id }
            var assignments: [LevelAssignment] = []
            for _ in 0..<(1 + random.below(2)) {
                let department = departments[random.below(departments.count)]
                assignments.append(LevelAssignment(.department(department.id)))
            }
            if number % 2 == 0 {
                for _ in 0..<min(100, scale.people) {
                    let person = people[random.below(people.count)]
                    assignments.append(LevelAssignment(.person(person.id), validity: validity))
                }
            }
            levels.append(AccessLevel(id: "l\(pad(number, 4))", name: "Level \(number)",
                doorIds: Array(Set(doorIds)).sorted(),
                scheduleId: schedules[random.below(schedules.count)].id,
                assignments: assignments))
        }
        return SiteModel(timeZone: .vietnam, departments: departments, people: people, credentials: credentials,
            zones: zones, doors: doors, schedules: schedules, holidays: vietnamesePublicHolidays, accessLevels: levels)
    }

    /// Vietnam's public holidays: New Year, Tết (five days from lunar 1/1), the Hùng Kings' day (lunar 10/3),
    /// Reunification Day, Labour Day and National Day (two days).
    public static let vietnamesePublicHolidays: [Holiday] = [
        Holiday(id: "new-year", name: "Tết Dương lịch", date: .solar(month: 1, day: 1)),
        Holiday(id: "tet", name: "Tết Nguyên đán", date: .lunar(month: 1, day: 1), days: 5),
        Holiday(id: "hung-kings", name: "Giỗ Tổ Hùng Vương", date: .lunar(month: 3, day: 10)),
        Holiday(id: "reunification", name: "Ngày Giải phóng miền Nam", date: .solar(month: 4, day: 30)),
        Holiday(id: "labour-day", name: "Ngày Quốc tế Lao động", date: .solar(month: 5, day: 1)),
        Holiday(id: "national-day", name: "Quốc khánh", date: .solar(month: 9, day: 2), days: 2),
    ]

    /// Requests likely to be granted: a person's own card at a door of one of their department's levels, on a
    /// working day of 2025 between 08:00 and 11:00 site time. Deterministic for a seed.
    public static func sampleRequests(in model: SiteModel, count: Int, seed: UInt64 = 2) -> [AccessRequest] {
        var random = SplitMix64(seed: seed)
        var levelsByDepartment: [String: [AccessLevel]] = [:]
        for level in model.accessLevels {
            for department in level.departmentIds { levelsByDepartment[department, default: []].append(level) }
        }
        var requests: [AccessRequest] = []
        requests.reserveCapacity(count)
        guard !model.credentials.isEmpty else { return [] }
        let personIndex = Dictionary(uniqueKeysWithValues: model.people.enumerated().map { ($1.id, $0) })
        var attempts = 0
        while requests.count < count && attempts < count * 20 {
            attempts += 1
            let credential = model.credentials[random.below(model.credentials.count)]
            guard let person = personIndex[credential.personId].map({ model.people[$0] }),
                let levels = person.departmentId.flatMap({ levelsByDepartment[$0] }), !levels.isEmpty
            else { continue }
            let level = levels[random.below(levels.count)]
            guard !level.doorIds.isEmpty else { continue }
            let door = level.doorIds[random.below(level.doorIds.count)]
            // Mondays to Fridays of weeks 10...40 of 2025, 08:00-11:00.
            let week = 10 + random.below(30)
            let day = random.below(5)
            let minute = 8 * 60 + random.below(180)
            let date = LocalDate(year: 2025, month: 1, day: 6)?.adding(days: week * 7 + day)
                ?? LocalDate(dayNumber: 20_000)
            let time = model.timeZone.instant(of: date, at: TimeOfDay(minutes: minute) ?? .midnight)
            requests.append(AccessRequest(doorId: door, credential: credential.key,
                assurance: credential.kind == .piv ? .pkiCak : .uid, time: time))
        }
        return requests
    }

    private static func makeDepartments(_ count: Int) -> [Department] {
        let parents = max(1, count / 10)
        return (0..<count).map { number in
            Department(id: "dep\(pad(number, 3))", name: "Department \(number)",
                parentId: number < parents ? nil : "dep\(pad(number % parents, 3))")
        }
    }

    private static func makeZones(buildings: Int, floors: Int) -> [Zone] {
        var zones = [Zone(id: "site", name: "Site", antiPassback: .none)]
        for building in 0..<buildings {
            let buildingId = "b\(building)"
            zones.append(Zone(id: buildingId, name: "Building \(building)", parentId: "site"))
            for floor in 0..<floors {
                zones.append(Zone(id: "\(buildingId)-f\(floor)", name: "Building \(building) floor \(floor)",
                    parentId: buildingId))
            }
        }
        return zones
    }

    private static func makeSchedule(_ number: Int, _ random: inout SplitMix64) -> Schedule {
        func time(_ minutes: Int) -> TimeOfDay { TimeOfDay(minutes: minutes) ?? .midnight }
        let id = "s\(pad(number, 3))"
        let rule: HolidayRule = number % 3 == 0 ? .ignore : .closed
        switch number % 4 {
        case 0:
            return Schedule(id: id, name: "Around the clock \(number)",
                intervals: [ScheduleInterval(days: .everyDay, start: .midnight, end: .endOfDay)], onHolidays: rule)
        case 1:
            let start = 20 * 60 + random.below(120)
            let end = 5 * 60 + random.below(120)
            return Schedule(id: id, name: "Night shift \(number)",
                intervals: [ScheduleInterval(days: .everyDay, start: time(start), end: time(end))], onHolidays: rule)
        default:
            let morning = 6 * 60 + random.below(90)
            let evening = 16 * 60 + random.below(180)
            return Schedule(id: id, name: "Office hours \(number)",
                intervals: [
                    ScheduleInterval(days: .weekdays, start: time(morning), end: time(11 * 60 + 30)),
                    ScheduleInterval(days: .weekdays, start: time(13 * 60), end: time(evening)),
                ], onHolidays: rule)
        }
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    private static func hex(_ random: inout SplitMix64, bytes: Int) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes * 2)
        for _ in 0..<bytes {
            let byte = random.next() & 0xFF
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// SplitMix64, a small seeded random number generator (Steele, Lea and Flood, 2014): deterministic across
/// platforms, unlike the system generator.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (0 when `bound` is not positive).
    public mutating func below(_ bound: Int) -> Int {
        bound > 0 ? Int(next(upperBound: UInt64(bound))) : 0
    }
}
