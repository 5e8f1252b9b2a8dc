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
