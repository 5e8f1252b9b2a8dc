import SmartCard
import Testing

@Suite("BER-TLV")
struct TLVTests {
    @Test("round trips tags of one to three bytes and every length form", arguments: [
        (TLVTag(0x53), 0), (0x53, 127), (0x53, 128), (0x7C, 255), (0x5FC102, 256), (0x5FC105, 70_000),
        (0x9F1F, 3),
    ] as [(TLVTag, Int)])
    func roundTrip(_ tag: TLVTag, _ length: Int) throws {
        let value = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
        let object = TLV(tag: tag, value: value)
        let decoded = try TLV.decodeSingle(object.encoded)
        #expect(decoded == object)
    }

    @Test("minimal length encodings")
    func lengthForms() {
        #expect(TLV.encodeLength(0x7F) == [0x7F])
        #expect(TLV.encodeLength(0x80) == [0x81, 0x80])
        #expect(TLV.encodeLength(0x100) == [0x82, 0x01, 0x00])
        #expect(TLV.encodeLength(0x1_0000) == [0x83, 0x01, 0x00, 0x00])
    }

    @Test("constructed objects expose their children")
    func nested() throws {
        let template = TLV(tag: 0x7C, children: [TLV(tag: 0x82, value: []), TLV(tag: 0x81, value: [1, 2, 3])])
        #expect(template.encoded == [0x7C, 0x07, 0x82, 0x00, 0x81, 0x03, 0x01, 0x02, 0x03])
        #expect(template.tag.isConstructed)
        let children = try TLV.decodeSingle(template.encoded).children()
        #expect(children.map(\.tag) == [0x82, 0x81])
        #expect(try template.child(0x81)?.value == [1, 2, 3])
        #expect(throws: TLVError.missingTag(0x80)) { try children.require(0x80) }
    }

    @Test("non-minimal lengths from the field are accepted")
    func nonMinimalLength() throws {
        #expect(try TLV.decodeSingle([0x53, 0x81, 0x02, 0xAA, 0xBB]).value == [0xAA, 0xBB])
    }

    @Test("malformed input is an error value", arguments: [
        ([0x5F], TLVError.truncatedTag(offset: 0)),
        ([0x5F, 0xC1], .truncatedTag(offset: 0)),
        ([0x5F, 0xFF, 0xFF, 0xFF, 0x01, 0x00], .tagTooLong(offset: 0)),
        ([0x53], .truncatedLength(offset: 1)),
        ([0x53, 0x82, 0x01], .truncatedLength(offset: 1)),
        ([0x53, 0x80, 0x00, 0x00], .indefiniteLength(offset: 1)),
        ([0x53, 0x85, 1, 1, 1, 1, 1], .lengthTooLong(offset: 1)),
        ([0x53, 0x05, 0x01, 0x02], .truncatedValue(offset: 2, declared: 5, available: 2)),
        ([0x53, 0x84, 0xFF, 0xFF, 0xFF, 0xFF], .truncatedValue(offset: 6, declared: 0xFFFF_FFFF, available: 0)),
    ] as [([UInt8], TLVError)])
    func malformed(_ bytes: [UInt8], _ error: TLVError) {
        #expect(throws: error) { try TLV.decodeAll(bytes) }
    }

    @Test("trailing bytes after a single object are reported")
    func trailing() {
        #expect(throws: TLVError.trailingBytes(offset: 2)) { try TLV.decodeSingle([0x53, 0x00, 0x01]) }
    }
}
