import AccessStore
import Foundation
import GRDB
import GateServer
import Hummingbird
import HummingbirdTesting
import Testing

/// A lockdown outlives a restart: services built again on the same database file keep the zones locked down.
@Suite("Lockdown across restarts")
struct LockdownRestartTests {
    static let uid = #"{"credential": {"type": "uid", "uid": "04A2B3C4D5E680"}}"#

    struct Case: Sendable, CustomTestStringConvertible {
        /// The `locked` values sent for `grounds`, in order, before the restart.
        var changes: [Bool]
        var lockedAfterRestart: Bool
        var testDescription: String { "\(changes) → locked \(lockedAfterRestart)" }
    }

    @Test("the newest lockdown change decides after a restart", arguments: [
        Case(changes: [true], lockedAfterRestart: true),
        Case(changes: [true, false], lockedAfterRestart: false),
        Case(changes: [true, false, true], lockedAfterRestart: true),
    ])
    func restart(_ test: Case) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lockdown-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("cardgate.db").path

        let first = try await GateFixture.make(store: try AccessStore.open(at: path))
        let security = try #require(first.tokens["security"])
        try await first.test { client in
            for locked in test.changes {
                let answer = try await send(client, .put, "/v1/lockdown", token: security,
                    body: #"{"zoneId": "grounds", "locked": \#(locked)}"#)
                #expect(answer.status == .ok)
            }
        }

        let second = try await GateFixture.make(store: try AccessStore.open(at: path))
        let gate = try #require(second.tokens["gate"])
        let auditor = try #require(second.tokens["auditor"])
        try await second.test { client in
            let occupancy = try await send(client, .get, "/v1/occupancy", token: auditor)
            #expect(json(occupancy)["lockdownZones"] as? [String] == (test.lockedAfterRestart ? ["grounds"] : []))
            let tap = try await send(client, .post, "/v1/doors/vehicle-gate/access", token: gate, body: Self.uid)
            #expect(tap.status == .ok)
            let reason = json(tap)["reason"] as? String
            if test.lockedAfterRestart {
                #expect(reason == "lockdown")
            } else {
                #expect(json(tap)["decision"] as? String == "grant", "\(String(describing: reason))")
            }
        }
    }

    @Test("the migration fills the stored lockdowns from the journal of an older store")
    func migrationFromJournal() async throws {
        let queue = try DatabaseQueue()
        try StoreSchema.migrator.migrate(queue, upTo: "model-v2")
        try await queue.write { db in
            let writer = JournalWriter(key: nil)
            for (zone, reason) in [("grounds", "lockdown_on"), ("parking", "lockdown_on"), ("grounds", "lockdown_off"),
                ("lobby", "lockdown_off"), ("parking", "lockdown_off"), ("parking", "lockdown_on")]
            {
                _ = try writer.append([NewJournalEvent(type: .lockdown, zoneId: zone, reason: reason)], in: db)
            }
            // Only `lockdown` events count, whatever another event's reason says.
            _ = try writer.append([NewJournalEvent(type: .alarm, zoneId: "lobby", reason: "lockdown_on")], in: db)
        }
        try StoreSchema.migrator.migrate(queue)
        let zones = try await queue.read { db in try SiteLockdown.zones(in: db) }
        #expect(zones == ["parking"])
    }
}
