import AccessPolicy
import AccessStore
import Foundation
import GRDB
import Testing

@Suite struct SiteModelStoreTests {
    @Test func theExampleSiteComesBackAsItWasApplied() async throws {
        let files = try ExampleSite.model()
        let store = try await ExampleSite.store()
        let loaded = try await store.siteModel()
        #expect(ExampleSite.normalized(loaded) == ExampleSite.normalized(files))
        #expect(loaded.timeZone == files.timeZone)
        #expect(loaded.doors.count == 11)
    }

    /// One credential at one door at one time, with the reason the example site must give.
    struct Case: Sendable, CustomTestStringConvertible {
        var credential: String
        var door: String
        var time: String
        var reason: DecisionReason
        var testDescription: String { "\(credential) at \(door), \(time): \(reason.rawValue)" }
    }

    static let cases: [Case] = [
        Case(credential: "card-binh", door: "floor4-door", time: "2025-03-03 09:00", reason: .granted),
        Case(credential: "card-binh", door: "floor4-door", time: "2025-03-09 12:00", reason: .outsideSchedule),
        Case(credential: "card-binh", door: "floor4-door", time: "2025-03-09 22:00", reason: .granted),
        Case(credential: "card-cuong", door: "floor4-door", time: "2025-03-03 09:00", reason: .assuranceTooLow),
        Case(credential: "card-dung", door: "main-entrance", time: "2025-03-03 09:00", reason: .credentialLost),
        Case(credential: "card-em", door: "vehicle-gate", time: "2025-03-09 03:00", reason: .granted),
        Case(credential: "card-an", door: "floor4-door", time: "2025-03-03 09:00", reason: .noAccessLevel),
        Case(credential: "card-an", door: "no-such-door", time: "2025-03-03 09:00", reason: .unknownDoor),
    ]

    /// The credential presented with the assurance its kind gives (PKI-CAK for PIV, UID otherwise).
    static func request(_ model: SiteModel, _ credential: String, _ door: String, _ time: Date) throws
        -> AccessRequest
    {
        let key = try #require(model.credentials.first { $0.id == credential }?.key)
        let assurance: AccessPolicy.Assurance = key.kind == .piv ? .pkiCak : .uid
        return AccessRequest(doorId: door, credential: key, assurance: assurance, time: time)
    }

    @Test(arguments: cases)
    func theStoredSiteDecidesAsTheFiles(_ check: Case) async throws {
        let files = try ExampleSite.model()
        let fromFiles = try PolicySnapshot(model: files)
        let fromStore = try await ExampleSite.store().policySnapshot(pinVerifier: RejectingPINVerifier())
        let request = try Self.request(files, check.credential, check.door, ExampleSite.time(check.time))
        let stored = fromStore.decide(request)
        #expect(stored.reason == check.reason)
        #expect(stored == fromFiles.decide(request))
    }

    @Test func everyCredentialDoorAndTimeDecidesAlike() async throws {
        let files = try ExampleSite.model()
        let fromFiles = try PolicySnapshot(model: files)
        let fromStore = try await ExampleSite.store().policySnapshot(pinVerifier: RejectingPINVerifier())
        let times = [
            "2025-03-03 09:00", "2025-03-03 12:15", "2025-03-03 22:00", "2025-03-08 09:00", "2025-03-09 03:00",
            "2025-01-29 10:00", "2026-02-16 10:00", "2024-06-01 10:00", "2030-01-02 10:00",
        ]
        var reasons: Set<DecisionReason> = []
        for credential in files.credentials {
            for door in files.doors {
                for time in times {
                    let request = try Self.request(files, credential.id, door.id, ExampleSite.time(time))
                    let decision = fromStore.decide(request)
                    #expect(decision == fromFiles.decide(request), "\(credential.id) \(door.id) \(time)")
                    reasons.insert(decision.reason)
                }
            }
        }
        // The table is not trivial: it grants, and denies for several reasons.
        #expect(reasons.contains(.granted))
        #expect(reasons.count >= 5)
    }

    @Test func applyingTheSameFilesAgainChangesNothingButIsJournaled() async throws {
        let store = try await ExampleSite.store()
        let report = try await store.apply(
            try ExampleSite.model(), scope: .all, actor: "alice", journal: JournalWriter(key: nil))
        #expect(report.isUnchanged)
        #expect(report.event.actor == "alice")
        #expect(report.event.type == .adminChange)
        #expect(try ExampleSite.journalCount(store) == 2)
    }

    @Test func theFirstApplyIsCountedInOneJournalEvent() async throws {
        let store = try AccessStore.inMemory()
        let report = try await store.apply(
            try ExampleSite.model(), scope: .all, actor: "bob", journal: JournalWriter(key: nil))
        #expect(report.added[.doors] == 11)
        #expect(report.added[.credentials] == 6)
        #expect(report.removed.isEmpty)
        #expect(report.event.details.contains(#""doors":11"#))
        #expect(try ExampleSite.journalCount(store) == 1)
    }

