import Testing

@testable import GateServer

@Suite("The Authorization header's bearer token")
struct BearerHeaderTests {
    @Test(arguments: [
        ("Bearer abc", "abc"), ("bearer  abc \t", "abc"), ("BEARER abc", "abc"), ("Bearer a b", "a b"),
        ("Bearer ", ""), ("Bearer \t ", ""), ("Bearer tok-ữ", "tok-ữ"),
    ] as [(String, String)])
    func tokensAreRead(header: String, token: String) {
        #expect(AuthenticationMiddleware.bearerSecret(header) == token)
    }

    @Test(arguments: ["", "Bearer", "Bearerabc", "Bearer\u{0}abc", "Bearer\tabc", "Basic YWJj", "Bearér abc",
        " Bearer abc"])
    func otherSchemesAreRefused(header: String) {
        #expect(AuthenticationMiddleware.bearerSecret(header) == nil)
    }
}
