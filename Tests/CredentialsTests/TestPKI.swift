import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

@testable import Credentials

/// Test-only keys and certificates, generated in the tests with swift-certificates. Keys are kept as their raw
/// bytes so that every value here is `Sendable`.
enum TestKey: Sendable, Hashable {
    case p256([UInt8])
    case p384([UInt8])
    case rsa([UInt8])

    static func newP256() -> TestKey { .p256(Array(P256.Signing.PrivateKey().rawRepresentation)) }
    static func newP384() -> TestKey { .p384(Array(P384.Signing.PrivateKey().rawRepresentation)) }
    static func newRSA2048() throws -> TestKey {
        .rsa(Array(try _RSA.Signing.PrivateKey(keySize: .bits2048).derRepresentation))
    }

    var certificateKey: Certificate.PrivateKey {
        get throws {
            switch self {
            case .p256(let raw): Certificate.PrivateKey(try P256.Signing.PrivateKey(rawRepresentation: raw))
            case .p384(let raw): Certificate.PrivateKey(try P384.Signing.PrivateKey(rawRepresentation: raw))
            case .rsa(let der): Certificate.PrivateKey(try _RSA.Signing.PrivateKey(derRepresentation: der))
            }
        }
    }

    var publicKey: Certificate.PublicKey {
        get throws { try certificateKey.publicKey }
    }

    /// The algorithm a certificate signed by this key uses.
    var signatureAlgorithm: Certificate.SignatureAlgorithm {
        switch self {
        case .p256: .ecdsaWithSHA256
        case .p384: .ecdsaWithSHA384
        case .rsa: .sha256WithRSAEncryption
        }
    }

    /// The card's answer to a challenge, as DESIGN.md encodes it.
    func sign(_ message: [UInt8]) throws -> [UInt8] {
        switch self {
        case .p256(let raw):
            Array(try P256.Signing.PrivateKey(rawRepresentation: raw).signature(for: message).derRepresentation)
        case .p384(let raw):
            Array(try P384.Signing.PrivateKey(rawRepresentation: raw).signature(for: message).derRepresentation)
        case .rsa(let der):
            Array(
                try _RSA.Signing.PrivateKey(derRepresentation: der)
                    .signature(for: message, padding: .insecurePKCS1v1_5).rawRepresentation)
        }
    }
}

/// A test CA.
struct TestAuthority: Sendable {
    var key: TestKey
    var certificate: Certificate

    static func make(
        name: String = "CardGate Test CA", key: TestKey = .newP256(), notBefore: Date = TestPKI.caNotBefore,
        notAfter: Date = TestPKI.caNotAfter, keyUsage: KeyUsage? = KeyUsage(keyCertSign: true, cRLSign: true)
    ) throws -> TestAuthority {
        let subject = try DistinguishedName {
            OrganizationName("CardGate Test Office")
            CommonName(name)
        }
        var extensions = Certificate.Extensions()
        try extensions.append(Certificate.Extension(BasicConstraints.isCertificateAuthority(maxPathLength: 0),
            critical: true))
        if let keyUsage { try extensions.append(Certificate.Extension(keyUsage, critical: true)) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: subject, subject: subject,
            signatureAlgorithm: key.signatureAlgorithm, extensions: extensions, issuerPrivateKey: key.certificateKey)
        return TestAuthority(key: key, certificate: certificate)
    }

    var trustStore: TrustStore {
        get throws { try TrustStore(authorities: [certificate]) }
    }

    /// A card certificate for `key`, DER-encoded.
    func issueCard(
        key: TestKey, guid: UUID? = UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301"),
        notBefore: Date = TestPKI.cardNotBefore, notAfter: Date = TestPKI.cardNotAfter,
        keyUsage: KeyUsage? = KeyUsage(digitalSignature: true), certificateAuthority: Bool = false,
        signedBy signer: TestKey? = nil
    ) throws -> [UInt8] {
        let subject = try DistinguishedName {
            OrganizationName("CardGate Test Office")
            CommonName("Card Authentication")
        }
        var extensions = Certificate.Extensions()
        if certificateAuthority {
            try extensions.append(Certificate.Extension(BasicConstraints.isCertificateAuthority(maxPathLength: nil),
                critical: true))
        }
        if let keyUsage { try extensions.append(Certificate.Extension(keyUsage, critical: true)) }
        if let guid {
            let san = SubjectAlternativeNames([.uniformResourceIdentifier("urn:uuid:" + guid.uuidString.lowercased())])
            try extensions.append(Certificate.Extension(san, critical: false))
        }
        let issuerKey = signer ?? self.key
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: self.certificate.subject, subject: subject,
            signatureAlgorithm: issuerKey.signatureAlgorithm, extensions: extensions,
            issuerPrivateKey: issuerKey.certificateKey)
        return try TestPKI.der(certificate)
    }
}

/// Fixed times and shared material.
enum TestPKI {
    static let now = Date(timeIntervalSince1970: 1_780_300_800)  // 2026-06-01T08:00:00Z
    static let caNotBefore = Date(timeIntervalSince1970: 1_577_836_800)  // 2020-01-01
    static let caNotAfter = Date(timeIntervalSince1970: 2_208_988_800)  // 2040-01-01
    static let cardNotBefore = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01
    static let cardNotAfter = Date(timeIntervalSince1970: 1_893_456_000)  // 2030-01-01
    static let door = "door-main"

    static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }

    static func base64(_ bytes: [UInt8]) -> String { WireBase64.encode(bytes, alphabet: .standard) }
}

