import AccessPolicy
import Foundation
import GRDB
@testable import GateServer
import Hummingbird
import HummingbirdTesting
import Testing

/// The tap path fails closed when the journal fails: the answer is a deny, and the site state keeps no trace of a
/// passage the journal does not have.
@Suite("Journal failure on the tap path")
struct JournalFailureTests {
    /// Makes every journal append fail until ``heal(_:)``.
    static func breakJournal(_ fixture: GateFixture) async throws {
        try await fixture.services.store.writer.write { db in
            try db.execute(sql: """
                CREATE TRIGGER cardgate_test_fail BEFORE INSERT ON journal_event
                BEGIN SELECT RAISE(ABORT, 'the test broke the journal'); END
                """)
        }
    }

    static func heal(_ fixture: GateFixture) async throws {
        try await fixture.services.store.writer.write { db in
            try db.execute(sql: "DROP TRIGGER cardgate_test_fail")
        }
    }

    static let cuong = #"{"credential": {"type": "uid", "uid": "04A2B3C4D5E680"}}"#

    @Test("a grant the journal cannot record is a 503 deny, and presence and occupancy stay as they were")
    func noPhantomOccupancy() async throws {
        let fixture = try await GateFixture.make()
        let gate = try #require(fixture.tokens["gate"])
        try await Self.breakJournal(fixture)
        try await fixture.test { client in
            let refused = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: gate, body: Self.cuong)
            #expect(refused.status == .serviceUnavailable)
            #expect(json(refused)["decision"] as? String == "deny")
        }
        let state = fixture.services.authority.siteState
        #expect(state.presence.isEmpty)
        #expect(state.occupancy.isEmpty)

        try await Self.heal(fixture)
        try await fixture.test { client in
            let granted = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: gate, body: Self.cuong)
            #expect(granted.status == .ok)
            #expect(json(granted)["decision"] as? String == "grant")
        }
        let after = fixture.services.authority.siteState
        #expect(after.presence["le-van-cuong"]?.zoneId == "grounds")
        #expect(after.occupancy == ["grounds": 1])
        #expect(try await fixture.eventCount() == 1)
    }

    @Test("the in-process authority throws for a local door when the journal fails, and keeps no state")
    func localDoorJournalFailure() async throws {
        let fixture = try await GateFixture.make()
        try await Self.breakJournal(fixture)
        await #expect(throws: LocalAuthorityError.self) {
            try await fixture.services.authority.requestAccess(door: "vehicle-gate",
                .init(credential: .uid([0x04, 0xA2, 0xB3, 0xC4, 0xD5, 0xE6, 0x80])))
        }
        #expect(fixture.services.authority.siteState.occupancy.isEmpty)
    }
}

/// Undoing a reserved state change takes back exactly that change, whatever was reserved after it.
@Suite("State reservations")
struct StateReservationTests {
    static let time = Date(timeIntervalSince1970: 1_741_053_600)

    static func passage(_ person: String, to zone: String?, door: String = "d", escort: Bool = false) -> StateChange {
        .passage(Passage(personId: person, doorId: door, fromZoneId: nil, toZoneId: zone, time: time,
            recordsEscort: escort))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var initial: SiteState
        /// Changes reserved in order; the one at `undone` is undone after all are applied.
        var changes: [StateChange]
        var undone: Int
        /// The state as if the undone change had never been made.
        var expected: SiteState
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "one passage into an empty site", initial: SiteState(), changes: [passage("p1", to: "z")],
            undone: 0, expected: SiteState()),
        Case(name: "the first of two people entering the same zone",
            initial: SiteState(), changes: [passage("p1", to: "z"), passage("p2", to: "z")], undone: 0,
            expected: SiteState(presence: ["p2": .init(zoneId: "z", since: time)], occupancy: ["z": 1])),
        Case(name: "a move from one zone to another",
            initial: SiteState(presence: ["p1": .init(zoneId: "a", since: time - 60)], occupancy: ["a": 2]),
            changes: [passage("p1", to: "b")], undone: 0,
            expected: SiteState(presence: ["p1": .init(zoneId: "a", since: time - 60)], occupancy: ["a": 2])),
        Case(name: "an earlier move of the same person, after which a later one stays",
            initial: SiteState(), changes: [passage("p1", to: "a"), passage("p1", to: "b")], undone: 0,
            expected: SiteState(presence: ["p1": .init(zoneId: "b", since: time)], occupancy: ["b": 1])),
        Case(name: "an escort passage", initial: SiteState(), changes: [passage("s1", to: "z", escort: true)],
            undone: 0, expected: SiteState()),
        Case(name: "a pending two-person tap",
            initial: SiteState(), changes: [.twoPersonPending(doorId: "d", .init(personId: "p1", time: time))],
            undone: 0, expected: SiteState()),
    ]

    @Test("undo", arguments: cases)
    func undo(_ testCase: Case) {
        var state = testCase.initial
        var reservations: [StateReservation] = []
        for change in testCase.changes { reservations.append(StateReservation(applying: change, to: &state)) }
        reservations[testCase.undone].undo(in: &state)
        #expect(state == testCase.expected)
    }
}
