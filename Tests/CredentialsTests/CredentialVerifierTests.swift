import AccessPolicy
import Foundation
import Testing
import X509

@testable import Credentials

/// A verifier trusting one test CA, and cards that answer its challenges.
struct VerifierHarness {
    let authority: TestAuthority
    let issuer = ChallengeIssuer()
    let verifier: CredentialVerifier

    init(authority: TestAuthority? = nil) throws {
        let authority = try authority ?? TestAuthority.make()
        self.authority = authority
        self.verifier = CredentialVerifier(challenges: issuer, trustStore: try authority.trustStore)
    }

    /// The wire credential of `key`'s card answering a fresh challenge for `door`.
    func tap(
        certificate: [UInt8], key: TestKey, door: String = TestPKI.door, at time: Date = TestPKI.now
    ) throws -> WireCredential {
        let challenge = try issuer.issue(doorId: door, at: time)
        return .piv(certificate: TestPKI.base64(certificate), challenge: challenge.text,
            signature: TestPKI.base64(try key.sign(challenge.bytes)))
    }

    func verify(_ credential: WireCredential, door: String = TestPKI.door, at time: Date = TestPKI.now) async
        -> CredentialVerification
    {
        await verifier.verify(credential, doorId: door, at: time)
    }
}

@Suite("Credential verification")
struct CredentialVerifierTests {
    @Test("a valid PIV tap establishes the fingerprint, GUID and PKI-CAK", arguments: ["P-256", "P-384", "RSA-2048"])
    func validTap(algorithm: String) async throws {
        let key: TestKey =
            switch algorithm {
            case "P-256": .newP256()
            case "P-384": .newP384()
            default: try .newRSA2048()
            }
        let harness = try VerifierHarness()
        let certificate = try harness.authority.issueCard(key: key)
        let outcome = await harness.verify(try harness.tap(certificate: certificate, key: key))
        let credential = try #require(outcome.credential, "\(outcome)")
        #expect(credential.assurance == .pkiCak)
        #expect(credential.key == CredentialKey.piv(fingerprintHex: CardCertificate.fingerprint(of: certificate)))
        #expect(credential.key.hex.utf8.count == 64)
        #expect(credential.key.hex == credential.key.hex.uppercased())
        #expect(credential.guid == "3F2504E04F8911D39A0C0305E82C3301")
        #expect(credential.validUntil == TestPKI.cardNotAfter)
        let request = credential.accessRequest(doorId: TestPKI.door, time: TestPKI.now)
        #expect(request.credential == credential.key)
        #expect(request.assurance == .pkiCak)
    }

    @Test("a card certificate without a UUID URN has no GUID")
    func noGUID() async throws {
        let harness = try VerifierHarness()
        let key = TestKey.newP256()
        let certificate = try harness.authority.issueCard(key: key, guid: nil)
        let outcome = await harness.verify(try harness.tap(certificate: certificate, key: key))
        #expect(try #require(outcome.credential).guid == nil)
    }

    @Test("GUID URNs", arguments: [
        ("urn:uuid:3f2504e0-4f89-11d3-9a0c-0305e82c3301", "3F2504E04F8911D39A0C0305E82C3301"),
        ("URN:UUID:3F2504E0-4F89-11D3-9A0C-0305E82C3301", "3F2504E04F8911D39A0C0305E82C3301"),
        ("urn:uuid:3f2504e04f8911d39a0c0305e82c3301", nil), ("urn:uuid:3f2504e0-4f89-11d3-9a0c-0305e82c330", nil),
        ("urn:uuid:3f2504e0_4f89-11d3-9a0c-0305e82c3301", nil), ("https://example.org/", nil),
        ("urn:uuid:3g2504e0-4f89-11d3-9a0c-0305e82c3301", nil),
    ] as [(String, String?)])
    func guidURNs(uri: String, expected: String?) {
        #expect(CardCertificate.guid(fromURN: uri) == expected)
    }

