import Foundation
import GRDB
import Testing

@testable import AccessStore

/// The policy rebuild reads people, cards and level doors by column position; it must read exactly what GRDB's
/// `Codable` decoding reads, every optional column included.
@Suite struct OrderedColumnsTests {
    @Test func positionalReadsMatchTheNamedOnes() throws {
        let store = try ModelSchemaTests.site()
        try store.writer.write { db in
            try PersonRecord(id: "p-2", displayName: "Trần Văn Minh", kind: .contractor, status: .inactive,
                responder: true, externalIds: #"{"hr":"NV-0042"}"#, pinHash: "pbkdf2$1$c2FsdA$aGFzaA").insert(db)
            var card = CardRecord.uid(id: "c-3", personId: "p-2", uid: "0A0B0C0D", status: .lost)
            card.statusReason = "reported lost at the front desk"
            card.validFromMilliseconds = 1_700_000_000_000
            card.validUntilMilliseconds = 1_800_000_000_000
            try card.insert(db)
        }
        try store.writer.read { db in
            let people = try PersonRecord.fetchAllOrdered(db, orderBy: "id")
            let cards = try CardRecord.fetchAllOrdered(db, orderBy: "id")
            let levelDoors = try AccessLevelDoorRecord.fetchAllOrdered(db, orderBy: "door_id")
            #expect(people == (try PersonRecord.order(Column("id")).fetchAll(db)))
            #expect(cards == (try CardRecord.order(Column("id")).fetchAll(db)))
            #expect(levelDoors == (try AccessLevelDoorRecord.order(Column("door_id")).fetchAll(db)))
            #expect(people.count == 2 && cards.count == 3 && levelDoors.count == 1)
        }
    }

    @Test func aValueTheSchemaForbidsIsACorruptDatabase() throws {
        let store = try AccessStore.inMemory()
        try store.writer.read { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT 'hovercraft'"))
            #expect {
                let _: CardType = try row.enumeration(atIndex: 0, in: "card")
            } throws: { error in
                (error as? AccessStoreError)?.code == .corruptDatabase
            }
        }
    }
}
