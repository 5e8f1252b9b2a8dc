import Crypto
import Foundation
import SwiftASN1
import X509

/// An office certificate authority for demos and tests: an ECC P-256 key and a self-signed certificate in a
/// directory (`ca-key.pem`, owner-only, and `ca-cert.pem`). Production points CardGate at the office's own CA.
public struct OfficeCA: Sendable {
    public static let keyFileName = "ca-key.pem"
    public static let certificateFileName = "ca-cert.pem"

    public let certificate: Certificate
    let privateKeyPEM: String

    /// Why a CA could not be created or loaded.
    public enum CAError: Error, Hashable, Sendable, CustomStringConvertible {
        case alreadyExists(String)
        case unreadable(String, String)
        case keyMismatch
        case writeFailed(String, String)

        public var description: String {
            switch self {
            case .alreadyExists(let path): "\(path) already exists; refusing to overwrite a CA"
            case .unreadable(let path, let why): "cannot read \(path): \(why)"
            case .keyMismatch: "the CA key does not belong to the CA certificate"
            case .writeFailed(let path, let why): "cannot write \(path): \(why)"
            }
        }
    }

    /// Creates a new CA key and self-signed certificate valid for `years`.
    public static func create(name: String = "CardGate Office CA", organization: String = "CardGate",
                              country: String = "VN", years: Int = 10, now: Date = Date()) throws -> OfficeCA {
        let key = P256.Signing.PrivateKey()
        let certificateKey = Certificate.PrivateKey(key)
        let subject = try DistinguishedName {
            CountryName(country)
            OrganizationName(organization)
            CommonName(name)
        }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(hash: certificateKey.publicKey)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: certificateKey.publicKey,
            notValidBefore: now.addingTimeInterval(-300),
            notValidAfter: now.addingTimeInterval(Double(years) * 365.25 * 86_400),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
            issuerPrivateKey: certificateKey)
        return OfficeCA(certificate: certificate, privateKeyPEM: key.pemRepresentation)
    }

    /// Writes the CA into `directory` (created if needed); the key file gets mode 0600. Existing files are kept.
    public func write(to directory: URL) throws {
        let manager = FileManager.default
        let keyURL = directory.appendingPathComponent(Self.keyFileName)
        let certificateURL = directory.appendingPathComponent(Self.certificateFileName)
        for url in [keyURL, certificateURL] where manager.fileExists(atPath: url.path) {
            throw CAError.alreadyExists(url.path)
        }
        do {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
            guard manager.createFile(atPath: keyURL.path, contents: Data(privateKeyPEM.utf8),
                                     attributes: [.posixPermissions: 0o600])
            else { throw CAError.writeFailed(keyURL.path, "file not created") }
            try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyURL.path)
            try Data(certificatePEM.utf8).write(to: certificateURL)
        } catch let error as CAError {
            throw error
        } catch {
            throw CAError.writeFailed(directory.path, "\(error)")
        }
    }

    /// Loads a CA written by `write(to:)`, checking that the key matches the certificate.
    public static func load(from directory: URL) throws -> OfficeCA {
        let keyURL = directory.appendingPathComponent(keyFileName)
        let certificateURL = directory.appendingPathComponent(certificateFileName)
        let keyPEM: String
        let certificate: Certificate
        do { keyPEM = try String(contentsOf: keyURL, encoding: .utf8) } catch {
            throw CAError.unreadable(keyURL.path, "\(error)")
        }
        do {
            certificate = try Certificate(pemEncoded: try String(contentsOf: certificateURL, encoding: .utf8))
        } catch {
            throw CAError.unreadable(certificateURL.path, "\(error)")
        }
        let key: P256.Signing.PrivateKey
        do { key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM) } catch {
            throw CAError.unreadable(keyURL.path, "not a P-256 private key")
        }
        guard Certificate.PublicKey(key.publicKey) == certificate.publicKey else { throw CAError.keyMismatch }
        return OfficeCA(certificate: certificate, privateKeyPEM: keyPEM)
    }

    /// The CA certificate in PEM.
    public var certificatePEM: String { (try? certificate.serializeAsPEM().pemString) ?? "" }

    /// The signing key (parsed on use so the CA value stays `Sendable`).
    func signingKey() throws -> Certificate.PrivateKey {
        Certificate.PrivateKey(try P256.Signing.PrivateKey(pemRepresentation: privateKeyPEM))
    }

    /// The OID of the PIV Card Authentication extended key usage, id-PIV-cardAuth (FIPS 201-3).
    public static let pivCardAuthOID: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 6, 8]

    /// Issues a certificate for a card key. `guid` goes into the subject alternative name as a UUID URN
    /// (FIPS 201-3 §4.2.1), `holder` into the subject's common name (UTF-8).
    public func issue(publicKey: Certificate.PublicKey, slot: PIVKeyReference, holder: String, guid: UUID,
                      notBefore: Date, notAfter: Date) throws -> Certificate {
        let kept: Set<ASN1ObjectIdentifier> = [.RDNAttributeType.countryName, .RDNAttributeType.organizationName]
        var names = certificate.subject.filter { name in name.contains { kept.contains($0.type) } }
        names.append(RelativeDistinguishedName(
            RelativeDistinguishedName.Attribute(type: .RDNAttributeType.commonName, utf8String: holder)))
        let subject = DistinguishedName(names)
        let issuerKeyIdentifier = try? certificate.extensions.subjectKeyIdentifier?.keyIdentifier
        let isCardAuthentication = slot == .cardAuthentication
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            if slot == .signature {
                Critical(KeyUsage(digitalSignature: true, nonRepudiation: true))
            } else if slot == .keyManagement {
                Critical(KeyUsage(keyAgreement: true))
            } else {
                Critical(KeyUsage(digitalSignature: true))
            }
            if isCardAuthentication {
                try ExtendedKeyUsage([ExtendedKeyUsage.Usage(oid: Self.pivCardAuthOID)])
            }
            SubjectAlternativeNames([.uniformResourceIdentifier("urn:uuid:" + guid.uuidString.lowercased())])
            SubjectKeyIdentifier(hash: publicKey)
            if let issuerKeyIdentifier {
                AuthorityKeyIdentifier(keyIdentifier: issuerKeyIdentifier)
            }
        }
        return try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: certificate.subject, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: try signingKey())
    }
}
