import AccessPolicy
import Foundation
import Testing

@testable import Credentials

/// Feeds the verifier 100,000 random and mutated inputs: every outcome must be a typed value (a verified
/// credential only for untouched inputs, otherwise a denial with one of the credential step's reasons), and nothing
/// may trap.
@Suite("Credential fuzzing")
struct CredentialFuzzTests {
    static let iterations = 100_000

    @Test("100k random and mutated taps give typed outcomes")
    func fuzz() async throws {
        let harness = try VerifierHarness()
        let keys: [TestKey] = [.newP256(), .newP384(), try .newRSA2048()]
        let certificates = try keys.map { try harness.authority.issueCard(key: $0) }
        // Well-formed signatures over something else, for inputs whose signature is not the point (signing a fresh
        // challenge with RSA in every iteration would dominate the run).
        let stale = try keys.map { try $0.sign(Array("stale".utf8)) }
        var random = SplitMix64(seed: 0x00C0_FFEE)
        var counts: [String: Int] = [:]
        let allowed: Set<DecisionReason> = [
            .challengeInvalid, .certificateInvalid, .signatureInvalid, .unknownCredential,
        ]

        for iteration in 0..<Self.iterations {
            // A long CPU-bound loop gives the two-thread test executor back now and then, so tests running beside
            // this one are not starved (a door test's 10 s challenge expired waiting behind it).
            if iteration.isMultiple(of: 256) { await Task.yield() }
            let needsSignature = [3, 7, 9].contains(iteration % 10)
            // P-384 and RSA signing are slow in a debug build: in iterations that need a fresh signature, those keys
            // sign one time in 16 and P-256 otherwise.
            let anyKey = !needsSignature || random.next() % 16 == 0
            let pick = anyKey ? Int(random.next() % UInt64(keys.count)) : 0
            let key = keys[pick]
            let certificate = certificates[pick]
            let challenge = try harness.issuer.issue(doorId: TestPKI.door, at: TestPKI.now)
            let signature = needsSignature ? try key.sign(challenge.bytes) : stale[pick]
            var tampered = true
            let credential: WireCredential
            defer { _ = harness.issuer.consume(challenge.text, doorId: TestPKI.door, at: TestPKI.now) }
            switch iteration % 10 {
            case 0:
                credential = .piv(
                    certificate: TestPKI.base64(Self.randomBytes(&random, upTo: 600)),
                    challenge: challenge.text, signature: TestPKI.base64(signature))
            case 1, 2:
                let mutated = Self.mutate(certificate, &random)
                tampered = mutated != certificate
                credential = .piv(
                    certificate: TestPKI.base64(mutated), challenge: challenge.text,
                    signature: TestPKI.base64(signature))
            case 3:
                let mutated = Self.mutate(signature, &random)
                tampered = mutated != signature
                credential = .piv(
                    certificate: TestPKI.base64(certificate), challenge: challenge.text,
                    signature: TestPKI.base64(mutated))
            case 4:
                let mutated = Self.mutateText(challenge.text, &random)
                tampered = mutated != challenge.text
                credential = .piv(
                    certificate: TestPKI.base64(certificate), challenge: mutated,
                    signature: TestPKI.base64(signature))
            case 5:
                credential = .piv(
                    certificate: Self.randomText(&random), challenge: Self.randomText(&random),
                    signature: Self.randomText(&random))
            case 6:
                credential = .uid(Self.randomText(&random, alphabet: "0123456789abcdefABCDEF:- xz"))
            case 8:
                credential = .piv(
                    certificate: TestPKI.base64(certificate), challenge: challenge.text,
                    signature: TestPKI.base64(Self.randomBytes(&random, upTo: 300)))
            case 9:
                tampered = false
                credential = .piv(
                    certificate: TestPKI.base64(certificate), challenge: challenge.text,
                    signature: TestPKI.base64(signature))
            default:
                let bytesOnly = CardTap.piv(
                    certificate: Self.mutate(certificate, &random), challenge: challenge.text,
                    signature: Self.mutate(signature, &random))
                let outcome = await harness.verifier.verify(bytesOnly, doorId: TestPKI.door, at: TestPKI.now)
                counts[Self.label(outcome), default: 0] += 1
                if let denial = outcome.denial { #expect(allowed.contains(denial.decision.reason)) }
                continue
            }
            let outcome = await harness.verify(credential)
            counts[Self.label(outcome), default: 0] += 1
            switch outcome {
            case .verified(let verified):
                if case .piv = credential {
                    #expect(!tampered, "tampered input \(iteration) verified")
                    #expect(verified.assurance == .pkiCak)
                } else {
                    #expect(verified.assurance == .uid)
                }
            case .denied(let denial):
                #expect(allowed.contains(denial.decision.reason))
                #expect(denial.decision.outcome == .deny)
                #expect(!denial.detail.isEmpty)
            }
        }
        #expect(counts.values.reduce(0, +) == Self.iterations)
        // Every kind of outcome was reached, so the fuzzer got past each check.
        for reason in [
            "challenge_invalid", "certificate_invalid", "signature_invalid", "unknown_credential",
            "verified",
        ] {
            #expect(counts[reason, default: 0] > 0, "no \(reason) in \(counts)")
        }
        #expect(harness.verifier.cachedCount <= 4_096)
    }

    static func label(_ outcome: CredentialVerification) -> String {
        switch outcome {
        case .verified: "verified"
        case .denied(let denial): denial.decision.reason.rawValue
        }
    }

    static func randomBytes(_ random: inout SplitMix64, upTo limit: Int) -> [UInt8] {
        let count = Int(random.next() % UInt64(limit + 1))
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    static func randomText(
        _ random: inout SplitMix64,
        alphabet: String = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_= \n%é"
    ) -> String {
        let characters = Array(alphabet)
        let count = Int(random.next() % 80)
        return String((0..<count).map { _ in characters[Int(random.next() % UInt64(characters.count))] })
    }

    /// Flips, overwrites, inserts, deletes, truncates or extends a few bytes.
    static func mutate(_ bytes: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var out = bytes
        for _ in 0...(random.next() % 3) {
            let position = out.isEmpty ? 0 : Int(random.next() % UInt64(out.count))
            switch random.next() % 6 {
            case 0 where !out.isEmpty: out[position] ^= UInt8(1 << (random.next() % 8))
            case 1 where !out.isEmpty: out[position] = UInt8(truncatingIfNeeded: random.next())
            case 2: out.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
            case 3 where !out.isEmpty: out.remove(at: position)
            case 4: out = Array(out.prefix(position))
            default: out += [UInt8(truncatingIfNeeded: random.next())]
            }
        }
        return out
    }

    static func mutateText(_ text: String, _ random: inout SplitMix64) -> String {
        var characters = Array(text)
        let replacements = Array("AZaz09-_+/=.")
        let position = Int(random.next() % UInt64(characters.count))
        switch random.next() % 3 {
        case 0: characters[position] = replacements[Int(random.next() % UInt64(replacements.count))]
        case 1: characters.remove(at: position)
        default: characters.insert(replacements[Int(random.next() % UInt64(replacements.count))], at: position)
        }
        return String(characters)
    }
}
