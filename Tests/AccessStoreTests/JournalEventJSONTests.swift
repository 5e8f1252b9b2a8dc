import AccessStore
import Foundation
import Testing

@Suite struct JournalEventJSONTests {
    static func event(details: String) -> JournalEvent {
        JournalEvent(
            sequence: 42, timeMilliseconds: 1_733_400_000_123,
            event: NewJournalEvent(
                type: .accessDecision, doorId: "cửa-chính", zoneId: nil, personId: "p\"1\\", cardId: "c\n1",
                decision: .deny, reason: "outside_schedule", actor: nil, details: details),
            previousHash: Data(repeating: 0xAB, count: 32), hash: Data([0x00, 0x0F, 0xF0, 0xFF]))
    }

    @Test func theAPIFormIsOneObjectWithSortedKeysAndAbsentFieldsLeftOut() throws {
        var bytes = Array("x".utf8)
        JournalEventJSON.appendAPIObject(Self.event(details: #"{"b":1,"a":["đ"]}"#), to: &bytes)
        #expect(bytes.first == UInt8(ascii: "x"))
        let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
        #expect(text == #"{"cardId":"c\n1","decision":"deny","details":{"b":1,"a":["đ"]},"doorId":"cửa-chính","#
            + #""hash":"000ff0ff","id":"42","personId":"p\"1\\","reason":"outside_schedule","sequence":42,"#
            + #""time":"2024-12-05T12:00:00.123Z","type":"access_decision"}"#)
        let object = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["personId"] as? String == "p\"1\\")
        #expect(object["zoneId"] == nil)
        #expect(object["previousHash"] == nil)
    }

    @Test func detailsThatAreNotAnObjectAreWrittenAsAnEmptyOne() throws {
        for details in ["", "[1]", #"{"a":"#, "null"] {
            var bytes: [UInt8] = []
            JournalEventJSON.appendAPIObject(Self.event(details: details), to: &bytes)
            let object = try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            #expect((object["details"] as? [String: Any])?.isEmpty == true)
        }
    }
}
