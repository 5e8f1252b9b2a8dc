import CardSimulator
import Crypto
import _CryptoExtras
import Foundation
@testable import PIV
import SmartCard
import SwiftASN1
import Testing
import X509

@Suite struct PKICAKTests {
    static let challenge = [UInt8]((0..<32).map { UInt8($0 * 7 & 0xFF) })

    @Test(arguments: [PIVAlgorithm.eccP256, .eccP384, .rsa2048])
    func cardSignatureVerifiesUnderItsCertificate(algorithm: PIVAlgorithm) async throws {
        let (_, client, _, issued) = try await Fixtures.issuedCard(algorithm: algorithm)
        let reading = try await client.readPKICAK(challenge: Self.challenge)
        #expect(reading.algorithm == algorithm)
        #expect(reading.chuid.guid == issued.guid)
        #expect(PKICAK.verify(signature: reading.signature, challenge: Self.challenge,
                              certificate: reading.certificate.certificate))
        // Not valid for another challenge.
        #expect(!PKICAK.verify(signature: reading.signature, challenge: Self.challenge.reversed(),
                               certificate: reading.certificate.certificate))
    }

    @Test func signatureIsAStandardSignatureOverTheChallenge() async throws {
        let (_, client, _, _) = try await Fixtures.issuedCard(algorithm: .eccP256)
        let reading = try await client.readPKICAK(challenge: Self.challenge)
        let key = try #require(P256.Signing.PublicKey(reading.certificate.certificate.publicKey))
        let signature = try P256.Signing.ECDSASignature(derRepresentation: reading.signature)
        #expect(key.isValidSignature(signature, for: Self.challenge))

        let (_, rsaClient, _, _) = try await Fixtures.issuedCard(algorithm: .rsa2048)
        let rsaReading = try await rsaClient.readPKICAK(challenge: Self.challenge)
        let rsaKey = try #require(_RSA.Signing.PublicKey(rsaReading.certificate.certificate.publicKey))
        #expect(rsaKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: rsaReading.signature),
                                        for: Self.challenge, padding: .insecurePKCS1v1_5))
    }

    @Test func clonedCardFailsVerification() async throws {
        let (original, client, _, _) = try await Fixtures.issuedCard()
        // The clone copies every readable object (CHUID, certificates) but has its own key, since keys never
        // leave a card.
        var image = PIVCardImage.blank()
        let clone = SimulatedPIVCard(image: image)
        let cloneClient = PIVClient(channel: DirectCardChannel(clone))
        _ = try await cloneClient.select()
        try await cloneClient.authenticate(managementKey: .defaultKey)
        _ = try await cloneClient.generateKey(in: .cardAuthentication, algorithm: .eccP256)
        _ = try await client.select()
        for tag in [PIVObjectTag.chuid, .cardAuthenticationCertificate, .signatureCertificate] {
            try await cloneClient.writeObject(tag, value: try await client.readObject(tag))
        }
        image = clone.image
        #expect(image.objectTags.contains(.chuid))
        let cache = PIVCertificateCache()
        let genuine = try await client.readPKICAK(challenge: Self.challenge, cache: cache)
        let cloned = try await cloneClient.readPKICAK(challenge: Self.challenge, cache: cache)
        #expect(cloned.chuid == genuine.chuid)
        #expect(cloned.certificate.der == genuine.certificate.der)
        #expect(cloned.certificateFromCache)
        #expect(PKICAK.verify(signature: genuine.signature, challenge: Self.challenge,
                              certificate: genuine.certificate.certificate))
        #expect(!PKICAK.verify(signature: cloned.signature, challenge: Self.challenge,
                               certificate: cloned.certificate.certificate))
        _ = original
    }

    @Test func cachedCertificateSavesTheCertificateRead() async throws {
        let (_, client, channel, _) = try await Fixtures.issuedCard()
        let cache = PIVCertificateCache()
        let first = try await client.readPKICAK(challenge: Self.challenge, cache: cache)
        let withRead = channel.counts
        channel.reset()
        let second = try await client.readPKICAK(challenge: Self.challenge, cache: cache)
        let cached = channel.counts
        #expect(!first.certificateFromCache)
        #expect(second.certificateFromCache)
        #expect(cache.count == 1)
        // SELECT, GET DATA CHUID, GENERAL AUTHENTICATE: three APDUs with the cache.
        #expect(cached.commands == 3)
        #expect(withRead.commands > cached.commands)
        #expect(withRead.bytesReceived > cached.bytesReceived + first.certificate.der.count)
    }

    @Test func wrongFormSignaturesAreRejected() throws {
        #expect(throws: PIVError.self) { try PKICAK.checkForm([0x30, 0x02, 0x01], algorithm: .eccP256) }
        #expect(throws: PIVError.self) { try PKICAK.checkForm([UInt8](repeating: 1, count: 255), algorithm: .rsa2048) }
        #expect(throws: PIVError.unsupportedAlgorithm(.aes128)) {
            try PKICAK.cardInput(challenge: [1], algorithm: .aes128)
        }
        let block = try PKICAK.cardInput(challenge: [1], algorithm: .rsa2048)
        #expect(block.count == 256)
        #expect(Array(block.prefix(3)) == [0x00, 0x01, 0xFF])
    }

    @Test func issuedCertificatesCarryGUIDAndHolder() async throws {
        let (_, client, _, issued) = try await Fixtures.issuedCard(holder: "Nguyễn Văn An")
        _ = try await client.select()
        let object = try await client.readCertificate(.cardAuthentication)
        let certificate = object.certificate
        #expect(certificate.subject.description.contains("Nguyễn Văn An"))
        let names = try #require(try certificate.extensions.subjectAlternativeNames)
        #expect(names.contains(.uniformResourceIdentifier("urn:uuid:" + issued.guid.uuidString.lowercased())))
        #expect(certificate.issuer == Fixtures.ca.certificate.subject)
        #expect(Fixtures.ca.certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
        #expect(issued.fingerprint(.cardAuthentication) == IssuedCard.fingerprint(of: object.der))
        #expect(issued.fingerprint(.signature) != nil)
        let eku = try #require(try certificate.extensions.extendedKeyUsage)
        #expect(eku.contains(ExtendedKeyUsage.Usage(oid: OfficeCA.pivCardAuthOID)))
        let chuid = try await client.readCHUID()
        #expect(chuid == issued.chuid)
        #expect(chuid.expirationDate > PIVDate(Date()))
    }

    @Test func officeCAWritesAndLoadsWithAPrivateKeyFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cardgate-ca-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ca = try OfficeCA.create()
        try ca.write(to: directory)
        let keyPath = directory.appendingPathComponent(OfficeCA.keyFileName).path
        let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let loaded = try OfficeCA.load(from: directory)
        #expect(loaded.certificate == ca.certificate)
        #expect(throws: OfficeCA.CAError.self) { try ca.write(to: directory) }
        let constraints = try #require(try ca.certificate.extensions.basicConstraints)
        #expect(constraints == .isCertificateAuthority(maxPathLength: 0))
    }

    @Test func wrongManagementKeyStopsIssuance() async throws {
        let (_, client, _) = Fixtures.blankCard()
        let wrong = try PIVManagementKey(hex: "000102030405060708090A0B0C0D0E0F1011121314151617")
        await #expect(throws: PIVError.self) {
            _ = try await CardIssuer(ca: Fixtures.ca).issue(
                CardIssuanceRequest(holder: "Trần Thị Bình", managementKey: wrong), on: client)
        }
    }
}
