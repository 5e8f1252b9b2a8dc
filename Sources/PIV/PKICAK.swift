import Crypto
import _CryptoExtras
import Foundation
import SmartCard
import Synchronization
import X509

/// PKI-CAK (NIST SP 800-116): the card proves possession of its Card Authentication key by signing a fresh
/// challenge. The signature CardGate transports is a standard one over the challenge bytes: DER ECDSA with
/// SHA-256 (P-256) or SHA-384 (P-384), or RSASSA-PKCS1-v1_5 with SHA-256 (RSA-2048).
public enum PKICAK {
    /// The DigestInfo prefix of SHA-256 (RFC 8017 §9.2 note 1).
    static let sha256DigestInfoPrefix: [UInt8] = [0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
                                                  0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]

    /// What the card must be given for `challenge`: the digest (ECC) or the EMSA-PKCS1-v1_5 block (RSA-2048).
    public static func cardInput(challenge: [UInt8], algorithm: PIVAlgorithm) throws(PIVError) -> [UInt8] {
        switch algorithm {
        case .eccP256: return Array(SHA256.hash(data: challenge))
        case .eccP384: return Array(SHA384.hash(data: challenge))
        case .rsa2048:
            let digestInfo = sha256DigestInfoPrefix + Array(SHA256.hash(data: challenge))
            return [0x00, 0x01] + Array(repeating: 0xFF, count: 256 - 3 - digestInfo.count) + [0x00] + digestInfo
        default: throw .unsupportedAlgorithm(algorithm)
        }
    }

    /// Has the card sign `challenge` with `slot` and returns the standard signature, after checking that the
    /// card's answer has the form the algorithm requires (DER ECDSA, or exactly 256 bytes for RSA-2048).
    public static func sign(challenge: [UInt8], with client: PIVClient,
                            slot: PIVKeyReference = .cardAuthentication, algorithm: PIVAlgorithm) async throws
        -> [UInt8]
    {
        let input = try cardInput(challenge: challenge, algorithm: algorithm)
        let signature = try await client.generalAuthenticate(slot: slot, algorithm: algorithm, input: input)
        try checkForm(signature, algorithm: algorithm)
        return signature
    }

    /// Rejects a card answer that cannot be a signature of `algorithm`.
    static func checkForm(_ signature: [UInt8], algorithm: PIVAlgorithm) throws(PIVError) {
        switch algorithm {
        case .eccP256:
            guard (try? P256.Signing.ECDSASignature(derRepresentation: signature)) != nil else {
                throw .malformedResponse("card's P-256 signature is not DER ECDSA (\(signature.count) bytes)")
            }
        case .eccP384:
            guard (try? P384.Signing.ECDSASignature(derRepresentation: signature)) != nil else {
                throw .malformedResponse("card's P-384 signature is not DER ECDSA (\(signature.count) bytes)")
            }
        case .rsa2048:
            guard signature.count == 256 else {
                throw .malformedResponse("card's RSA-2048 signature is \(signature.count) bytes, not 256")
            }
        default: throw .unsupportedAlgorithm(algorithm)
        }
    }

    /// The PIV algorithm of a certificate's key, or nil when CardGate cannot use it for PKI-CAK.
    public static func algorithm(of key: Certificate.PublicKey) -> PIVAlgorithm? {
        if P256.Signing.PublicKey(key) != nil { return .eccP256 }
        if P384.Signing.PublicKey(key) != nil { return .eccP384 }
        if let rsa = _RSA.Signing.PublicKey(key), rsa.keySizeInBits == 2048 { return .rsa2048 }
        return nil
    }

    /// Whether `signature` is a valid signature over `challenge` under the certificate's public key.
    public static func verify(signature: [UInt8], challenge: [UInt8], publicKey key: Certificate.PublicKey) -> Bool {
        if let p256 = P256.Signing.PublicKey(key) {
            guard let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return p256.isValidSignature(parsed, for: SHA256.hash(data: challenge))
        }
        if let p384 = P384.Signing.PublicKey(key) {
            guard let parsed = try? P384.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return p384.isValidSignature(parsed, for: SHA384.hash(data: challenge))
        }
        if let rsa = _RSA.Signing.PublicKey(key), rsa.keySizeInBits >= 2048 {
            return rsa.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature),
                                        for: SHA256.hash(data: challenge), padding: .insecurePKCS1v1_5)
        }
        return false
    }

    /// Whether `signature` is valid under `certificate`'s key.
    public static func verify(signature: [UInt8], challenge: [UInt8], certificate: Certificate) -> Bool {
        verify(signature: signature, challenge: challenge, publicKey: certificate.publicKey)
    }
}

