import AccessPolicy
import Foundation
import Testing

/// One case per reason code, and the precedence between them.
@Suite struct DecisionReasonTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let reason: DecisionReason
        let request: AccessRequest
        var state = SiteState()
        var testDescription: String { reason.rawValue }
    }

    static let lockdown = SiteState(lockdownZones: ["floor2"])

    static let engineCases: [Case] = [
        Case(reason: .granted, request: Fixture.request("stairs", Fixture.piv("alice-piv"))),
        Case(reason: .grantedFreeAccess, request: Fixture.request("canteen", Fixture.piv("eve-piv"))),
        Case(reason: .grantedTwoPerson, request: Fixture.request("vault", Fixture.piv("bob-piv")),
            state: SiteState(pendingTwoPerson: [
                "vault": .init(personId: "alice", time: Fixture.time(Fixture.monday).addingTimeInterval(-10))
            ])),
        Case(reason: .grantedEscorted, request: Fixture.request("visit", Fixture.uid("0411223344")),
            state: SiteState(lastEscort: ["visit": .init(personId: "alice", time: Fixture.time("2025-03-03 08:59"))])),
        Case(reason: .unknownDoor, request: Fixture.request("nowhere", Fixture.piv("alice-piv"))),
        Case(reason: .unknownCredential, request: Fixture.request("gate", Fixture.uid("DEADBEEF"))),
        Case(reason: .credentialSuspended, request: Fixture.request("gate", Fixture.piv("alice-suspended"))),
        Case(reason: .credentialRevoked, request: Fixture.request("gate", Fixture.piv("alice-revoked"))),
        Case(reason: .credentialLost, request: Fixture.request("gate", Fixture.piv("alice-lost"))),
        Case(reason: .credentialExpired, request: Fixture.request("gate", Fixture.piv("alice-expired"))),
        Case(reason: .credentialNotYetValid, request: Fixture.request("gate", Fixture.piv("alice-future"))),
        Case(reason: .personInactive, request: Fixture.request("gate", Fixture.piv("carol-piv"))),
        Case(reason: .assuranceTooLow, request: Fixture.request("server", Fixture.uid("04a1b2c3"), assurance: .uid)),
        Case(reason: .pinRequired, request: Fixture.request("meeting", Fixture.piv("alice-piv"))),
        Case(reason: .pinInvalid, request: Fixture.request("meeting", Fixture.piv("alice-piv"), pin: "9999")),
        Case(reason: .doorLocked, request: Fixture.request("store", Fixture.piv("alice-piv"))),
        Case(reason: .lockdown, request: Fixture.request("stairs", Fixture.piv("alice-piv")), state: lockdown),
        Case(reason: .noAccessLevel, request: Fixture.request("server", Fixture.piv("eve-piv"))),
        Case(reason: .outsideSchedule,
            request: Fixture.request("stairs", Fixture.piv("alice-piv"), "2025-03-03 12:00")),
        Case(reason: .antiPassback, request: Fixture.request("server", Fixture.piv("alice-piv")),
            state: SiteState(presence: ["alice": .init(zoneId: "server", since: Fixture.time("2025-03-03 08:30"))])),
        Case(reason: .occupancyFull, request: Fixture.request("server", Fixture.piv("alice-piv")),
            state: SiteState(occupancy: ["server": 2])),
        Case(reason: .escortRequired, request: Fixture.request("visit", Fixture.uid("0411223344"))),
        Case(reason: .twoPersonPending, request: Fixture.request("vault", Fixture.piv("alice-piv"))),
    ]

    @Test(arguments: engineCases)
    func reasonCode(_ testCase: Case) throws {
        let decision = try Fixture.snapshot().decide(testCase.request, in: testCase.state)
        #expect(decision.reason == testCase.reason)
        #expect(decision.isGranted == testCase.reason.isGrant)
        #expect(decision.failedCheck == (testCase.reason.isGrant ? nil : testCase.reason.check))
    }

    @Test func everyCodeIsCovered() {
        let engine = Set(Self.engineCases.map(\.reason))
        let external: Set<DecisionReason> = [.challengeInvalid, .signatureInvalid, .certificateInvalid]
        #expect(engine.union(external) == Set(DecisionReason.allCases))
    }

    /// The codes are the API's: exactly the list of DESIGN.md.
    @Test func codesAreStable() {
        let design = """
            granted granted_free_access granted_two_person granted_escorted unknown_door unknown_credential \
            credential_suspended credential_revoked credential_lost credential_expired credential_not_yet_valid \
            person_inactive challenge_invalid signature_invalid certificate_invalid assurance_too_low pin_required \
            pin_invalid door_locked lockdown no_access_level outside_schedule anti_passback occupancy_full \
            escort_required two_person_pending
            """
        #expect(DecisionReason.allCases.map(\.rawValue) == design.split(separator: " ").map(String.init))
    }

    @Test(arguments: [DecisionReason.challengeInvalid, .signatureInvalid, .certificateInvalid, .pinInvalid])
    func callersBuildDenies(_ reason: DecisionReason) {
        let decision = Decision.deny(reason, doorId: "gate", personId: "alice")
        #expect(decision.outcome == .deny)
        #expect(decision.reason == reason)
        #expect(decision.personId == "alice")
    }

    @Test func aDenyCannotCarryAGrantCode() {
        #expect(Decision.deny(.granted).reason == .unknownCredential)
        #expect(!Decision.deny(.grantedFreeAccess).isGranted)
    }

    @Test func grantNamesLevelIntervalAndUnlockTime() throws {
        let decision = try Fixture.snapshot().decide(Fixture.request("server", Fixture.piv("alice-piv")))
        #expect(decision.reason == .granted)
        #expect(decision.personId == "alice")
        #expect(decision.credentialId == "c-alice")
        #expect(decision.levelId == "it-office")
        #expect(decision.interval?.scheduleId == "office")
        #expect(decision.interval?.index == 0)
        #expect(decision.unlockSeconds == 3)
    }

    @Test func departmentLevelsReachSubDepartments() throws {
        let decision = try Fixture.snapshot().decide(Fixture.request("stairs", Fixture.piv("dan-piv")))
        #expect(decision.reason == .granted)
        #expect(decision.levelId == "it-office")
    }

    @Test func assignmentValidityIsHonoured() throws {
        let snapshot = try Fixture.snapshot()
        #expect(snapshot.decide(Fixture.request("gate", Fixture.uid("0411223344"))).reason == .granted)
        let nextYear = snapshot.decide(Fixture.request("gate", Fixture.uid("0411223344"), "2026-03-02 09:00"))
        #expect(nextYear.reason == .noAccessLevel)
    }

    @Test func uidCardCannotClaimPKIAssurance() throws {
        let request = Fixture.request("server", Fixture.uid("04A1B2C3"), assurance: .pkiCak)
        #expect(try Fixture.snapshot().decide(request).reason == .assuranceTooLow)
    }

    @Test func cardVerifiedPINSatisfiesCardAndPinDoor() throws {
        let snapshot = try Fixture.snapshot()
        #expect(snapshot.decide(Fixture.request("meeting", Fixture.piv("alice-piv"), assurance: .pkiAuthPin)).reason
            == .granted)
        #expect(snapshot.decide(Fixture.request("meeting", Fixture.piv("alice-piv"), pin: "1234")).reason == .granted)
        // Bob has no PIN hash: any PIN is wrong.
        #expect(snapshot.decide(Fixture.request("meeting", Fixture.piv("bob-piv"), pin: "1234")).reason == .pinInvalid)
    }

    @Test func defaultVerifierRejectsEveryPIN() throws {
        let snapshot = try PolicySnapshot(model: Fixture.model)
        #expect(snapshot.decide(Fixture.request("meeting", Fixture.piv("alice-piv"), pin: "1234")).reason
            == .pinInvalid)
    }

    @Test func doorModeOverrideWins() throws {
        let snapshot = try Fixture.snapshot()
        let locked = SiteState(doorModeOverrides: ["stairs": .locked])
        #expect(snapshot.decide(Fixture.request("stairs", Fixture.piv("alice-piv")), in: locked).reason == .doorLocked)
        let open = SiteState(doorModeOverrides: ["store": .freeAccess])
        #expect(snapshot.decide(Fixture.request("store", Fixture.piv("eve-piv")), in: open).reason
            == .grantedFreeAccess)
    }
}