    /// A change the model accepts but the schema refuses (occupancy 0), behind a valid change.
    @Test func aRefusedApplyChangesNothingAndNamesTheRecord() async throws {
        let store = try await ExampleSite.store()
        let before = try await store.siteModel()
        var model = try ExampleSite.model()
        model.zones[0].name = "Renamed grounds"
        model.doors.removeAll { $0.id == "vehicle-gate" }
        model.accessLevels = model.accessLevels.map { level in
            var level = level
            level.doorIds.removeAll { $0 == "vehicle-gate" }
            return level
        }
        model.zones.append(Zone(id: "closet", name: "Closet", parentId: "lobby", maxOccupancy: 0))
        await #expect {
            try await store.apply(model, scope: .all, actor: "carol", journal: JournalWriter(key: nil))
        } throws: { error in
            guard let error = error as? SiteApplyError, let problem = error.problems.first else { return false }
            return problem.collection == .zones && problem.id == "closet"
                && error.storeError?.code == .constraintViolated && problem.description.contains("max_occupancy")
        }
        #expect(try await store.siteModel() == before)
        #expect(try ExampleSite.journalCount(store) == 1)
    }

    @Test func anInvalidModelIsRefusedWithEveryProblem() async throws {
        let store = try await ExampleSite.store()
        let before = try await store.siteModel()
        var model = try ExampleSite.model()
        model.doors[0].toZoneId = "nowhere"
        model.zones.removeAll { $0.id == "canteen" }
        await #expect {
            try await store.apply(model, scope: .site, actor: "dave", journal: JournalWriter(key: nil))
        } throws: { error in
            guard let error = error as? SiteApplyError else { return false }
            let named = Set(error.problems.map { "\($0.collection.rawValue)/\($0.id)" })
            return named == ["doors/vehicle-gate", "doors/canteen-door"] && error.storeError == nil
        }
        #expect(try await store.siteModel() == before)
    }

    @Test func aSiteApplyRemovesWhatTheFileNoLongerHasAndKeepsPeople() async throws {
        let store = try await ExampleSite.store()
        var site = try ExampleSite.model()
        site.people = []
        site.credentials = []
        site.doors.removeAll { $0.id == "canteen-door" }
        site.accessLevels.removeAll { $0.id == "canteen" }
        site.zones.removeAll { $0.id == "canteen" }
        let report = try await store.apply(site, scope: .site, actor: "erin", journal: JournalWriter(key: nil))
        #expect(report.removed == [.doors: 1, .accessLevels: 1, .zones: 1])
        let loaded = try await store.siteModel()
        #expect(!loaded.doors.contains { $0.id == "canteen-door" })
        #expect(loaded.people.count == 6)
        #expect(loaded.credentials.count == 6)
    }

    @Test func aDoorBoundToAControllerTokenIsNotRemovedUntilTheTokenIsRevoked() async throws {
        let store = try await ExampleSite.store()
        try await store.writer.write { db in
            try db.execute(sql: """
                INSERT INTO token (id, role, secret_hash, created_ms) VALUES ('tok-canteen', 'controller', zeroblob(32), 1);
                INSERT INTO token_door VALUES ('tok-canteen', 'canteen-door');
                """)
        }
        var site = try ExampleSite.model()
        site.doors.removeAll { $0.id == "canteen-door" }
        site.accessLevels.removeAll { $0.id == "canteen" }
        site.zones.removeAll { $0.id == "canteen" }
        let before = try await store.siteModel()
        await #expect {
            try await store.apply(site, scope: .site, actor: "erin", journal: JournalWriter(key: nil))
        } throws: { error in
            guard let error = error as? SiteApplyError, let problem = error.problems.first else { return false }
            return error.problems.count == 1 && problem.collection == .doors && problem.id == "canteen-door"
                && problem.description.contains("controller token 'tok-canteen' is bound to it")
        }
        #expect(try await store.siteModel() == before)
        try await store.writer.write { db in try db.execute(sql: "UPDATE token SET revoked_ms = 2") }
        let report = try await store.apply(site, scope: .site, actor: "erin", journal: JournalWriter(key: nil))
        #expect(report.removed[.doors] == 1)
    }

    @Test func aPeopleApplyKeepsStoredPINsAndCertificates() async throws {
        let store = try await ExampleSite.store()
        let hash = try PINHasher(iterations: 10).hash(pin: "2468")
        let certificate = Data([0x30, 0x03, 0x02, 0x01, 0x01])
        try await store.writer.write { db in
            try db.execute(sql: "UPDATE person SET pin_hash = ? WHERE id = 'tran-thi-binh'", arguments: [hash])
            try db.execute(sql: "UPDATE card SET certificate = ? WHERE id = 'card-binh'", arguments: [certificate])
        }
        var people = try ExampleSite.model()
        people.people[0].displayName = "Nguyễn Văn An (Phó phòng)"
        let report = try await store.apply(people, scope: .people, actor: "fay", journal: JournalWriter(key: nil))
        #expect(report.changed == [.people: 1])
        let loaded = try await store.siteModel()
        #expect(loaded.people.first { $0.id == "tran-thi-binh" }?.pinHash == hash)
        let stored = try await store.writer.read { db in try CardRecord.fetchOne(db, key: "card-binh") }
        #expect(stored?.certificate == certificate)
    }
}
