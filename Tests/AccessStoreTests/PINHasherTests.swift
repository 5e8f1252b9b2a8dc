import AccessPolicy
import AccessStore
import Foundation
import Testing

@Suite struct PINHasherTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// PBKDF2-HMAC-SHA-256 known answers (RFC 7914 section 11, and the widely published "password"/"salt" set).
    @Test(arguments: [
        ("passwd", "salt", 1, "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"),
        ("password", "salt", 1, "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"),
        ("password", "salt", 2, "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43"),
        ("password", "salt", 4096, "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"),
    ])
    func pbkdf2MatchesKnownAnswers(password: String, salt: String, iterations: Int, expected: String) {
        let key = PINHasher.pbkdf2SHA256(password: Array(password.utf8), salt: Array(salt.utf8), iterations: iterations)
        #expect(Self.hex(key) == expected)
    }

    @Test func aHashVerifiesItsPINAndNoOther() throws {
        let hasher = PINHasher(iterations: 1000)
        let hash = try hasher.hash(pin: "482916")
        #expect(hash.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(hasher.verify(pin: "482916", hash: hash))
        for wrong in ["482917", "48291", "4829160", "", "482916 "] {
            #expect(!hasher.verify(pin: wrong, hash: hash), "\(wrong)")
        }
        // A verifier with other settings still reads the iteration count from the hash.
        #expect(PINHasher().verify(pin: "482916", hash: hash))
        // Two hashes of one PIN differ by their salt.
        #expect(try hasher.hash(pin: "482916") != hash)
    }

    @Test func aFixedSaltGivesAReproducibleHash() throws {
        let hasher = PINHasher(iterations: 2)
        let hash = try hasher.hash(pin: "1234", salt: Array("saltsalt".utf8))
        let key = PINHasher.pbkdf2SHA256(password: Array("1234".utf8), salt: Array("saltsalt".utf8), iterations: 2)
        #expect(hash == "pbkdf2-sha256$2$c2FsdHNhbHQ=$" + Data(key).base64EncodedString())
    }

    @Test(arguments: ["123", "12345678901234567", "12a4", "", "١٢٣٤"])
    func unacceptablePINsAreNotHashed(pin: String) {
        #expect(throws: AccessStoreError(.invalidInput, "")) { try PINHasher(iterations: 1).hash(pin: pin) }
    }

    @Test func malformedHashesVerifyNothing() throws {
        let hasher = PINHasher(iterations: 10)
        let good = try hasher.hash(pin: "2468", salt: Array("0123456789".utf8))
        let fields = good.split(separator: "$").map(String.init)
        let broken = [
            "1234", "", "pbkdf2-sha256$10$\(fields[2])", "pbkdf2-sha1$10$\(fields[2])$\(fields[3])",
            "pbkdf2-sha256$0$\(fields[2])$\(fields[3])", "pbkdf2-sha256$2000000$\(fields[2])$\(fields[3])",
            "pbkdf2-sha256$-1$\(fields[2])$\(fields[3])", "pbkdf2-sha256$10$!!$\(fields[3])",
            "pbkdf2-sha256$10$\(fields[2])$\(fields[3].dropLast(4))", "pbkdf2-sha256$11$\(fields[2])$\(fields[3])",
            good + "$",
        ]
        #expect(hasher.verify(pin: "2468", hash: good))
        for hash in broken { #expect(!hasher.verify(pin: "2468", hash: hash), "\(hash)") }
    }

    /// The server-room door is card_and_pin (here without its two-person rule): the stored hash opens it with the
    /// right PIN only.
    @Test func aStoredPINOpensACardAndPINDoor() async throws {
        let store = try await ExampleSite.store()
        let hash = try PINHasher(iterations: 100).hash(pin: "9753")
        try await store.writer.write { db in
            try db.execute(sql: "UPDATE person SET pin_hash = ? WHERE id = 'le-van-cuong'", arguments: [hash])
            try db.execute(
                sql: "UPDATE door SET min_assurance = 'uid', two_person_seconds = NULL WHERE id = 'server-room-door'")
        }
        let snapshot = try await store.policySnapshot(pinVerifier: PINHasher())
        func decide(_ pin: String?) throws -> DecisionReason {
            let request = AccessRequest(
                doorId: "server-room-door", credential: try #require(CredentialKey.uid(hex: "04A2B3C4D5E680")),
                assurance: .uid, pin: pin, direction: .in, time: ExampleSite.time("2025-03-03 09:00"))
            return snapshot.decide(request).reason
        }
        #expect(try decide(nil) == .pinRequired)
        #expect(try decide("1111") == .pinInvalid)
        #expect(try decide("9753") == .granted)
    }
}
