import AccessStore
import Foundation
import GRDB
import Testing

@Suite struct JournalExportTests {
    static func export(_ store: AccessStore, _ exporter: JournalExporter) throws -> (Data, Int64) {
        var output = Data()
        let count = try store.writer.read { db in
            try exporter.export(in: db, to: { output.append(contentsOf: $0) })
        }
        return (output, count)
    }

    static func journal() throws -> (AccessStore, [JournalEvent], ManualTime) {
        let store = try AccessStore.inMemory()
        let time = ManualTime()
        let writer = JournalWriter(clock: time.clock, key: nil)
        var events = try Sample.fill(store, count: 30, batch: 1, writer: writer, time: time)
        let tricky = NewJournalEvent(
            type: .adminChange, actor: "=cmd|' /C calc'!A0",
            details: #"{"note":"Trần Thị Bích, \"phòng\" 3\nline two"}"#)
        events += try store.writer.write { db in try writer.append([tricky], in: db) }
        return (store, events, time)
    }

    @Test func csvHasABOMAHeaderAndQuotesAndDefusesFields() throws {
        let (store, events, _) = try Self.journal()
        let (output, count) = try Self.export(store, JournalExporter(format: .csv))
        #expect(count == 31)
        #expect(Array(output.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: output.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("sequence,time,type,door_id,zone_id,person_id,card_id,decision,reason,actor,details"))
        #expect(text.contains(#""{""note"":""Trần Thị Bích, \""phòng\"" 3\nline two""}""#))
        #expect(text.contains(",'=cmd|' /C calc'!A0,"))
        let first = events[0]
        let stamp = UTCTimestamp.format(milliseconds: first.timeMilliseconds)
        #expect(text.contains("\r\n1,\(stamp),access_decision,door-0,"))
    }

    @Test func jsonLinesParseBackToTheEvents() throws {
        let (store, events, _) = try Self.journal()
        let (output, count) = try Self.export(store, JournalExporter(format: .jsonl))
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
        #expect(count == 31 && lines.count == 31)
        for (line, event) in zip(lines, events) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["sequence"] as? Int == Int(event.sequence))
            #expect(object["personId"] as? String == event.personId)
            #expect(object["actor"] as? String == event.actor)
            #expect(object["time"] as? String == UTCTimestamp.format(milliseconds: event.timeMilliseconds))
            let details = try JSONSerialization.jsonObject(with: Data(event.details.utf8)) as? NSDictionary
            #expect((object["details"] as? NSDictionary) == details)
        }
    }

    @Test func aTimeRangeExportsOnlyItsEvents() throws {
        let (store, events, _) = try Self.journal()
        let from = events[10].timeMilliseconds
        let to = events[20].timeMilliseconds
        let (output, count) = try Self.export(
            store, JournalExporter(format: .jsonl, fromMilliseconds: from, toMilliseconds: to))
        #expect(count == 10)
        #expect(String(decoding: output, as: UTF8.self).hasPrefix(#"{"sequence":11,"#))
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(-1), "1969-12-31T23:59:59.999Z"),
        (Int64(951_782_400_000), "2000-02-29T00:00:00.000Z"),
        (Int64(1_709_251_199_999), "2024-02-29T23:59:59.999Z"),
        (Int64(1_735_689_600_123), "2025-01-01T00:00:00.123Z"),
        (Int64(253_402_300_799_000), "9999-12-31T23:59:59.000Z"),
    ])
    func timestampsAreISO8601InUTC(milliseconds: Int64, text: String) {
        #expect(UTCTimestamp.format(milliseconds: milliseconds) == text)
    }
}