/// Requests that fail two checks get the reason of the earlier one.
@Suite struct PrecedenceTests {
    struct Pair: CustomTestStringConvertible, Sendable {
        let expected: DecisionReason
        let alsoFailing: DecisionReason
        let request: AccessRequest
        var state = SiteState()
        var testDescription: String { expected.rawValue + " before " + alsoFailing.rawValue }
    }

    static let lockdown = SiteState(lockdownZones: ["lobby"])

    static let pairs: [Pair] = [
        Pair(expected: .unknownDoor, alsoFailing: .unknownCredential,
            request: Fixture.request("nowhere", Fixture.uid("DEADBEEF"))),
        Pair(expected: .credentialRevoked, alsoFailing: .outsideSchedule,
            request: Fixture.request("stairs", Fixture.piv("alice-revoked"), "2025-03-03 12:00")),
        Pair(expected: .credentialSuspended, alsoFailing: .lockdown,
            request: Fixture.request("stairs", Fixture.piv("alice-suspended")), state: lockdown),
        Pair(expected: .credentialExpired, alsoFailing: .doorLocked,
            request: Fixture.request("store", Fixture.piv("alice-expired"))),
        Pair(expected: .personInactive, alsoFailing: .lockdown,
            request: Fixture.request("stairs", Fixture.piv("carol-piv")), state: lockdown),
        Pair(expected: .lockdown, alsoFailing: .doorLocked,
            request: Fixture.request("store", Fixture.piv("alice-piv")), state: lockdown),
        Pair(expected: .lockdown, alsoFailing: .grantedFreeAccess,
            request: Fixture.request("canteen", Fixture.piv("alice-piv")), state: lockdown),
        Pair(expected: .doorLocked, alsoFailing: .noAccessLevel,
            request: Fixture.request("store", Fixture.piv("eve-piv"))),
        Pair(expected: .assuranceTooLow, alsoFailing: .noAccessLevel,
            request: Fixture.request("server", Fixture.uid("0411223344"), assurance: .uid)),
        Pair(expected: .pinRequired, alsoFailing: .outsideSchedule,
            request: Fixture.request("meeting", Fixture.piv("alice-piv"), "2025-03-03 12:00")),
        Pair(expected: .outsideSchedule, alsoFailing: .antiPassback,
            request: Fixture.request("server", Fixture.piv("alice-piv"), "2025-03-03 12:00"),
            state: SiteState(presence: ["alice": .init(zoneId: "server", since: Fixture.time("2025-03-03 11:50"))])),
        Pair(expected: .antiPassback, alsoFailing: .occupancyFull,
            request: Fixture.request("server", Fixture.piv("alice-piv")),
            state: SiteState(presence: ["alice": .init(zoneId: "lobby", since: Fixture.time("2025-03-03 08:50"))],
                occupancy: ["server": 2])),
    ]

