import AccessPolicy
import Foundation

/// A small office used by the engine tests. Monday 2025-03-03 is an ordinary working day; 2025-04-07 (lunar 10/3)
/// is the Hùng Kings' day.
enum Fixture {
    static let fingerprints: [String: String] = Dictionary(uniqueKeysWithValues: [
        "alice-piv", "bob-piv", "carol-piv", "resp-piv", "alice-suspended", "alice-revoked", "alice-lost",
        "alice-expired", "alice-future", "dan-piv", "eve-piv",
    ].enumerated().map { index, name in (name, String(repeating: String(format: "%02X", index + 1), count: 32)) })

    static func piv(_ name: String) -> CredentialKey {
        guard let key = CredentialKey.piv(fingerprintHex: fingerprints[name] ?? "") else {
            preconditionFailure("fixture key \(name)")
        }
        return key
    }

    static func uid(_ hex: String) -> CredentialKey {
        guard let key = CredentialKey.uid(hex: hex) else { preconditionFailure("fixture uid \(hex)") }
        return key
    }

    static func time(_ text: String) -> Date {
        // "YYYY-MM-DD HH:MM" in site time (UTC+7).
        let parts = text.split(separator: " ")
        guard parts.count == 2, let date = LocalDate(String(parts[0])), let clock = TimeOfDay(String(parts[1])) else {
            preconditionFailure("fixture time \(text)")
        }
        return SiteTimeZone.vietnam.instant(of: date, at: clock)
    }

    static let monday = "2025-03-03 09:00"

    static func interval(_ days: WeekdaySet, _ start: String, _ end: String) -> ScheduleInterval {
        guard let start = TimeOfDay(start), let end = TimeOfDay(end) else { preconditionFailure("fixture interval") }
        return ScheduleInterval(days: days, start: start, end: end)
    }

    static func credential(_ id: String, _ person: String, _ name: String, _ status: CredentialStatus = .active,
        validity: ValidityWindow = .always) -> Credential
    {
        Credential(id: id, personId: person, identifier: .piv(fingerprint: piv(name).hex, guid: "00"),
            status: status, validity: validity)
    }