    /// How a tap goes wrong, and the reason it must be denied with.
    struct BadTap: Sendable, CustomTestStringConvertible {
        var name: String
        var reason: DecisionReason
        var make: @Sendable (VerifierHarness, [UInt8], TestKey) throws -> (WireCredential, door: String, at: Date)
        var testDescription: String { name }
    }

    static let badTaps: [BadTap] = [
        BadTap(name: "reused challenge", reason: .challengeInvalid) { harness, certificate, key in
            let tap = try harness.tap(certificate: certificate, key: key)
            _ = harness.issuer.consume(challengeText(tap), doorId: TestPKI.door, at: TestPKI.now)
            return (tap, TestPKI.door, TestPKI.now)
        },
        BadTap(name: "expired challenge", reason: .challengeInvalid) { harness, certificate, key in
            (try harness.tap(certificate: certificate, key: key), TestPKI.door, TestPKI.now + 11)
        },
        BadTap(name: "other door's challenge", reason: .challengeInvalid) { harness, certificate, key in
            (try harness.tap(certificate: certificate, key: key, door: "door-b"), TestPKI.door, TestPKI.now)
        },
        BadTap(name: "malformed challenge", reason: .challengeInvalid) { harness, certificate, key in
            (.piv(certificate: TestPKI.base64(certificate), challenge: "not-a-challenge!", signature: "AAAA"),
                TestPKI.door, TestPKI.now)
        },
        BadTap(name: "unknown challenge", reason: .challengeInvalid) { harness, certificate, key in
            let bytes = [UInt8](repeating: 9, count: 32)
            return (.piv(certificate: TestPKI.base64(certificate), challenge: WireBase64.encode(bytes, alphabet: .url),
                signature: TestPKI.base64(try key.sign(bytes))), TestPKI.door, TestPKI.now)
        },
        BadTap(name: "bad signature", reason: .signatureInvalid) { harness, certificate, key in
            let challenge = try harness.issuer.issue(doorId: TestPKI.door, at: TestPKI.now)
            var signature = try key.sign(challenge.bytes)
            signature[signature.count - 3] ^= 0x01
            return (.piv(certificate: TestPKI.base64(certificate), challenge: challenge.text,
                signature: TestPKI.base64(signature)), TestPKI.door, TestPKI.now)
        },
        BadTap(name: "signature over another challenge", reason: .signatureInvalid) { harness, certificate, key in
            let challenge = try harness.issuer.issue(doorId: TestPKI.door, at: TestPKI.now)
            return (.piv(certificate: TestPKI.base64(certificate), challenge: challenge.text,
                signature: TestPKI.base64(try key.sign(Array(challenge.bytes.reversed())))), TestPKI.door, TestPKI.now)
        },
        BadTap(name: "cloned card: same certificate, another key", reason: .signatureInvalid) { h, certificate, _ in
            (try h.tap(certificate: certificate, key: .newP256()), TestPKI.door, TestPKI.now)
        },
        BadTap(name: "garbage signature base64", reason: .signatureInvalid) { harness, certificate, _ in
            let challenge = try harness.issuer.issue(doorId: TestPKI.door, at: TestPKI.now)
            return (.piv(certificate: TestPKI.base64(certificate), challenge: challenge.text, signature: "%%%"),
                TestPKI.door, TestPKI.now)
        },
        BadTap(name: "empty-ish DER signature", reason: .signatureInvalid) { harness, certificate, _ in
            let challenge = try harness.issuer.issue(doorId: TestPKI.door, at: TestPKI.now)
            return (.piv(certificate: TestPKI.base64(certificate), challenge: challenge.text,
                signature: TestPKI.base64([0x30, 0x00])), TestPKI.door, TestPKI.now)
        },
        BadTap(name: "certificate from another CA", reason: .certificateInvalid) { harness, _, key in
            let foreign = try TestAuthority.make(name: "Other CA").issueCard(key: key)
            return (try harness.tap(certificate: foreign, key: key), TestPKI.door, TestPKI.now)
        },
        BadTap(name: "expired certificate", reason: .certificateInvalid) { harness, _, key in
            let old = try harness.authority.issueCard(key: key, notAfter: TestPKI.now - 86_400)
            return (try harness.tap(certificate: old, key: key), TestPKI.door, TestPKI.now)
        },
        BadTap(name: "not yet valid certificate", reason: .certificateInvalid) { harness, _, key in
            let future = try harness.authority.issueCard(key: key, notBefore: TestPKI.now + 86_400)
            return (try harness.tap(certificate: future, key: key), TestPKI.door, TestPKI.now)
        },
        BadTap(name: "wrong key usage", reason: .certificateInvalid) { harness, _, key in
            let wrong = try harness.authority.issueCard(key: key, keyUsage: KeyUsage(keyAgreement: true))
            return (try harness.tap(certificate: wrong, key: key), TestPKI.door, TestPKI.now)
        },
        BadTap(name: "garbage certificate base64", reason: .certificateInvalid) { harness, _, key in
            let challenge = try harness.issuer.issue(doorId: TestPKI.door, at: TestPKI.now)
            return (.piv(certificate: "MII=garbage", challenge: challenge.text,
                signature: TestPKI.base64(try key.sign(challenge.bytes))), TestPKI.door, TestPKI.now)
        },
        BadTap(name: "bytes that are not a certificate", reason: .certificateInvalid) { harness, _, key in
            (try harness.tap(certificate: Array("definitely not DER".utf8), key: key), TestPKI.door, TestPKI.now)
        },
        BadTap(name: "certificate with trailing bytes", reason: .certificateInvalid) { harness, certificate, key in
            (try harness.tap(certificate: certificate + [0x00], key: key), TestPKI.door, TestPKI.now)
        },
        BadTap(name: "the CA certificate itself", reason: .certificateInvalid) { harness, _, _ in
            (try harness.tap(certificate: TestPKI.der(harness.authority.certificate), key: harness.authority.key),
                TestPKI.door, TestPKI.now)
        },
    ]