/// Card Authentication certificates already seen, keyed by the CHUID GUID, so a door reads the certificate
/// from a card only on its first visit.
///
/// Bounded: when full, the least recently used tenth is evicted at once (so eviction costs amortise).
public final class PIVCertificateCache: Sendable {
    private struct Entry {
        var certificate: PIVCertificateObject
        var lastUse: UInt64
    }

    private struct State {
        var entries: [UUID: Entry] = [:]
        var clock: UInt64 = 0
    }

    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    public func certificate(for guid: UUID) -> PIVCertificateObject? {
        state.withLock { state in
            guard var entry = state.entries[guid] else { return nil }
            state.clock += 1
            entry.lastUse = state.clock
            state.entries[guid] = entry
            return entry.certificate
        }
    }

    public func store(_ certificate: PIVCertificateObject, for guid: UUID) {
        state.withLock { state in
            state.clock += 1
            if state.entries[guid] == nil && state.entries.count >= capacity {
                let evict = max(1, capacity / 10)
                let oldest = state.entries.sorted { $0.value.lastUse < $1.value.lastUse }.prefix(evict)
                for (key, _) in oldest { state.entries[key] = nil }
            }
            state.entries[guid] = Entry(certificate: certificate, lastUse: state.clock)
        }
    }

    /// Forgets a GUID (for example after its signature failed with the cached certificate).
    public func remove(_ guid: UUID) { state.withLock { $0.entries[guid] = nil } }
    public var count: Int { state.withLock { $0.entries.count } }
}

/// What a door knows of a card before it asks for a challenge: who the card claims to be and which key will sign.
public struct PKICAKIdentity: Sendable {
    public var chuid: CHUID
    public var certificate: PIVCertificateObject
    public var algorithm: PIVAlgorithm
    /// Whether the certificate came from the cache rather than from the card.
    public var certificateFromCache: Bool
}

/// What a door learns from one PKI-CAK exchange with a card.
public struct PKICAKReading: Sendable {
    public var chuid: CHUID
    public var certificate: PIVCertificateObject
    public var algorithm: PIVAlgorithm
    /// The standard signature over the challenge (see `PKICAK`).
    public var signature: [UInt8]
    /// Whether the certificate came from the cache rather than from the card.
    public var certificateFromCache: Bool
}

extension PIVClient {
    /// The door side of PKI-CAK with the fewest exchanges: SELECT, GET DATA CHUID, the Card Authentication
    /// certificate from `cache` or GET DATA, GENERAL AUTHENTICATE with key 9E over `challenge`.
    /// Verifying the signature and the certificate is the authority's job (`PKICAK.verify`).
    public func readPKICAK(challenge: [UInt8], cache: PIVCertificateCache? = nil) async throws -> PKICAKReading {
        try await signPKICAK(for: try await identifyForPKICAK(cache: cache), challenge: challenge, cache: cache)
    }

    /// The first half of PKI-CAK, before there is a challenge: SELECT, GET DATA CHUID, and the Card
    /// Authentication certificate from `cache` or the card. A door asks for its challenge only after this, so
    /// that a slow certificate read does not use up the challenge's lifetime.
    public func identifyForPKICAK(cache: PIVCertificateCache? = nil) async throws -> PKICAKIdentity {
        _ = try await select()
        let chuid = try await readCHUID()
        let cached = cache?.certificate(for: chuid.guid)
        let certificate: PIVCertificateObject
        if let cached {
            certificate = cached
        } else {
            certificate = try await readCertificate(.cardAuthentication)
        }
        guard let algorithm = PKICAK.algorithm(of: certificate.certificate.publicKey) else {
            throw PIVError.invalidObject(.cardAuthenticationCertificate, "key type not usable for PKI-CAK")
        }
        return PKICAKIdentity(chuid: chuid, certificate: certificate, algorithm: algorithm,
                              certificateFromCache: cached != nil)
    }

    /// The second half of PKI-CAK: the card signs `challenge` with key 9E (GENERAL AUTHENTICATE). A certificate
    /// read from the card goes into `cache` once the card has answered.
    public func signPKICAK(for identity: PKICAKIdentity, challenge: [UInt8], cache: PIVCertificateCache? = nil)
        async throws -> PKICAKReading
    {
        let signature = try await PKICAK.sign(challenge: challenge, with: self, algorithm: identity.algorithm)
        if !identity.certificateFromCache { cache?.store(identity.certificate, for: identity.chuid.guid) }
        return PKICAKReading(chuid: identity.chuid, certificate: identity.certificate, algorithm: identity.algorithm,
                             signature: signature, certificateFromCache: identity.certificateFromCache)
    }
}
