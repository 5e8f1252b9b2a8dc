@testable import SmartCard
import Testing

@Suite("Reader names from pcscd")
struct ReaderNameDecodingTests {
    static func multiString(_ names: [[UInt8]]) -> [CChar] {
        (names.flatMap { $0 + [0] } + [0]).map { CChar(bitPattern: $0) }
    }

    @Test("non-ASCII reader names decode as UTF-8")
    func utf8Names() {
        let names = ["Đầu đọc cửa chính 00 00", "ACS ACR1252 1S CL Reader PICC 01 00"]
        let buffer = Self.multiString(names.map { Array($0.utf8) })
        #expect(PCSCCall.multiString(buffer) == names)
    }

    @Test("invalid UTF-8 and a missing final terminator do not crash")
    func invalidBytes() {
        let decoded = PCSCCall.multiString(Self.multiString([[0x52, 0xFF, 0xFE, 0x31]]))
        #expect(decoded == ["R\u{FFFD}\u{FFFD}1"])
        #expect(PCSCCall.multiString([0x41, 0x42]).isEmpty)
        #expect(PCSCCall.multiString([]).isEmpty)
    }
}
