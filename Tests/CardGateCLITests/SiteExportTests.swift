import AccessPolicy
import AccessStore
import Foundation
import GRDB
import Testing

/// `cardgate site export`: apply, export, apply the export to a fresh database, and compare the models.
@Suite struct SiteExportTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func model(of database: String) async throws -> SiteModel {
        try await AccessStore.open(at: database, options: .init(readOnly: true)).siteModel()
    }

    /// Exports `source` and applies the export to a new database; returns that database and the export's text.
    static func roundTrip(_ source: String, in directory: CLITemporaryDirectory) async throws -> (String, String) {
        let site = directory.file("export-site.yaml")
        let people = directory.file("export-people.yaml")
        let export = try await CardGateRun.run(
            ["site", "export", "--db", source, "--out", site, "--people-out", people], in: directory)
        #expect(export.status == 0, "\(export.errors)")
        let copy = directory.file("copy.sqlite")
        _ = try AccessStore.open(at: copy)
        let apply = try await CardGateRun.run(
            ["site", "apply", "--db", copy, "--site", site, "--people", people, "--actor", "test"], in: directory)
        #expect(apply.status == 0, "\(apply.errors)")
        return (copy, try String(contentsOfFile: site, encoding: .utf8))
    }

    @Test func theExampleSiteSurvivesExportAndApply() async throws {
        let directory = try CLITemporaryDirectory()
        let original = directory.file("original.sqlite")
        _ = try AccessStore.open(at: original)
        let config = Self.repository.appendingPathComponent("Config")
        let apply = try await CardGateRun.run(
            ["site", "apply", "--db", original, "--site", config.appendingPathComponent("site.example.yaml").path,
                "--people", config.appendingPathComponent("people.example.yaml").path, "--actor", "test"],
            in: directory)
        #expect(apply.status == 0, "\(apply.errors)")
        let (copy, text) = try await Self.roundTrip(original, in: directory)
        let expected = try await Self.model(of: original)
        #expect(!expected.doors.isEmpty && !expected.people.isEmpty && !expected.accessLevels.isEmpty)
        #expect(try await Self.model(of: copy) == expected)
        #expect(text.contains("Sở Thông tin và Truyền thông") == false)  // the site's name is not in the model
        #expect(text.contains("\"Cửa phòng máy chủ\""))
        let permissions = try FileManager.default.attributesOfItem(
            atPath: directory.file("export-people.yaml"))[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }

    @Test func namesThatLookLikeYAMLStayText() async throws {
        let directory = try CLITemporaryDirectory()
        let original = directory.file("original.sqlite")
        let store = try AccessStore.open(at: original)
        let hash = try PINHasher(iterations: 10).hash(pin: "2468")
        let model = SiteModel(
            timeZone: SiteTimeZone(identifier: "Asia/Bangkok", secondsFromUTC: 7 * 3600),
            departments: [Department(id: "ops", name: "#1: \"Ops\" - yes: [a] {b} 'c' \\ & *")],
            people: [
                Person(id: "p1", displayName: "- null", departmentId: "ops", kind: .contractor, status: .inactive,
                    responder: true, pinHash: hash)
            ],
            credentials: [
                Credential(id: "c1", personId: "p1", identifier: .uid("0A0B0C0D"), status: .suspended,
                    validity: ValidityWindow(from: Date(timeIntervalSince1970: 1_735_689_600),
                        until: Date(timeIntervalSince1970: 1_767_225_599)))
            ],
            zones: [Zone(id: "z1", name: "{ not: a map }", antiPassback: .hard, antiPassbackResetSeconds: 600,
                maxOccupancy: 3)],
            doors: [Door(id: "d1", name: "true", toZoneId: "z1", mode: .cardAndPin, minAssurance: .uid,
                unlockSeconds: 7, twoPersonSeconds: 20)],
            schedules: [Schedule(id: "s1", name: "'quoted'", intervals: [
                ScheduleInterval(days: [.saturday, .sunday], start: TimeOfDay("22:00")!, end: TimeOfDay("06:00")!)
            ], onHolidays: .holidayIntervals, holidayIntervals: [
                ScheduleInterval(days: [], start: .midnight, end: .endOfDay)
            ])],
            holidays: [
                Holiday(id: "h1", name: "Tết", date: .lunar(month: 1, day: 1), days: 3),
                Holiday(id: "h2", name: "@once", date: .once(LocalDate("2026-02-16")!)),
            ],
            accessLevels: [AccessLevel(id: "l1", name: "*", doorIds: ["d1"], scheduleId: "s1", assignments: [
                LevelAssignment(.person("p1"), validity: ValidityWindow(until: Date(timeIntervalSince1970: 1.8e9))),
                LevelAssignment(.department("ops")),
            ])])
        _ = try await store.apply(model, scope: .all, actor: "test", journal: JournalWriter(key: nil))
        let expected = try await Self.model(of: original)
        #expect(expected.people.first?.pinHash == hash)
        let (copy, _) = try await Self.roundTrip(original, in: directory)
        #expect(try await Self.model(of: copy) == expected)
    }

    @Test func exportOfAStoreFromAnEarlierVersionAsksForAnUpgrade() async throws {
        let directory = try CLITemporaryDirectory()
        let path = directory.file("old.sqlite")
        do {
            let pool = try DatabasePool(path: path)
            try StoreSchema.migrator.migrate(pool, upTo: "model-v1")
        }
        let run = try await CardGateRun.run(["site", "export", "--db", path], in: directory)
        #expect(run.status == 1)
        #expect(run.errors.contains("written by an earlier version of CardGate"), "\(run.errors)")
    }

    @Test func exportOfAMissingDatabaseFails() async throws {
        let directory = try CLITemporaryDirectory()
        let run = try await CardGateRun.run(["site", "export", "--db", directory.file("none.sqlite")], in: directory)
        #expect(run.status == 1)
        #expect(run.errors.contains("does not exist"))
    }
}
