import SmartCard
import Testing

@Suite("Reader monitor event logic")
struct ReaderStateTrackerTests {
    typealias Observation = ReaderStateTracker.Observation
    static let atr: [UInt8] = [0x3B, 0x02, 0x14, 0x50]
    static let otherATR: [UInt8] = [0x3B, 0x88]

    @Test("first observation reports readers and cards already present")
    func initialState() {
        var tracker = ReaderStateTracker()
        #expect(tracker.readersListed(["A", "B"]) == [.readerAdded("A"), .readerAdded("B")])
        #expect(tracker.observe(reader: "A", Observation(cardPresent: true, atr: Self.atr, eventCount: 3))
            == [.cardInserted(reader: "A", atr: Self.atr)])
        #expect(tracker.observe(reader: "B", Observation(cardPresent: false, atr: [], eventCount: 0)) == [])
    }

    @Test("insert and remove between two wake-ups is not lost")
    func missedInsertAndRemove() {
        var tracker = ReaderStateTracker()
        _ = tracker.readersListed(["A"])
        _ = tracker.observe(reader: "A", Observation(cardPresent: false, atr: [], eventCount: 4))
        let events = tracker.observe(reader: "A", Observation(cardPresent: false, atr: [], eventCount: 6))
        #expect(events == [.cardInserted(reader: "A", atr: []), .cardRemoved(reader: "A")])
    }

    @Test("card swapped between two wake-ups is reported as remove then insert")
    func missedSwap() {
        var tracker = ReaderStateTracker()
        _ = tracker.readersListed(["A"])
        _ = tracker.observe(reader: "A", Observation(cardPresent: true, atr: Self.atr, eventCount: 1))
        let events = tracker.observe(reader: "A", Observation(cardPresent: true, atr: Self.otherATR, eventCount: 3))
        #expect(events == [.cardRemoved(reader: "A"), .cardInserted(reader: "A", atr: Self.otherATR)])
        #expect(tracker.observe(reader: "A", Observation(cardPresent: true, atr: Self.otherATR, eventCount: 3)) == [])
    }

    @Test("the event counter wraps around")
    func counterWraps() {
        var tracker = ReaderStateTracker()
        _ = tracker.readersListed(["A"])
        _ = tracker.observe(reader: "A", Observation(cardPresent: false, atr: [], eventCount: 0xFFFF))
        #expect(tracker.observe(reader: "A", Observation(cardPresent: false, atr: [], eventCount: 1)).count == 2)
    }

    @Test("a reader unplugged with its card reports both")
    func readerRemoved() {
        var tracker = ReaderStateTracker()
        _ = tracker.readersListed(["A", "B"])
        _ = tracker.observe(reader: "A", Observation(cardPresent: true, atr: Self.atr, eventCount: 1))
        #expect(tracker.readersListed(["B"]) == [.cardRemoved(reader: "A"), .readerRemoved("A")])
        #expect(tracker.observe(reader: "A", Observation(cardPresent: true, atr: Self.atr, eventCount: 1)) == [])
    }

    @Test("losing pcscd removes everything, and its return adds it back")
    func serviceLost() {
        var tracker = ReaderStateTracker()
        _ = tracker.readersListed(["A", "B"])
        _ = tracker.observe(reader: "B", Observation(cardPresent: true, atr: Self.atr, eventCount: 1))
        #expect(tracker.serviceLost() == [.readerRemoved("A"), .cardRemoved(reader: "B"), .readerRemoved("B")])
        #expect(tracker.readerNames.isEmpty)
        #expect(tracker.readersListed(["A"]) == [.readerAdded("A")])
    }
}
