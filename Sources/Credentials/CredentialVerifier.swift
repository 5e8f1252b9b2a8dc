import AccessPolicy
import Foundation
import Synchronization

/// The authority's credential step for one tap: establishes which credential was presented and with what
/// ``Assurance``, or denies with `challenge_invalid`, `signature_invalid` or `certificate_invalid`.
///
/// ## Order of the checks
///
/// 1. **Parse** the wire fields (strict base64 and hex). Failures are remembered, not yet reported.
/// 2. **Challenge**: spend it with the ``ChallengeIssuer`` (issued for this door, unexpired, unused). This comes
///    first and happens whatever follows, even when the certificate or signature field did not parse: a challenge
///    can be presented once, so nobody can probe one challenge with many certificates or signatures, and a replay
///    is refused before any public-key work is spent on it. Every later check therefore needs a fresh challenge
///    the authority issued, which bounds how much path validation and signature work an attacker can cause.
/// 3. **Certificate path**: the certificate chains to a configured CA and is valid at the tap's time (see
///    ``TrustStore``). Before the signature because the signature means something only under a trusted key, a
///    foreign certificate is refused without a signature check, and the result is cached.
/// 4. **Signature**: the card's signature over the challenge bytes under the certificate key.
///
/// The first failure in this order is the denial. Enrolment, card status and the door's rules are the policy
/// engine's, after this step.
///
/// ## Cache
///
/// Certificates whose path validated are cached by fingerprint (least recently used eviction, bounded). An entry
/// holds until the first `notAfter` in its chain, and only for the ``TrustStore`` it was validated under: replacing
/// the trust store empties the cache. A repeat tap of a cached card costs one challenge look-up and one signature
/// check.
public final class CredentialVerifier: Sendable {
    /// Counters for metrics and tests.
    public struct Statistics: Sendable, Hashable {
        /// Taps whose certificate was found in the cache.
        public var cacheHits = 0
        /// Certificates that were parsed and handed to the trust store for path validation.
        public var pathValidations = 0
    }

    /// The issuer whose challenges taps must answer.
    public let challenges: ChallengeIssuer
    private let trust: Mutex<TrustStore>
    private let cache: Mutex<LRUCache<String, ValidatedCard>>
    private let counters = Mutex(Statistics())

    /// - Parameter cacheCapacity: how many validated certificates to remember.
    public init(challenges: ChallengeIssuer, trustStore: TrustStore, cacheCapacity: Int = 4_096) {
        self.challenges = challenges
        self.trust = Mutex(trustStore)
        self.cache = Mutex(LRUCache(capacity: cacheCapacity))
    }

    /// The CA certificates currently trusted.
    public var trustStore: TrustStore { trust.withLock { $0 } }

    /// Trusts `store` from now on and forgets every cached validation.
    public func replaceTrustStore(_ store: TrustStore) {
        trust.withLock { $0 = store }
        cache.withLock { $0.removeAll() }
    }

    /// The counters so far.
    public var statistics: Statistics { counters.withLock { $0 } }

    /// The number of certificates cached.
    public var cachedCount: Int { cache.withLock { $0.count } }

    /// Verifies the API's `credential` object presented at `doorId` at `time`.
    public func verify(_ credential: WireCredential, doorId: String, at time: Date) async -> CredentialVerification {
        switch credential {
        case .piv(let certificate, let challenge, let signature):
            let der = Result { () throws(WireDecodingError) in try WireDecoding.certificate(certificate) }
            let bytes = Result { () throws(WireDecodingError) in try WireDecoding.signature(signature) }
            return await verifyPIV(certificate: der, challenge: challenge, signature: bytes, doorId: doorId, at: time)
        case .uid(let uid):
            return verifyUID(uid, doorId: doorId)
        }
    }

    /// Verifies a decoded tap presented at `doorId` at `time`.
    public func verify(_ tap: CardTap, doorId: String, at time: Date) async -> CredentialVerification {
        switch tap {
        case .piv(let certificate, let challenge, let signature):
            await verifyPIV(certificate: .success(certificate), challenge: challenge, signature: .success(signature),
                doorId: doorId, at: time)
        case .uid(let uid):
            verifyUID(uid, doorId: doorId)
        }
    }

