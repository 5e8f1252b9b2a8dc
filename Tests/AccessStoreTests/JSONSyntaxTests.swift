import Foundation
import Testing

@testable import AccessStore

@Suite struct JSONSyntaxTests {
    @Test(arguments: [
        "{}", " {\n} ", #"{"a":1}"#, #"{"a":[1,2.5,-0.5e-3,true,false,null,{"b":"c"}]}"#,
        #"{"name":"Nguyễn Văn An","escaped":"\"\\\/\b\f\n\r\t\u00e9"}"#, #"{"big":12345678901234567890E+5}"#,
    ])
    func objectsAreAccepted(text: String) throws {
        #expect(JSONSyntax.isObject(text))
        // Foundation agrees that these are JSON objects.
        #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any])
    }

    @Test(arguments: [
        "", "[]", "1", #""a""#, "{", "}", "{,}", #"{"a"}"#, #"{"a":}"#, #"{"a":1,}"#, #"{a:1}"#, #"{'a':1}"#,
        #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":1e}"#, #"{"a":+1}"#, #"{"a":tru}"#, #"{"a":"\x"}"#,
        #"{"a":"\u12G4"}"#, "{\"a\":\"line\nbreak\"}", #"{} {}"#, #"{"a":1} x"#, "{\"a\":[1,]}",
        #"{"a":1 /* no */}"#,
    ])
    func everythingElseIsRefused(text: String) {
        #expect(!JSONSyntax.isObject(text))
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: #"{"a":"#, count: JSONSyntax.maximumDepth + 1) + "1"
            + String(repeating: "}", count: JSONSyntax.maximumDepth + 1)
        #expect(!JSONSyntax.isObject(deep))
        let shallow = String(repeating: #"{"a":"#, count: 100) + "1" + String(repeating: "}", count: 100)
        #expect(JSONSyntax.isObject(shallow))
    }
}

@Suite struct EventDetailsTests {
    @Test func membersAreSortedAndAbsentOnesLeftOut() {
        var details = EventDetails()
        details["direction"] = "in"
        details["assurance"] = nil
        details["detail"] = "Cửa chính / lối vào"
        details.set("attempts", .integer(-3))
        details.set("locked", .bool(true))
        #expect(details.json == #"{"attempts":-3,"detail":"Cửa chính / lối vào","direction":"in","locked":true}"#)
        #expect(EventDetails().json == "{}")
    }

    /// Every string, with quotes, backslashes, control characters and any Unicode, comes back from a JSON parser as
    /// it went in, and the text passes the journal's own check.
    @Test func stringsRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{1F}", "\u{7F}", "a",
            "ễ", "€", "\u{2028}", "𝄞", " "]
        for _ in 0..<500 {
            let text = String((0..<Int.random(in: 0...24, using: &generator)).map { _ in
                alphabet.randomElement(using: &generator)!
            })
            var details = EventDetails()
            details["value"] = text
            let json = details.json
            #expect(JSONSyntax.isObject(json), "\(json)")
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String])
            #expect(parsed["value"] == text)
        }
    }
}
