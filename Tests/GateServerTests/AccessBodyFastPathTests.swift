import AccessPolicy
import Credentials
import Foundation
import NIOCore
import Testing

@testable import GateServer

/// The tap path reads access bodies with ``SmallJSONObject`` and writes answers by hand; both must mean exactly
/// what `JSONDecoder` and `JSONEncoder` mean.
@Suite("Access bodies: the fast path agrees with JSONDecoder")
struct AccessBodyFastPathTests {
    static let valid = [
        #"{"credential":{"type":"uid","uid":"04A2B3C4D5E680"}}"#,
        #" { "credential" : { "uid" : "04a2b3c4" , "type" : "uid" } , "direction" : "out" } "#,
        "{\n\t\"pin\": \"1234\",\r\n\"credential\": {\"type\": \"uid\", \"uid\": \"0A0B\"}}",
        #"{"credential":{"type":"piv","certificate":"MIIB+w==","challenge":"q-_Z","signature":"MEUC/w=="}}"#,
        #"{"credential":{"type":"uid","uid":"\u0030\u0041\/\"\\\b\f\n\r\t"},"direction":"in"}"#,
        #"{"credential":{"type":"uid","uid":"Cửa \ud834\udd1e ễ"}}"#,
    ]

    static func decoded(_ text: String) -> AccessRequestBody? {
        try? JSONDecoder().decode(AccessRequestBody.self, from: Data(text.utf8))
    }

    static func fast(_ text: String) -> AccessRequestBody? {
        SmallJSONObject.parse(Array(text.utf8)).flatMap(AccessRequestBody.init)
    }

    @Test(arguments: valid)
    func wellFormedBodiesTakeTheFastPath(text: String) throws {
        let fast = try #require(Self.fast(text))
        #expect(fast == Self.decoded(text))
        #expect(try AccessRequestBody.decode(ByteBuffer(string: text)).get() == fast)
    }

    @Test(arguments: [
        #"{"credential":{"type":"uid","uid":"04"},"pin":null}"#, #"{"credential":{"type":"uid","uid":"04"},"x":"1"}"#,
        #"{"credential":{"type":"uid","uid":"04","uid":"05"}}"#, #"{"credential":{"type":"uid","uid":4}}"#,
        #"{"credential":{"type":"nfc","uid":"04"}}"#, #"{"credential":{"type":"uid","uid":"04"},"pin":"12a"}"#,
        #"{"credential":{"type":"uid","uid":"\ud834"}}"#, #"{"credential":{"type":"uid","uid":"\x"}}"#,
        #"{"credential":{"type":"uid","uid":"04"}} x"#, #"{"credential":{"type":"uid","uid":"04"},}"#,
        #"{"credential":{"type":"uid","uid":{"a":"b"}}}"#, "{\"credential\":{\"type\":\"uid\",\"uid\":\"0\n4\"}}",
        #"[]"#, "", "{", #"{"credential":{"type":"uid","uid":"04"},"direction":"up"}"#,
        // A broken string followed by an object is not read as that object.
        #"{"credential":"\x{"type":"uid","uid":"04"}}"#, "{\"credential\":\"\u{01}{\"type\":\"uid\",\"uid\":\"04\"}}",
        "{\"credential\":\"\t{\"type\":\"uid\",\"uid\":\"04\"}}",
    ])
    func everythingElseGoesToJSONDecoder(text: String) {
        #expect(Self.fast(text) == nil)
    }

    @Test(arguments: [
        (#"{"a":1,"a":2}"#, "a"), (#"{"a":1,"\u0061":[true]}"#, "a"), (#"{"x":{"b":null,"c":"1","b":{}}}"#, "b"),
        (#"[1,{"k":"v"},{"k":"w","k":-1.5e3}]"#, "k"), (#" { "é" : "1" , "\u00e9" : "2" } "#, "é"),
    ])
    func repeatedKeysAreFoundAnywhere(text: String, key: String) {
        #expect(SmallJSONObject.firstRepeatedKey(in: Array(text.utf8)) == key)
    }

    @Test(arguments: [
        #"{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}"#, #"[]"#, #"{}"#, #""a""#, "12", #"{"a":"\"a\":"}"#,
        "{\"a\":1,", #"{"a":"\x","a":2}"#,
    ])
    func noRepeatedKeyOrNotJSON(text: String) {
        #expect(SmallJSONObject.firstRepeatedKey(in: Array(text.utf8)) == nil)
    }

    @Test func invalidUTF8InAStringBeforeAnObjectIsRefused() {
        let bytes = Array(#"{"credential":""#.utf8) + [0xFF] + Array(#""{"type":"uid","uid":"04"}}"#.utf8)
        #expect(SmallJSONObject.parse(bytes).flatMap(AccessRequestBody.init) == nil)
    }

    /// Random edits of valid bodies: whenever the fast path reads a body, JSONDecoder reads the same one.
    @Test func mutatedBodiesNeverDisagree() {
        var generator = SystemRandomNumberGenerator()
        let pieces = Array(#"{}[]:,"\/ubfnrt0123456789aAdDeEfF-+.eE \#t\#ntruefalsenull\u"#.utf8) + [0x00, 0xC3, 0xA9,
            0xFF, 0x7F]
        var fastPathTaken = 0
        for _ in 0..<4000 {
            var bytes = Array(Self.valid.randomElement(using: &generator)!.utf8)
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let index = Int.random(in: 0...bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0 where index < bytes.count: bytes.remove(at: index)
                case 1 where index < bytes.count: bytes[index] = pieces.randomElement(using: &generator)!
                default: bytes.insert(pieces.randomElement(using: &generator)!, at: index)
                }
            }
            guard let fast = SmallJSONObject.parse(bytes).flatMap(AccessRequestBody.init) else { continue }
            fastPathTaken += 1
            let decoded = try? JSONDecoder().decode(AccessRequestBody.self, from: Data(bytes))
            #expect(decoded == fast, "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(fastPathTaken > 0)
    }
}

@Suite("Access answers: written by hand as JSONEncoder would")
struct AccessAnswerEncodingTests {
    @Test(arguments: [
        AccessAnswerBody(decision: "grant", reason: "granted", eventId: "42", unlockSeconds: 5,
            person: PersonBody(id: "p-1", displayName: "Nguyễn Văn \"An\" / \\ \n\t\u{1}")),
        AccessAnswerBody(decision: "deny", reason: "outside_schedule", eventId: "7", unlockSeconds: nil,
            person: PersonBody(id: "p-2", displayName: nil)),
        AccessAnswerBody(decision: "deny", reason: "unknown_credential", eventId: "1", unlockSeconds: nil,
            person: nil),
    ])
    func answersMatchTheEncoder(answer: AccessAnswerBody) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let expected = try JSONSerialization.jsonObject(with: try encoder.encode(answer)) as? NSDictionary
        let written = try JSONSerialization.jsonObject(with: answer.json) as? NSDictionary
        #expect(written == expected)
        if answer.person?.displayName == nil {
            #expect(answer.json == (try encoder.encode(answer)), "plain answers are byte for byte the encoder's")
        }
    }
}