    @Test("bad taps are denied with the right reason and a detail", arguments: badTaps)
    func badTap(_ bad: BadTap) async throws {
        let harness = try VerifierHarness()
        let key = TestKey.newP256()
        let certificate = try harness.authority.issueCard(key: key)
        let (credential, door, time) = try bad.make(harness, certificate, key)
        let outcome = await harness.verify(credential, door: door, at: time)
        let denial = try #require(outcome.denial, "\(bad.name) was not denied")
        #expect(denial.decision.outcome == .deny)
        #expect(denial.decision.reason == bad.reason, "\(bad.name): \(denial.detail)")
        #expect(denial.decision.doorId == door)
        #expect(!denial.detail.isEmpty)
    }

    @Test("the challenge is spent even when the certificate or signature fails")
    func challengeSpentOnFailure() async throws {
        let harness = try VerifierHarness()
        let key = TestKey.newP256()
        let certificate = try harness.authority.issueCard(key: key)
        let challenge = try harness.issuer.issue(doorId: TestPKI.door, at: TestPKI.now)
        let broken = WireCredential.piv(certificate: "!!", challenge: challenge.text, signature: "!!")
        #expect(await harness.verify(broken).denial?.decision.reason == .certificateInvalid)
        let good = WireCredential.piv(certificate: TestPKI.base64(certificate), challenge: challenge.text,
            signature: TestPKI.base64(try key.sign(challenge.bytes)))
        let replay = await harness.verify(good)
        #expect(replay.denial?.failure == .challenge(.reused))
    }

    @Test("precise failures reach the denial")
    func preciseFailures() async throws {
        let harness = try VerifierHarness()
        let key = TestKey.newP256()
        let expired = try harness.authority.issueCard(key: key, notAfter: TestPKI.now - 1)
        let outcome = await harness.verify(try harness.tap(certificate: expired, key: key))
        #expect(outcome.denial?.failure == .certificate(.expired(notAfter: TestPKI.now - 1)))
        let clone = try harness.authority.issueCard(key: key)
        let cloned = await harness.verify(try harness.tap(certificate: clone, key: .newP256()))
        #expect(cloned.denial?.failure == .signature(.mismatch))
    }