    @Test(arguments: pairs)
    func earlierCheckWins(_ pair: Pair) throws {
        #expect(try Fixture.snapshot().decide(pair.request, in: pair.state).reason == pair.expected)
    }

    /// The documented order ranks each expected reason before the one it hides.
    @Test(arguments: pairs.filter { !$0.alsoFailing.isGrant })
    func documentedOrderAgrees(_ pair: Pair) throws {
        let expected = try #require(pair.expected.precedenceRank)
        let hidden = try #require(pair.alsoFailing.precedenceRank)
        #expect(expected < hidden)
    }

    /// A visitor door that also needs two people: the level comes first, then the escort, then the second person.
    @Test func levelThenEscortThenTwoPerson() throws {
        var model = Fixture.model
        if let index = model.doors.firstIndex(where: { $0.id == "visit" }) { model.doors[index].twoPersonSeconds = 30 }
        model.people.append(Person(id: "val", displayName: "Val", kind: .visitor))
        model.credentials.append(Credential(id: "c-val", personId: "val", identifier: .uid("04FFEEDD")))
        let snapshot = try Fixture.snapshot(model)
        #expect(snapshot.decide(Fixture.request("visit", Fixture.uid("04FFEEDD"))).reason == .noAccessLevel)
        #expect(snapshot.decide(Fixture.request("visit", Fixture.uid("0411223344"))).reason == .escortRequired)
        let escortTime = Fixture.time("2025-03-03 08:59")
        let escorted = SiteState(lastEscort: ["visit": .init(personId: "alice", time: escortTime)])
        #expect(snapshot.decide(Fixture.request("visit", Fixture.uid("0411223344")), in: escorted).reason
            == .twoPersonPending)
    }

    @Test func everyDenyReasonHasOneRank() {
        let ranked = DecisionReason.denialPrecedence.flatMap { $0 }
        #expect(ranked.count == Set(ranked).count)
        #expect(Set(ranked) == Set(DecisionReason.allCases.filter { !$0.isGrant }))
    }
}
