import AccessPolicy
import Foundation
import SiteFile
import Testing

/// The site-file parser: the example site, and bad input reported all at once with lines.
@Suite struct SiteFileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func source(_ path: String) throws -> SiteFile.Source {
        let url = root.appendingPathComponent(path)
        return SiteFile.Source(name: path, text: try String(contentsOf: url, encoding: .utf8))
    }

    @Test func exampleSiteLoadsAndDecides() throws {
        let model = try SiteFile.load([
            Self.source("Config/site.example.yaml"), Self.source("Config/people.example.yaml"),
        ])
        #expect(model.timeZone.secondsFromUTC == 7 * 3600)
        #expect(model.zones.contains { $0.id == "server-room" && $0.antiPassback == .hard && $0.maxOccupancy == 4 })
        #expect(model.doors.first { $0.id == "server-room-door" }?.mode == .cardAndPin)
        #expect(model.schedules.first { $0.id == "office-hours" }?.intervals.count == 2)
        #expect(model.holidays.first { $0.id == "tet" }?.date == .lunar(month: 1, day: 1))
        let visitors = model.accessLevels.first { $0.id == "visitors" }
        #expect(visitors?.assignments.first?.validity.until != nil)
        #expect(model.credentials.first { $0.id == "card-dung" }?.key == CredentialKey.uid(hex: "04112233445566"))

        let snapshot = try PolicySnapshot(model: model)
        let monday = try #require(SiteTime.parse("2025-03-03 08:00", timeZone: model.timeZone))
        let archiveKey = try #require(CredentialKey.piv(fingerprintHex:
            "3F8A1C0B9D2E47F6A5B4C3D2E1F0A9B8C7D6E5F4A3B2C1D0E9F8A7B6C5D4E3F2"))
        let request = AccessRequest(doorId: "floor2-door", credential: archiveKey, assurance: .pkiCak, time: monday)
        #expect(snapshot.decide(request).reason == .granted)
        let tet = try #require(SiteTime.parse("2025-01-30 08:00", timeZone: model.timeZone))
        #expect(snapshot.decide(AccessRequest(doorId: "floor2-door", credential: archiveKey, assurance: .pkiCak,
            time: tet)).reason == .outsideSchedule)
    }

    @Test func everyErrorIsReportedWithItsLine() throws {
        let text = """
            zones:
              - { id: lobby, name: Lobby }
              - { id: lobby, name: Again }
            doors:
              - id: gate
                toZoneId: lobyy
                mode: revolving
                unlockSeconds: five
                colour: red
            schedules:
              - id: office
                intervals:
                  - { days: mon-fri, start: "08:00", end: "12:00" }
                  - { days: [mon], start: "11:00", end: "13:00" }
                  - { days: [tue], start: "09:00", end: "09:00" }
                  - { days: [wed], start: "25:00", end: "26:00" }
                  - { days: [funday], start: "08:00", end: "09:00" }
            holidays:
              - { id: h1, kind: solar, month: 2, day: 30 }
              - { id: h2, kind: once, date: 2025-02-29 }
            accessLevels:
              - id: staff
                doorIds: [gate, nowhere]
                scheduleId: office
                personIds: [ghost]
                validFrom: 2025-02-01
                validUntil: 2025-01-01
            """
        do {
            _ = try SiteFile.load([SiteFile.Source(name: "bad.yaml", text: text)])
            Issue.record("a bad site loaded")
        } catch {
            let lines = error.diagnostics.compactMap(\.line)
            let expected = [3, 6, 7, 8, 9, 14, 15, 16, 16, 17, 19, 20, 23, 25, 27]
            #expect(lines == expected, "\(error)")
            #expect(error.diagnostics.allSatisfy { $0.file == "bad.yaml" })
            #expect(error.description.contains("bad.yaml:6: doors \"gate\" toZoneId: unknown zone \"lobyy\""))
            #expect(error.description.contains("bad.yaml:9: door \"gate\": unknown field \"colour\""))
        }
    }

    @Test func yamlSyntaxErrorHasALine() {
        let text = "zones:\n  - { id: lobby\n  - id: other\n"
        #expect(throws: SiteFileError.self) { try SiteFile.load([SiteFile.Source(name: "s.yaml", text: text)]) }
        do {
            _ = try SiteFile.load([SiteFile.Source(name: "s.yaml", text: text)])
        } catch {
            #expect(error.diagnostics.first?.line != nil)
        }
    }

    @Test func peopleFileReferencesTheSite() throws {
        let site = SiteFile.Source(name: "site.yaml", text: "departments:\n  - { id: it, name: IT }\n")
        let people = SiteFile.Source(name: "people.yaml", text: """
            people:
              - { id: an, displayName: An, departmentId: it }
              - { id: binh, displayName: Bình, departmentId: hr }
            credentials:
              - { id: c1, personId: an, type: uid, uid: 04aabb }
              - { id: c2, personId: nobody, type: uid, uid: 04AABB }
            """)
        do {
            _ = try SiteFile.load([site, people])
            Issue.record("unknown references loaded")
        } catch {
            #expect(error.diagnostics.map(\.description) == [
                "people.yaml:3: people \"binh\" departmentId: unknown department \"hr\"",
                "people.yaml:6: credentials \"c2\" personId: unknown person \"nobody\"",
                "people.yaml:6: credentials \"c2\" uid: same card identifier as credentials[0] \"c1\"",
            ])
        }
    }

    @Test func peopleAsCSV() throws {
        let csv = """
            id,displayName,departmentId,kind,responder,cardId,cardType,uid,fingerprint,cardStatus,validUntil
            an,"Nguyễn Văn An",,staff,no,c1,uid,04AABBCC,,,2030-01-01
            an,"Nguyễn Văn An",,staff,no,c2,piv,,\(String(repeating: "AB", count: 32)),suspended,
            "em, bảo vệ",Em,,staff,yes,,,,,,
            """
        let model = try SiteFile.load([SiteFile.Source(name: "people.csv", text: csv)])
        #expect(model.people.map(\.id) == ["an", "em, bảo vệ"])
        #expect(model.people.last?.responder == true)
        #expect(model.credentials.map(\.status) == [.active, .suspended])
        #expect(model.credentials.first?.validity.until != nil)
    }

    @Test func badCSVRowsAreReported() {
        let csv = "id,cardId,cardType,uid,colour\nan,c1,uid,XYZ,red\n,c2,uid,04AA,blue\n"
        do {
            _ = try SiteFile.load([SiteFile.Source(name: "p.csv", text: csv)])
            Issue.record("bad CSV loaded")
        } catch {
            #expect(error.diagnostics.compactMap(\.line) == [1, 2, 3])
        }
    }

    @Test(arguments: [
        ("2025-03-03", 1_740_934_800.0),
        ("2025-03-03 09:30", 1_740_969_000.0),
        ("2025-03-03T09:30", 1_740_969_000.0),
        ("2025-03-03T02:30:15Z", 1_740_969_015.0),
        ("2025-03-03T09:30:00+07:00", 1_740_969_000.0),
    ])
    func siteTimes(text: String, expected: Double) {
        #expect(SiteTime.parse(text, timeZone: .vietnam)?.timeIntervalSince1970 == expected)
    }

    @Test(arguments: ["2025-02-30", "2025-03-03 9:30", "yesterday", "2025-03-03T09:30+7", "2025-03-03X"])
    func badSiteTimes(_ text: String) {
        #expect(SiteTime.parse(text, timeZone: .vietnam) == nil)
    }
}
