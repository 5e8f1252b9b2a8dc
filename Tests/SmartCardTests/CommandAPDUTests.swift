import SmartCard
import Testing

@Suite("Command APDU encoding and parsing")
struct CommandAPDUTests {
    struct EncodingCase: Sendable, CustomTestStringConvertible {
        var name: String
        var data: [UInt8]
        var le: Int?
        var expectedCase: CommandAPDU.Case
        var expectedBody: [UInt8]
        var testDescription: String { name }
    }

    static let header: [UInt8] = [0x00, 0xCB, 0x3F, 0xFF]
    static let long = [UInt8](repeating: 0xAB, count: 300)

    static let cases: [EncodingCase] = [
        EncodingCase(name: "case 1", data: [], le: nil, expectedCase: .noDataNoLe, expectedBody: []),
        EncodingCase(name: "case 2S Le=5", data: [], le: 5, expectedCase: .leOnly, expectedBody: [0x05]),
        EncodingCase(name: "case 2S Le=256", data: [], le: 256, expectedCase: .leOnly, expectedBody: [0x00]),
        EncodingCase(name: "case 3S", data: [1, 2, 3], le: nil, expectedCase: .dataOnly, expectedBody: [3, 1, 2, 3]),
        EncodingCase(name: "case 4S", data: [1, 2, 3], le: 256, expectedCase: .dataAndLe,
                     expectedBody: [3, 1, 2, 3, 0]),
        EncodingCase(name: "case 2E Le=300", data: [], le: 300, expectedCase: .leOnly,
                     expectedBody: [0x00, 0x01, 0x2C]),
        EncodingCase(name: "case 2E Le=65536", data: [], le: 65536, expectedCase: .leOnly,
                     expectedBody: [0x00, 0x00, 0x00]),
        EncodingCase(name: "case 3E", data: long, le: nil, expectedCase: .dataOnly,
                     expectedBody: [0x00, 0x01, 0x2C] + long),
        EncodingCase(name: "case 4E", data: long, le: 65536, expectedCase: .dataAndLe,
                     expectedBody: [0x00, 0x01, 0x2C] + long + [0x00, 0x00]),
        EncodingCase(name: "case 4E from long Le", data: [9], le: 1000, expectedCase: .dataAndLe,
                     expectedBody: [0x00, 0x00, 0x01, 0x09, 0x03, 0xE8]),
    ]

    @Test("encodes and parses back", arguments: cases)
    func roundTrip(_ testCase: EncodingCase) throws {
        let apdu = try CommandAPDU(cla: 0x00, ins: 0xCB, p1: 0x3F, p2: 0xFF, data: testCase.data, le: testCase.le)
        #expect(apdu.commandCase == testCase.expectedCase)
        let bytes = apdu.encoded()
        #expect(bytes == Self.header + testCase.expectedBody)
        #expect(try CommandAPDU(bytes: bytes) == apdu)
    }

    @Test("forced extended encoding of a short command parses back")
    func forcedExtended() throws {
        let apdu = try CommandAPDU(cla: 0, ins: 0xA4, p1: 4, p2: 0, data: [0xA0, 0x00], le: 256)
        let bytes = apdu.encoded(forceExtended: true)
        #expect(bytes == [0, 0xA4, 4, 0, 0x00, 0x00, 0x02, 0xA0, 0x00, 0x01, 0x00])
        #expect(try CommandAPDU(bytes: bytes) == apdu)
    }

    @Test("rejects lengths outside the standard")
    func invalidLengths() {
        #expect(throws: APDUError.invalidLe(0)) { try CommandAPDU(cla: 0, ins: 0, p1: 0, p2: 0, le: 0) }
        #expect(throws: APDUError.invalidLe(65537)) { try CommandAPDU(cla: 0, ins: 0, p1: 0, p2: 0, le: 65537) }
        #expect(throws: APDUError.dataTooLong(65536)) {
            try CommandAPDU(cla: 0, ins: 0, p1: 0, p2: 0, data: [UInt8](repeating: 0, count: 65536))
        }
    }

    @Test("rejects command bytes that fit no case", arguments: [
        [0x00, 0xA4, 0x04],
        [0x00, 0xA4, 0x04, 0x00, 0x05, 0x01],
        [0x00, 0xA4, 0x04, 0x00, 0x02, 0x01, 0x02, 0x03, 0x04],
        [0x00, 0xA4, 0x04, 0x00, 0x00, 0x00],
        [0x00, 0xA4, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01],
        [0x00, 0xA4, 0x04, 0x00, 0x00, 0x00, 0x03, 0x01],
    ] as [[UInt8]])
    func malformedCommands(_ bytes: [UInt8]) {
        #expect(throws: APDUError.self) { try CommandAPDU(bytes: bytes) }
    }

    @Test("responses split into data and status word")
    func responses() throws {
        let response = try ResponseAPDU(bytes: [0x01, 0x02, 0x90, 0x00])
        #expect(response.data == [1, 2])
        #expect(response.statusWord == .success)
        #expect(response.encoded == [0x01, 0x02, 0x90, 0x00])
        #expect(throws: APDUError.responseTooShort(1)) { try ResponseAPDU(bytes: [0x90]) }
        #expect(throws: APDUError.responseTooShort(0)) { try ResponseAPDU(bytes: []) }
    }
}
