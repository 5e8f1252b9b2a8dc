import SmartCard
import Testing

@Suite("Status words")
struct StatusWordTests {
    @Test("named constants carry their meaning", arguments: [
        (StatusWord.success, "success"),
        (.securityStatusNotSatisfied, "security status not satisfied"),
        (.authenticationMethodBlocked, "authentication method blocked"),
        (.fileNotFound, "file or application not found"),
        (.incorrectDataParameters, "incorrect parameters in the command data field"),
        (.wrongLength, "wrong length"),
    ])
    func meanings(_ word: StatusWord, _ meaning: String) {
        #expect(word.meaning == meaning)
    }

    @Test("parametrised status words expose their parameter")
    func parameters() {
        #expect(StatusWord(rawValue: 0x6110).bytesRemaining == 16)
        #expect(StatusWord(rawValue: 0x6100).bytesRemaining == 256)
        #expect(StatusWord(rawValue: 0x6C20).exactLe == 32)
        #expect(StatusWord(rawValue: 0x63C2).triesLeft == 2)
        #expect(StatusWord.verificationFailed(triesLeft: 0).rawValue == 0x63C0)
        #expect(StatusWord.success.bytesRemaining == nil)
        #expect(StatusWord(rawValue: 0x6300).triesLeft == nil)
    }

    @Test("unknown status words are kept, not lost")
    func unknownKept() {
        let word = StatusWord(sw1: 0x6A, sw2: 0x99)
        #expect(word.rawValue == 0x6A99)
        #expect(word.bytes == [0x6A, 0x99])
        #expect(word.meaning == "checking error")
        #expect(word.description.hasPrefix("6A99"))
    }
}