    static var model: SiteModel {
        let year2025 = ValidityWindow(from: time("2025-01-01 00:00"), until: time("2026-01-01 00:00"))
        return SiteModel(
            departments: [
                Department(id: "it", name: "IT"),
                Department(id: "it-ops", name: "IT operations", parentId: "it"),
                Department(id: "security", name: "Security"),
            ],
            people: [
                Person(id: "alice", displayName: "Alice", departmentId: "it", pinHash: "1234"),
                Person(id: "bob", displayName: "Bob", departmentId: "it"),
                Person(id: "carol", displayName: "Carol", departmentId: "it", status: .inactive),
                Person(id: "dan", displayName: "Dan", departmentId: "it-ops"),
                Person(id: "eve", displayName: "Eve"),
                Person(id: "vic", displayName: "Vic", kind: .visitor),
                Person(id: "resp", displayName: "Responder", departmentId: "security", responder: true),
            ],
            credentials: [
                credential("c-alice", "alice", "alice-piv"),
                Credential(id: "c-alice-uid", personId: "alice", identifier: .uid("04A1B2C3")),
                credential("c-bob", "bob", "bob-piv"),
                credential("c-carol", "carol", "carol-piv"),
                credential("c-dan", "dan", "dan-piv"),
                credential("c-eve", "eve", "eve-piv"),
                Credential(id: "c-vic", personId: "vic", identifier: .uid("0411223344")),
                credential("c-resp", "resp", "resp-piv"),
                credential("c-suspended", "alice", "alice-suspended", .suspended),
                credential("c-revoked", "alice", "alice-revoked", .revoked),
                credential("c-lost", "alice", "alice-lost", .lost),
                credential("c-expired", "alice", "alice-expired",
                    validity: ValidityWindow(from: time("2020-01-01 00:00"), until: time("2025-01-01 00:00"))),
                credential("c-future", "alice", "alice-future",
                    validity: ValidityWindow(from: time("2026-01-01 00:00"))),
            ],
            zones: [
                Zone(id: "lobby", name: "Lobby"),
                Zone(id: "floor2", name: "Floor 2", parentId: "lobby"),
                Zone(id: "server", name: "Server room", parentId: "floor2", antiPassback: .hard,
                    antiPassbackResetSeconds: 3600, maxOccupancy: 2),
                Zone(id: "archive", name: "Archive", parentId: "floor2", antiPassback: .soft),
                Zone(id: "meeting", name: "Meeting room", parentId: "floor2"),
                Zone(id: "canteen", name: "Canteen", parentId: "lobby"),
                Zone(id: "store", name: "Store", parentId: "lobby"),
                Zone(id: "vault", name: "Vault", parentId: "floor2"),
            ],
            doors: [
                Door(id: "gate", name: "Main gate", toZoneId: "lobby"),
                Door(id: "stairs", name: "Stairs to floor 2", fromZoneId: "lobby", toZoneId: "floor2"),
                Door(id: "server", name: "Server room", fromZoneId: "floor2", toZoneId: "server",
                    minAssurance: .pkiCak, unlockSeconds: 3),
                Door(id: "archive", name: "Archive", fromZoneId: "floor2", toZoneId: "archive"),
                Door(id: "vault", name: "Vault", fromZoneId: "floor2", toZoneId: "vault", twoPersonSeconds: 30),
                Door(id: "meeting", name: "Meeting room", fromZoneId: "floor2", toZoneId: "meeting",
                    mode: .cardAndPin, meetingRoom: true),
                Door(id: "canteen", name: "Canteen", fromZoneId: "lobby", toZoneId: "canteen", mode: .freeAccess),
                Door(id: "store", name: "Store", fromZoneId: "lobby", toZoneId: "store", mode: .locked),
                Door(id: "visit", name: "Visitor door", fromZoneId: "lobby", toZoneId: "floor2", escortSeconds: 60),
            ],
            schedules: [
                Schedule(id: "office", name: "Office hours",
                    intervals: [interval(.weekdays, "07:30", "11:30"), interval(.weekdays, "13:00", "17:00")]),
                Schedule(id: "always", name: "Always", intervals: [interval(.everyDay, "00:00", "24:00")],
                    onHolidays: .ignore),
                Schedule(id: "night", name: "Night shift", intervals: [interval(.weekdays, "22:00", "06:00")],
                    onHolidays: .holidayIntervals, holidayIntervals: [interval([], "08:00", "12:00")]),
            ],
            holidays: ReferenceSite.vietnamesePublicHolidays,
            accessLevels: [
                AccessLevel(id: "it-office", name: "IT office",
                    doorIds: ["gate", "stairs", "server", "archive", "vault", "meeting", "canteen", "store", "visit"],
                    scheduleId: "office", assignments: [LevelAssignment(.department("it"))]),
                AccessLevel(id: "visitors", name: "Visitors", doorIds: ["gate", "visit"], scheduleId: "office",
                    assignments: [LevelAssignment(.person("vic"), validity: year2025)]),
                AccessLevel(id: "security", name: "Security", doorIds: ["gate", "stairs", "server", "archive"],
                    scheduleId: "always", assignments: [LevelAssignment(.department("security"))]),
                AccessLevel(id: "eve-night", name: "Night cleaning", doorIds: ["gate", "stairs"], scheduleId: "night",
                    assignments: [LevelAssignment(.person("eve"))]),
            ])
    }

    static func snapshot(_ model: SiteModel = model) throws -> PolicySnapshot {
        try PolicySnapshot(model: model, pinVerifier: PlainPINVerifier())
    }

    static func request(
        _ door: String, _ key: CredentialKey, _ at: String = monday, assurance: Assurance = .pkiCak,
        pin: String? = nil, direction: Direction = .in
    ) -> AccessRequest {
        AccessRequest(doorId: door, credential: key, assurance: assurance, pin: pin, direction: direction,
            time: time(at))
    }
}

/// Test-only verifier: the "hash" is the PIN itself.
struct PlainPINVerifier: PINVerifier {
    func verify(pin: String, hash: String) -> Bool { pin == hash }
}
