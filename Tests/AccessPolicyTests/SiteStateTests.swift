import AccessPolicy
import Foundation
import Testing

/// State transitions: anti-passback, occupancy, two-person rule, escorts and lockdown.
@Suite struct SiteStateTests {
    let snapshot: PolicySnapshot

    init() throws { snapshot = try Fixture.snapshot() }

    /// Decides and applies, as the authority does.
    func tap(_ state: inout SiteState, _ door: String, _ key: CredentialKey, _ at: Date,
        direction: Direction = .in) -> Decision
    {
        let request = AccessRequest(doorId: door, credential: key, assurance: .pkiCak, direction: direction,
            time: at)
        let evaluation = snapshot.evaluate(request, in: state)
        if let change = evaluation.change { state.apply(change) }
        return evaluation.decision
    }

    let nine = Fixture.time(Fixture.monday)

    @Test func hardAntiPassbackDeniesSecondEntryUntilExitOrReset() {
        var state = SiteState()
        let alice = Fixture.piv("alice-piv")
        #expect(tap(&state, "server", alice, nine).reason == .granted)
        #expect(state.presence["alice"]?.zoneId == "server")
        #expect(tap(&state, "server", alice, nine.addingTimeInterval(60)).reason == .antiPassback)
        // Leaving through the same door puts her back on floor 2, and she may enter again.
        #expect(tap(&state, "server", alice, nine.addingTimeInterval(120), direction: .out).reason == .granted)
        #expect(state.presence["alice"]?.zoneId == "floor2")
        #expect(tap(&state, "server", alice, nine.addingTimeInterval(180)).reason == .granted)
        // The timed reset (3600 s) forgives a missed exit.
        #expect(tap(&state, "server", alice, nine.addingTimeInterval(180 + 3599)).reason == .antiPassback)
        #expect(tap(&state, "server", alice, nine.addingTimeInterval(180 + 3600)).reason == .granted)
    }

    @Test func softAntiPassbackGrantsWithAdvisory() {
        var state = SiteState()
        let alice = Fixture.piv("alice-piv")
        let first = tap(&state, "archive", alice, nine)
        #expect(first.reason == .granted)
        #expect(first.advisory == nil)
        let second = tap(&state, "archive", alice, nine.addingTimeInterval(30))
        #expect(second.reason == .granted)
        #expect(second.advisory == .antiPassback)
    }

    @Test func occupancyLimitCountsPeopleInside() {
        var state = SiteState()
        #expect(tap(&state, "server", Fixture.piv("alice-piv"), nine).reason == .granted)
        #expect(tap(&state, "server", Fixture.piv("resp-piv"), nine).reason == .granted)
        #expect(state.occupancy["server"] == 2)
        #expect(tap(&state, "server", Fixture.piv("bob-piv"), nine).reason == .occupancyFull)
        #expect(tap(&state, "server", Fixture.piv("alice-piv"), nine.addingTimeInterval(60), direction: .out).reason
            == .granted)
        #expect(state.occupancy["server"] == 1)
        #expect(tap(&state, "server", Fixture.piv("bob-piv"), nine.addingTimeInterval(90)).reason == .granted)
    }

    @Test func twoPersonWithinWindow() {
        var state = SiteState()
        let first = tap(&state, "vault", Fixture.piv("alice-piv"), nine)
        #expect(first.reason == .twoPersonPending)
        #expect(state.pendingTwoPerson["vault"]?.personId == "alice")
        let second = tap(&state, "vault", Fixture.piv("bob-piv"), nine.addingTimeInterval(30))
        #expect(second.reason == .grantedTwoPerson)
        #expect(state.pendingTwoPerson["vault"] == nil)
    }

    @Test func twoPersonAfterWindowStartsAgain() {
        var state = SiteState()
        _ = tap(&state, "vault", Fixture.piv("alice-piv"), nine)
        let late = tap(&state, "vault", Fixture.piv("bob-piv"), nine.addingTimeInterval(31))
        #expect(late.reason == .twoPersonPending)
        #expect(state.pendingTwoPerson["vault"]?.personId == "bob")
    }

    @Test func samePersonTwiceDoesNotCount() {
        var state = SiteState()
        let alice = Fixture.piv("alice-piv")
        #expect(tap(&state, "vault", alice, nine).reason == .twoPersonPending)
        #expect(tap(&state, "vault", alice, nine.addingTimeInterval(5)).reason == .twoPersonPending)
        // Alice's second card is the same person too.
        let uid = Fixture.uid("04A1B2C3")
        let request = AccessRequest(doorId: "vault", credential: uid, assurance: .uid, time: nine.addingTimeInterval(8))
        #expect(snapshot.decide(request, in: state).reason == .twoPersonPending)
        #expect(tap(&state, "vault", Fixture.piv("bob-piv"), nine.addingTimeInterval(10)).reason == .grantedTwoPerson)
    }

    @Test func visitorNeedsRecentStaffEscort() {
        var state = SiteState()
        let vic = Fixture.uid("0411223344")
        #expect(tap(&state, "visit", vic, nine).reason == .escortRequired)
        #expect(tap(&state, "visit", Fixture.piv("alice-piv"), nine).reason == .granted)
        #expect(state.lastEscort["visit"]?.personId == "alice")
        #expect(tap(&state, "visit", vic, nine.addingTimeInterval(60)).reason == .grantedEscorted)
        #expect(tap(&state, "visit", vic, nine.addingTimeInterval(61)).reason == .escortRequired)
    }

    @Test func lockdownStopsEveryoneButResponders() {
        var state = SiteState(lockdownZones: ["floor2"])
        // Doors into floor 2 and into zones below it are closed; the main gate is not.
        #expect(tap(&state, "stairs", Fixture.piv("alice-piv"), nine).reason == .lockdown)
        #expect(tap(&state, "server", Fixture.piv("alice-piv"), nine).reason == .lockdown)
        #expect(tap(&state, "gate", Fixture.piv("alice-piv"), nine).reason == .granted)
        #expect(tap(&state, "stairs", Fixture.piv("resp-piv"), nine).reason == .granted)
        #expect(tap(&state, "server", Fixture.piv("resp-piv"), nine).reason == .granted)
        // A responder still needs a level for the door.
        #expect(tap(&state, "vault", Fixture.piv("resp-piv"), nine).reason == .noAccessLevel)
        state.lockdownZones = []
        #expect(tap(&state, "stairs", Fixture.piv("alice-piv"), nine).reason == .granted)
    }

    @Test func deniedRequestLeavesStateAlone() {
        let state = SiteState(presence: ["alice": .init(zoneId: "server", since: nine)], occupancy: ["server": 1])
        let evaluation = snapshot.evaluate(Fixture.request("server", Fixture.piv("alice-piv")), in: state)
        #expect(evaluation.decision.reason == .antiPassback)
        #expect(evaluation.change == nil)
    }

    @Test func resetPresenceForgetsZone() {
        var state = SiteState()
        _ = tap(&state, "server", Fixture.piv("alice-piv"), nine)
        state.resetPresence(of: "alice")
        #expect(state.presence["alice"] == nil)
        #expect(state.occupancy["server"] == nil)
        #expect(tap(&state, "server", Fixture.piv("alice-piv"), nine.addingTimeInterval(10)).reason == .granted)
    }
}