    private func verifyUID(_ uid: String, doorId: String) -> CredentialVerification {
        do {
            return .verified(VerifiedCredential(key: try WireDecoding.uid(uid), assurance: .uid))
        } catch {
            return .denied(CredentialDenial(failure: .uid(error), doorId: doorId))
        }
    }

    private func verifyPIV(
        certificate: Result<[UInt8], WireDecodingError>, challenge: String,
        signature: Result<[UInt8], WireDecodingError>, doorId: String, at time: Date
    ) async -> CredentialVerification {
        func deny(_ failure: CredentialFailure) -> CredentialVerification {
            .denied(CredentialDenial(failure: failure, doorId: doorId))
        }
        let challengeBytes: [UInt8]
        switch challenges.consume(challenge, doorId: doorId, at: time) {
        case .failure(let failure): return deny(.challenge(failure))
        case .success(let bytes): challengeBytes = bytes
        }
        let der: [UInt8]
        switch certificate {
        case .failure(let error): return deny(.certificate(.undecodable(error)))
        case .success(let bytes): der = bytes
        }
        let signatureBytes: [UInt8]
        switch signature {
        case .failure(let error): return deny(.signature(.undecodable(error)))
        case .success(let bytes): signatureBytes = bytes
        }
        let card: ValidatedCard
        switch await validatedCard(der, at: time) {
        case .failure(let failure): return deny(.certificate(failure))
        case .success(let validated): card = validated
        }
        if case .failure(let failure) = SignatureVerifier.verify(signatureBytes, over: challengeBytes, with: card.key) {
            return deny(.signature(failure))
        }
        return .verified(VerifiedCredential(key: card.credentialKey, guid: card.guid, assurance: .pkiCak,
            validUntil: card.validUntil))
    }

    /// The cached validation of `der` if it still holds at `time`, else a fresh path validation (cached on
    /// success).
    private func validatedCard(_ der: [UInt8], at time: Date) async -> Result<ValidatedCard, CertificateFailure> {
        let fingerprint = CardCertificate.fingerprint(of: der)
        let store = trustStore
        let cached = cache.withLock { cache -> ValidatedCard? in
            guard let entry = cache.value(for: fingerprint) else { return nil }
            guard entry.holds(at: time, under: store.identity) else {
                cache.removeValue(for: fingerprint)
                return nil
            }
            return entry
        }
        if let cached {
            counters.withLock { $0.cacheHits += 1 }
            return .success(cached)
        }
        let parsed: CardCertificate
        do {
            parsed = try CardCertificate(der: der, fingerprint: fingerprint)
        } catch {
            return .failure(error)
        }
        counters.withLock { $0.pathValidations += 1 }
        switch await store.validate(parsed.certificate, at: time) {
        case .failure(let failure):
            return .failure(failure)
        case .success(let chain):
            guard let key = CredentialKey.piv(fingerprintHex: fingerprint),
                let validFrom = chain.map(\.notValidBefore).max(), let validUntil = chain.map(\.notValidAfter).min()
            else { return .failure(.chainRejected("empty chain")) }
            let card = ValidatedCard(credentialKey: key, guid: parsed.guid, key: parsed.publicKey,
                validFrom: validFrom, validUntil: validUntil, trustIdentity: store.identity)
            cache.withLock { $0.set(card, for: fingerprint) }
            return .success(card)
        }
    }
}

/// What the cache keeps of a certificate whose path validated.
struct ValidatedCard: Sendable {
    var credentialKey: CredentialKey
    var guid: String?
    var key: CardPublicKey
    /// The latest `notBefore` and earliest `notAfter` of the validated chain.
    var validFrom: Date
    var validUntil: Date
    /// The ``TrustStore/identity`` it was validated under.
    var trustIdentity: String

    func holds(at time: Date, under identity: String) -> Bool {
        trustIdentity == identity && validFrom <= time && time <= validUntil
    }
}
