import Crypto
import Foundation
@_spi(FixedExpiryValidationTime) import X509
import SwiftASN1

/// The office CA certificates that card certificates must chain to, and the X.509 path validation against them.
///
/// Every configured certificate is a trust anchor and must be a CA certificate. Validation of a card certificate
/// at a given time checks, in order: the card certificate's own validity, its key usage (`digitalSignature`), that
/// it is not a CA and has no critical extension CardGate does not enforce; then swift-certificates' `Verifier`
/// builds the chain to a configured CA (issuer name and signature) under RFC 5280 (validity of every certificate at
/// the same time, basic and name constraints) and ``CardIssuerPolicy``. Each failure is a precise
/// ``CertificateFailure``.
public struct TrustStore: Sendable {
    /// The trust anchors, in the order configured.
    public let authorities: [Certificate]
    /// SHA-256 over the anchors' fingerprints: changes whenever the set of anchors changes, so caches keyed by
    /// it are invalidated by a reload.
    public let identity: String
    private let store: CertificateStore

    /// A store of the given CA certificates; throws if one is not a usable CA.
    public init(authorities: [Certificate]) throws(TrustStoreError) {
        var fingerprints: [String] = []
        for authority in authorities {
            try Self.checkAuthority(authority)
            let der: [UInt8]
            do {
                var serializer = DER.Serializer()
                try serializer.serialize(authority)
                der = serializer.serializedBytes
            } catch {
                throw .unreadable("cannot encode \(authority.subject): \(error)")
            }
            fingerprints.append(CardCertificate.fingerprint(of: der))
        }
        self.authorities = authorities
        self.identity = CardCertificate.fingerprint(of: Array(fingerprints.sorted().joined(separator: ",").utf8))
        self.store = CertificateStore(authorities)
    }

    /// A store of the certificates in `bytes`: one DER certificate, or PEM text with one or more
    /// `CERTIFICATE` blocks.
    public init(pemOrDER bytes: [UInt8]) throws(TrustStoreError) {
        try self.init(authorities: Self.parse(bytes, source: "input"))
    }

    /// A store of the certificates in the given files (PEM or DER each), as `--ca-cert` names them.
    public init(files: [String]) throws(TrustStoreError) {
        var authorities: [Certificate] = []
        for path in files {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw .unreadable("\(path): \(error.localizedDescription)")
            }
            authorities += try Self.parse(Array(data), source: path)
        }
        try self.init(authorities: authorities)
    }

    /// Validates `certificate` as a card certificate at `time`, returning the validated chain (card certificate
    /// first, trust anchor last).
    public func validate(_ certificate: Certificate, at time: Date) async -> Result<[Certificate], CertificateFailure> {
        if let failure = Self.cardCertificateFailure(certificate, at: time) { return .failure(failure) }
        var verifier = Verifier(rootCertificates: store) {
            RFC5280Policy(fixedExpiryValidationTime: time)
            CardIssuerPolicy()
        }
        switch await verifier.validate(leaf: certificate, intermediates: CertificateStore()) {
        case .validCertificate(let chain):
            return .success(Array(chain))
        case .couldNotValidate(let failures):
            return .failure(classify(certificate, failures: failures, at: time))
        }
    }

    /// The checks of the card certificate itself, which the verifier either does not make or reports only as text.
    static func cardCertificateFailure(_ certificate: Certificate, at time: Date) -> CertificateFailure? {
        if time < certificate.notValidBefore { return .notYetValid(notBefore: certificate.notValidBefore) }
        if time > certificate.notValidAfter { return .expired(notAfter: certificate.notValidAfter) }
        let usage: KeyUsage?
        let constraints: BasicConstraints?
        do {
            usage = try certificate.extensions.keyUsage
            constraints = try certificate.extensions.basicConstraints
        } catch {
            return .malformedExtension(String(describing: error).prefix(200).description)
        }
        guard let usage, usage.digitalSignature else { return .wrongKeyUsage }
        if case .isCertificateAuthority = constraints { return .certificateAuthority }
        let enforced = RFC5280Policy(fixedExpiryValidationTime: time).verifyingCriticalExtensions
        if let unknown = certificate.extensions.first(where: { $0.critical && !enforced.contains($0.oid) }) {
            return .chainRejected("critical extension \(unknown.oid) is not enforced by CardGate")
        }
        return nil
    }

    /// Names the reason the verifier found no valid chain.
    private func classify(
        _ certificate: Certificate, failures: [CertificateValidationResult.PolicyFailure], at time: Date
    ) -> CertificateFailure {
        guard let failure = failures.first else {
            // No candidate chain: either no anchor has the issuer's name, or none of those signed the certificate.
            let issuer = String(describing: certificate.issuer)
            return authorities.contains { $0.subject == certificate.issuer }
                ? .badSignature(issuer) : .unknownIssuer(issuer)
        }
        for issuer in failure.chain.dropFirst()
        where time < issuer.notValidBefore || time > issuer.notValidAfter {
            return .issuerNotValid(String(describing: issuer.subject))
        }
        return .chainRejected(failure.policyFailureReason.description)
    }

    private static func checkAuthority(_ authority: Certificate) throws(TrustStoreError) {
        let constraints: BasicConstraints?
        do {
            constraints = try authority.extensions.basicConstraints
        } catch {
            throw .notAnAuthority("\(authority.subject): malformed basic constraints")
        }
        guard case .isCertificateAuthority = constraints else {
            throw .notAnAuthority("\(authority.subject) is not a CA certificate")
        }
        let enforced = RFC5280Policy().verifyingCriticalExtensions
        if let unknown = authority.extensions.first(where: { $0.critical && !enforced.contains($0.oid) }) {
            throw .notAnAuthority("\(authority.subject) has critical extension \(unknown.oid) CardGate does not enforce")
        }
    }

    private static func parse(_ bytes: [UInt8], source: String) throws(TrustStoreError) -> [Certificate] {
        guard !bytes.isEmpty else { throw .unreadable("\(source) is empty") }
        if bytes.first == 0x30 {
            do {
                return [try Certificate(derEncoded: bytes)]
            } catch {
                throw .unreadable("\(source) is not a DER certificate: \(error)")
            }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: text)
        } catch {
            throw .unreadable("\(source) is neither DER nor PEM: \(error)")
        }
        var certificates: [Certificate] = []
        for document in documents where document.discriminator == "CERTIFICATE" {
            do {
                certificates.append(try Certificate(pemDocument: document))
            } catch {
                throw .unreadable("\(source) has an unreadable certificate: \(error)")
            }
        }
        guard !certificates.isEmpty else { throw .unreadable("\(source) has no CERTIFICATE block") }
        return certificates
    }
}

/// Why CA certificates could not be loaded into a ``TrustStore``.
public enum TrustStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A file is missing, empty, or not DER/PEM certificates.
    case unreadable(String)
    /// A certificate cannot serve as a trust anchor.
    case notAnAuthority(String)

    public var description: String {
        switch self {
        case .unreadable(let why): "cannot read CA certificates: \(why)"
        case .notAnAuthority(let why): "not a usable CA certificate: \(why)"
        }
    }
}