    @Test("UID taps: either case normalises; malformed UIDs are unknown credentials")
    func uidTaps() async throws {
        let harness = try VerifierHarness()
        let lower = await harness.verify(.uid("04a1b2c3d4e5f6"))
        let upper = await harness.verify(.uid("04A1B2C3D4E5F6"))
        #expect(lower == upper)
        #expect(lower.credential == VerifiedCredential(key: try #require(CredentialKey.uid(hex: "04A1B2C3D4E5F6")),
            assurance: .uid))
        let decoded = await harness.verifier.verify(CardTap.uid("04a1b2c3"), doorId: TestPKI.door, at: TestPKI.now)
        #expect(decoded.credential?.key.hex == "04A1B2C3")
        let bad = await harness.verify(.uid("04:A1"))
        #expect(bad.denial?.decision.reason == .unknownCredential)
    }

    @Test("a repeat tap skips path validation; the cache follows notAfter and the trust store")
    func cache() async throws {
        let harness = try VerifierHarness()
        let key = TestKey.newP256()
        let certificate = try harness.authority.issueCard(key: key)
        for _ in 0..<5 {
            #expect(await harness.verify(try harness.tap(certificate: certificate, key: key)).credential != nil)
        }
        #expect(harness.verifier.statistics.pathValidations == 1)
        #expect(harness.verifier.statistics.cacheHits == 4)

        // A cached certificate does not excuse a bad signature.
        #expect(await harness.verify(try harness.tap(certificate: certificate, key: .newP256())).denial != nil)
        #expect(harness.verifier.statistics.pathValidations == 1)

        // Past notAfter the entry no longer holds: validated again, and refused.
        let late = TestPKI.cardNotAfter + 1
        let expired = await harness.verify(try harness.tap(certificate: certificate, key: key, at: late), at: late)
        #expect(expired.denial?.failure == .certificate(.expired(notAfter: TestPKI.cardNotAfter)))
        #expect(harness.verifier.statistics.pathValidations == 2)

        // A new trust store empties the cache; a card of the old CA is then refused.
        #expect(harness.verifier.cachedCount == 0)
        #expect(await harness.verify(try harness.tap(certificate: certificate, key: key)).credential != nil)
        #expect(harness.verifier.cachedCount == 1)
        harness.verifier.replaceTrustStore(try TestAuthority.make(name: "New CA").trustStore)
        #expect(harness.verifier.cachedCount == 0)
        let afterRotation = await harness.verify(try harness.tap(certificate: certificate, key: key))
        #expect(afterRotation.denial?.decision.reason == .certificateInvalid)
    }

    @Test("the cache is bounded and evicts the least recently used")
    func lru() {
        var cache = LRUCache<Int, String>(capacity: 3)
        cache.set("a", for: 1)
        cache.set("b", for: 2)
        cache.set("c", for: 3)
        #expect(cache.value(for: 1) == "a")
        cache.set("d", for: 4)
        #expect(cache.count == 3)
        #expect(cache.value(for: 2) == nil)
        #expect(cache.value(for: 1) == "a")
        cache.set("e", for: 5)
        #expect(cache.value(for: 3) == nil)
        cache.removeValue(for: 1)
        cache.set("f", for: 6)
        #expect([4, 5, 6].map { cache.value(for: $0) } == ["d", "e", "f"])
        for key in 0..<1_000 { cache.set("\(key)", for: key) }
        #expect(cache.count == 3)
        #expect(cache.value(for: 999) == "999")
    }
}

/// The challenge text of a PIV wire credential.
func challengeText(_ credential: WireCredential) -> String {
    if case .piv(_, let challenge, _) = credential { challenge } else { "" }
}
