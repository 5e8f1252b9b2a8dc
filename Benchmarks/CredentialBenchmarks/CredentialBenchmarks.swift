import Benchmark
import Credentials
import Crypto
import Foundation
import Synchronization
import X509

/// One office CA, P-256 cards, and taps prepared ahead of the measurement: each measured iteration verifies one
/// full PIV tap as the server receives it (base64 decoding, challenge, certificate path or cache, signature).
final class TapFixture: Sendable {
    static let now = Date(timeIntervalSince1970: 1_780_300_800)
    static let door = "bench-door"

    let verifier: CredentialVerifier
    private let cards: [(certificate: String, key: [UInt8])]
    private let prepared = Mutex<[WireCredential]>([])

    /// - Parameters:
    ///   - cardCount: distinct card certificates the taps cycle through.
    ///   - cacheCapacity: 1 with several cards makes every tap a cache miss.
    init(cardCount: Int, cacheCapacity: Int) throws {
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName { CommonName("CardGate Benchmark CA") }
        var caExtensions = Certificate.Extensions()
        try caExtensions.append(.init(BasicConstraints.isCertificateAuthority(maxPathLength: 0), critical: true))
        try caExtensions.append(.init(KeyUsage(keyCertSign: true), critical: true))
        let ca = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(caKey.publicKey),
            notValidBefore: Self.now - 86_400 * 365, notValidAfter: Self.now + 86_400 * 365 * 10, issuer: caName,
            subject: caName, signatureAlgorithm: .ecdsaWithSHA256, extensions: caExtensions,
            issuerPrivateKey: .init(caKey))
        cards = try (0..<cardCount).map { index in
            let key = P256.Signing.PrivateKey()
            var extensions = Certificate.Extensions()
            try extensions.append(.init(KeyUsage(digitalSignature: true), critical: true))
            try extensions.append(
                .init(
                    SubjectAlternativeNames([
                        .uniformResourceIdentifier(
                            "urn:uuid:" + UUID().uuidString)
                    ]), critical: false))
            let card = try Certificate(
                version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
                notValidBefore: Self.now - 86_400, notValidAfter: Self.now + 86_400 * 365 * 3, issuer: caName,
                subject: try DistinguishedName { CommonName("Card \(index)") }, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions, issuerPrivateKey: .init(caKey))
            let der = try card.serializeAsPEM().derBytes
            return (WireBase64.encode(der, alphabet: .standard), Array(key.rawRepresentation))
        }
        let issuer = ChallengeIssuer(
            configuration: .init(maximumPerDoor: 1_000_000, maximumTotal: 1_000_000, rememberedSpent: 1_000_000))
        verifier = CredentialVerifier(
            challenges: issuer, trustStore: try TrustStore(authorities: [ca]),
            cacheCapacity: cacheCapacity)
    }

    /// Issues and signs `count` fresh taps, outside any measurement.
    func prepare(count: Int) throws {
        var taps: [WireCredential] = []
        taps.reserveCapacity(count)
        for index in 0..<count {
            let card = cards[index % cards.count]
            let challenge = try verifier.challenges.issue(doorId: Self.door, at: Self.now)
            let key = try P256.Signing.PrivateKey(rawRepresentation: card.key)
            let signature = try key.signature(for: challenge.bytes).derRepresentation
            taps.append(
                .piv(
                    certificate: card.certificate, challenge: challenge.text,
                    signature: WireBase64.encode(signature, alphabet: .standard)))
        }
        prepared.withLock { $0 = taps.reversed() }
    }

    /// Verifies the next prepared tap; false if it was not verified (or none was left).
    func verifyNext() async -> Bool {
        guard let tap = prepared.withLock({ $0.popLast() }) else { return false }
        return await verifier.verify(tap, doorId: Self.door, at: Self.now).credential != nil
    }
}

let hitFixture: TapFixture? = try? TapFixture(cardCount: 1, cacheCapacity: 4_096)
let missFixture: TapFixture? = try? TapFixture(cardCount: 64, cacheCapacity: 1)

let benchmarks: @Sendable () -> Void = {
    let perTap = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 100,
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 20_000
    )
    let pool = 20_100

    Benchmark("PIV tap P-256: cache hit", configuration: perTap) { benchmark in
        for _ in benchmark.scaledIterations where await hitFixture?.verifyNext() != true {
            benchmark.error("a prepared tap was not verified")
        }
    } setup: {
        guard let hitFixture else { fatalError("fixture failed") }
        try hitFixture.prepare(count: pool)
    }

    Benchmark("PIV tap P-256: cache miss (full path validation)", configuration: perTap) { benchmark in
        for _ in benchmark.scaledIterations where await missFixture?.verifyNext() != true {
            benchmark.error("a prepared tap was not verified")
        }
    } setup: {
        guard let missFixture else { fatalError("fixture failed") }
        try missFixture.prepare(count: pool)
    }

    Benchmark("ECDSA P-256 signature check alone (SignatureVerifier)", configuration: perTap) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(SignatureVerifier.verify(signature.bytes, over: signature.message, with: signature.key))
        }
    }

    Benchmark("challenge issue + consume", configuration: perTap) { benchmark in
        for _ in benchmark.scaledIterations {
            guard let issued = try? challengeIssuer.issue(doorId: "d", at: TapFixture.now) else {
                benchmark.error("issue failed")
                return
            }
            blackHole(challengeIssuer.consume(issued.text, doorId: "d", at: TapFixture.now))
        }
    }
}

/// A fixed P-256 signature for the signature-only benchmark.
let signature: (bytes: [UInt8], message: [UInt8], key: CardPublicKey) = {
    let key = P256.Signing.PrivateKey()
    let message = Array(repeating: UInt8(7), count: 32)
    let bytes = (try? key.signature(for: message).derRepresentation).map(Array.init) ?? []
    guard let cardKey = CardPublicKey(Certificate.PublicKey(key.publicKey)) else { fatalError("no P-256 key") }
    return (bytes, message, cardKey)
}()

let challengeIssuer = ChallengeIssuer()
