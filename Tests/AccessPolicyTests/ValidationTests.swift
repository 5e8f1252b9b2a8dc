import AccessPolicy
import Foundation
import Testing

/// Bad models: every problem at once, and no snapshot.
@Suite struct ValidationTests {
    @Test func fixtureIsValid() {
        #expect(Fixture.model.validate().isEmpty)
    }

    @Test func everyProblemIsReportedAtOnce() throws {
        var model = Fixture.model
        model.doors.append(Door(id: "gate", name: "Duplicate gate", toZoneId: "lobyy"))
        model.doors.append(Door(id: "loop", name: "Loop", fromZoneId: "lobby", toZoneId: "lobby", unlockSeconds: 0))
        model.schedules.append(Schedule(id: "bad", name: "Bad", intervals: [
            Fixture.interval(.weekdays, "08:00", "12:00"),
            Fixture.interval([.monday], "11:00", "13:00"),
            Fixture.interval(.weekdays, "09:00", "09:00"),
            Fixture.interval(.weekend, "23:00", "01:00"),
            Fixture.interval([.monday], "00:30", "02:00"),
        ]))
        model.holidays.append(Holiday(id: "feb30", name: "No such day", date: .solar(month: 2, day: 30)))
        model.holidays.append(Holiday(id: "lunar31", name: "No such lunar day", date: .lunar(month: 1, day: 31)))
        model.accessLevels.append(AccessLevel(id: "broken", name: "Broken", doorIds: ["gate", "nowhere"],
            scheduleId: "never", assignments: [LevelAssignment(.person("ghost")), LevelAssignment(.department("x"))],
            validity: ValidityWindow(from: Fixture.time("2025-02-01 00:00"), until: Fixture.time("2025-01-01 00:00"))))
        model.zones.append(Zone(id: "a", name: "A", parentId: "b"))
        model.zones.append(Zone(id: "b", name: "B", parentId: "a"))
        model.credentials.append(Credential(id: "c-copy", personId: "nobody", identifier: .uid("04A1B2C3")))

        let problems = model.validate()
        let found = Set(problems.map { "\($0.collection.rawValue)/\($0.id)/\($0.field ?? "")" })
        let expected: Set<String> = [
            "doors/gate/id", "doors/gate/toZoneId", "doors/loop/toZoneId", "doors/loop/unlockSeconds",
            "schedules/bad/intervals[1]", "schedules/bad/intervals[2]", "schedules/bad/intervals[4]",
            "holidays/feb30/day", "holidays/lunar31/day",
            "accessLevels/broken/doorIds[1]", "accessLevels/broken/scheduleId", "accessLevels/broken/validUntil",
            "accessLevels/broken/assignments[0]", "accessLevels/broken/assignments[1]",
            "zones/a/parentId", "zones/b/parentId", "credentials/c-copy/personId", "credentials/c-copy/uid",
        ]
        #expect(found == expected)
        #expect(throws: SiteValidationError.self) { try PolicySnapshot(model: model) }
    }

    /// A NUL would cut the stored name short; other control characters garble logs, tables and exports.
    @Test func namesWithControlCharactersAreRefused() {
        var model = Fixture.model
        model.zones.append(Zone(id: "nul", name: "Kho\u{0}lưu trữ"))
        model.people[0].displayName = "Nguyễn\nVăn"
        model.doors[0].name += "\u{7F}"
        let found = Set(model.validate().map { "\($0.collection.rawValue)/\($0.id)/\($0.field ?? "")" })
        #expect(found == [
            "zones/nul/name", "people/\(model.people[0].id)/displayName", "doors/\(model.doors[0].id)/name",
        ])
    }

    @Test func repetitionsNameWhereTheValueFirstAppeared() {
        var model = Fixture.model
        let firstDoor = model.doors.count
        model.doors += ["x", "y", "x", "y", "x"].enumerated().map { position, id in
            Door(id: id, name: "Door \(position)", fromZoneId: "lobby", toZoneId: Fixture.model.doors[0].toZoneId)
        }
        let firstCard = model.credentials.count
        let person = model.people[0].id
        model.credentials += [
            Credential(id: "k1", personId: person, identifier: .uid("0A0B0C0D")),
            Credential(id: "k2", personId: person, identifier: .uid("0A0B0C0D")),
        ]
        let messages = model.validate().map { "\($0.collection.rawValue)[\($0.index)] \($0.message)" }
        #expect(messages.contains("doors[\(firstDoor + 2)] duplicate id, first at doors[\(firstDoor)]"))
        #expect(messages.contains("doors[\(firstDoor + 3)] duplicate id, first at doors[\(firstDoor + 1)]"))
        #expect(messages.contains("doors[\(firstDoor + 4)] duplicate id, first at doors[\(firstDoor)]"))
        #expect(messages.contains("credentials[\(firstCard + 1)] same card identifier as credentials[\(firstCard)] \"k1\""))
    }

    @Test func sundayNightIntervalWrapsIntoMonday() {
        var model = Fixture.model
        model.schedules = [Schedule(id: "wrap", name: "Wrap", intervals: [
            Fixture.interval([.sunday], "22:00", "02:00"),
            Fixture.interval([.monday], "01:00", "03:00"),
        ])]
        model.accessLevels = []
        let problems = model.validate()
        #expect(problems.map(\.field) == ["intervals[1]"])
    }

    @Test func inputsBuildKeysCaseInsensitively() {
        #expect(CredentialKey.uid(hex: "04:a1:b2:c3") == CredentialKey.uid(hex: "04A1B2C3"))
        #expect(CredentialKey.uid(hex: "04A1B2C") == nil)
        #expect(CredentialKey.uid(hex: "zz") == nil)
        #expect(CredentialKey.piv(fingerprintHex: "AB") == nil)
    }

    @Test(arguments: ["24:01", "7:30", "07:60", "ab:cd", "", "25:00"])
    func malformedTimes(_ text: String) {
        #expect(TimeOfDay(text) == nil)
    }

    @Test(arguments: [(2024, 2, 29, true), (2025, 2, 29, false), (2025, 4, 31, false), (2025, 13, 1, false)])
    func dates(year: Int, month: Int, day: Int, exists: Bool) {
        #expect((LocalDate(year: year, month: month, day: day) != nil) == exists)
    }

    @Test func dayNumbersRoundTrip() {
        for day in stride(from: -80_000, through: 80_000, by: 997) {
            #expect(LocalDate(dayNumber: day).dayNumber == day)
        }
        #expect(LocalDate(year: 1970, month: 1, day: 1)?.dayNumber == 0)
        #expect(LocalDate(year: 2025, month: 3, day: 3)?.weekday == .monday)
    }
}
