import AccessPolicy
import Testing

@testable import Credentials

@Suite("Wire encodings")
struct WireDecodingTests {
    @Test("base64 round-trips in both alphabets", arguments: [0, 1, 2, 3, 4, 31, 32, 33, 255])
    func roundTrip(length: Int) {
        var random = SplitMix64(seed: UInt64(length))
        let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
        for alphabet in [WireBase64.Alphabet.standard, .url] {
            let text = WireBase64.encode(bytes, alphabet: alphabet)
            if length == 0 {
                #expect(WireBase64.decode(text, alphabet: alphabet) == nil)
            } else {
                #expect(WireBase64.decode(text, alphabet: alphabet) == bytes)
            }
        }
    }

    @Test("standard base64 is strict", arguments: [
        ("", nil), ("AQID", [1, 2, 3]), ("AQ==", [1]), ("AQI=", [1, 2]),
        ("AQ", nil), ("AQ=", nil), ("AQ===", nil), ("A===", nil), ("AR==", nil), ("AQJ=", nil),
        ("AQ I=", nil), ("AQID\n", nil), ("-_8=", nil), ("AQ=I", nil), ("====", nil),
    ] as [(String, [UInt8]?)])
    func standardStrict(text: String, expected: [UInt8]?) {
        #expect(WireBase64.decode(text, alphabet: .standard) == expected)
    }

    @Test("base64url is strict", arguments: [
        ("AQID", [1, 2, 3]), ("AQ", [1]), ("AQI", [1, 2]), ("-_8", [0xFB, 0xFF]),
        ("AQ==", nil), ("A", nil), ("AR", nil), ("AQJ", nil), ("+/8", nil), ("AQ I", nil),
    ] as [(String, [UInt8]?)])
    func urlStrict(text: String, expected: [UInt8]?) {
        #expect(WireBase64.decode(text, alphabet: .url) == expected)
    }

    @Test("field decoders bound lengths and name the field")
    func fieldErrors() {
        #expect(throws: WireDecodingError(field: .certificate, problem: .empty)) { try WireDecoding.certificate("") }
        #expect(throws: WireDecodingError(field: .signature, problem: .invalidBase64)) {
            try WireDecoding.signature("not base64!")
        }
        #expect(throws: WireDecodingError(field: .signature, problem: .tooLong(limit: 684))) {
            try WireDecoding.signature(String(repeating: "A", count: 688))
        }
        #expect(throws: WireDecodingError(field: .challenge, problem: .wrongLength(expected: 32...32, actual: 3))) {
            try WireDecoding.challenge("AQID")
        }
        #expect(throws: WireDecodingError(field: .challenge, problem: .invalidBase64)) {
            try WireDecoding.challenge(String(repeating: "+", count: 43))
        }
    }

    @Test("UID hex in either case normalises to uppercase", arguments: [
        ("04a1b2c3", "04A1B2C3"), ("04A1B2C3D4E5F6", "04A1B2C3D4E5F6"), ("0aBcDeF0", "0ABCDEF0"),
        ("00112233445566778899", "00112233445566778899"),
    ])
    func uidNormalised(text: String, expected: String) throws {
        let key = try WireDecoding.uid(text)
        #expect(key.hex == expected)
        #expect(key.kind == .uid)
        #expect(key == CredentialKey.uid(hex: expected))
    }

    @Test("malformed UIDs are refused", arguments: [
        ("", WireDecodingError.Problem.empty), ("04A", .invalidHex), ("04:A1", .invalidHex), ("04 a1", .invalidHex),
        ("zz", .invalidHex), ("0011223344556677889900", .wrongLength(expected: 1...10, actual: 11)),
        (String(repeating: "0", count: 66), .tooLong(limit: 64)),
    ])
    func uidRefused(text: String, problem: WireDecodingError.Problem) {
        #expect(throws: WireDecodingError(field: .uid, problem: problem)) { try WireDecoding.uid(text) }
    }
}
