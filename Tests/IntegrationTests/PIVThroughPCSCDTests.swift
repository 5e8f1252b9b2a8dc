import CardSimulator
import Crypto
import Foundation
import PIV
import SmartCard
import Testing
import X509

extension PCSCD {
    /// PIV end to end through the real PC/SC stack: a simulated PIV card served by the vpcd bridge to pcscd's
    /// virtual reader "CardGate Virtual Door 00 01" (vpcd port 35966), then CardGate's client and third-party PIV
    /// software (yubico-piv-tool, OpenSC) talking to it through pcscd.
    ///
    /// These tests need pcscd running with CardGate's virtual readers (`make pcscd`); without it they fail.
    @Suite("PIV through pcscd (pcscd required)", .serialized)
    struct PIVThroughPCSCDTests {
        static let readerName = "CardGate Virtual Door 00 01"
        static let port: UInt16 = 35966

        /// Serves `card` in the reader for the duration of `body`, waiting for pcscd to see it come and go.
        static func withCardInReader<Result: Sendable>(
            _ card: any SimulatedCard, _ body: (any CardChannel) async throws -> Result
        ) async throws -> Result {
            let reader = PCSCCardReader()
            try await PCSCTestSupport.waitForCard(present: false, in: readerName)
            let bridge = VPCDBridge(card: card, port: port)
            try bridge.insert()
            defer { bridge.remove() }
            try await PCSCTestSupport.waitForCard(present: true, in: readerName)
            let channel = try await reader.connect(reader: readerName)
            do {
                let result = try await body(channel)
                try? await channel.disconnect(disposition: .leave)
                return result
            } catch {
                try? await channel.disconnect(disposition: .leave)
                throw error
            }
        }

        /// Inserts `card` and leaves it in the reader (the caller removes it), once pcscd has seen it.
        static func serve(_ card: any SimulatedCard) async throws -> VPCDBridge {
            try await PCSCTestSupport.waitForCard(present: false, in: readerName)
            let bridge = VPCDBridge(card: card, port: port)
            try bridge.insert()
            try await PCSCTestSupport.waitForCard(present: true, in: readerName)
            return bridge
        }

        /// Runs a tool and returns its standard output; a non-zero exit is a failure.
        static func run(_ tool: String, _ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = arguments
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw PIVTestFailure("\(tool) exited \(process.terminationStatus): \(errorText)")
            }
            return String(decoding: data, as: UTF8.self)
        }

        static let ca: OfficeCA = {
            do { return try OfficeCA.create(name: "CardGate Integration CA") } catch { preconditionFailure("\(error)") }
        }()

        /// Issues `card` through pcscd.
        static func issue(_ card: SimulatedPIVCard, algorithm: PIVAlgorithm) async throws -> IssuedCard {
            try await withCardInReader(card) { channel in
                try await CardIssuer(ca: ca).issue(
                    CardIssuanceRequest(holder: "Nguyễn Văn An", cardAuthenticationAlgorithm: algorithm),
                    on: PIVClient(channel: channel))
            }
        }

        @Test("issuance and PKI-CAK through pcscd", arguments: [PIVAlgorithm.eccP256, .rsa2048])
        func issuanceAndPKICAKThroughPCSCD(algorithm: PIVAlgorithm) async throws {
            let card = SimulatedPIVCard()
            let issued = try await Self.issue(card, algorithm: algorithm)
            #expect(card.image.keySlots == [.signature, .cardAuthentication])
            let challenge = (0..<32).map { _ in UInt8.random(in: 0...255) }
            let reading = try await Self.withCardInReader(card) { channel in
                try await PIVClient(channel: channel).readPKICAK(challenge: challenge)
            }
            #expect(reading.chuid.guid == issued.guid)
            #expect(reading.algorithm == algorithm)
            #expect(IssuedCard.fingerprint(of: reading.certificate.der) == issued.fingerprint(.cardAuthentication))
            #expect(PKICAK.verify(signature: reading.signature, challenge: challenge,
                                  certificate: reading.certificate.certificate))
            #expect(Self.ca.certificate.publicKey.isValidSignature(reading.certificate.certificate.signature,
                                                                  for: reading.certificate.certificate))
        }

        @Test("a cloned card fails PKI-CAK through pcscd")
        func clonedCardFailsThroughPCSCD() async throws {
            let genuine = SimulatedPIVCard()
            let issued = try await Self.issue(genuine, algorithm: .eccP256)
            // Same objects (CHUID, certificates), but a key of its own: keys never leave a card.
            let other = SimulatedPIVCard()
            _ = try await Self.issue(other, algorithm: .eccP256)
            let clone = SimulatedPIVCard(image: genuine.image.replacingKeys(from: other.image))
            let challenge = (0..<32).map { _ in UInt8.random(in: 0...255) }
            let reading = try await Self.withCardInReader(clone) { channel in
                try await PIVClient(channel: channel).readPKICAK(challenge: challenge)
            }
            #expect(reading.chuid.guid == issued.guid)
            #expect(!PKICAK.verify(signature: reading.signature, challenge: challenge,
                                   certificate: reading.certificate.certificate))
        }

        @Test("yubico-piv-tool reads the simulated card through pcscd")
        func yubicoPIVToolStatus() async throws {
            let card = SimulatedPIVCard()
            let issued = try await Self.issue(card, algorithm: .eccP256)
            let bridge = try await Self.serve(card)
            defer { bridge.remove() }
            let status = try Self.run("/usr/bin/yubico-piv-tool", ["-r", Self.readerName, "-a", "status"])
            let guidHex = issued.guid.bytes.hexString().lowercased()
            #expect(status.contains("CHUID:"))
            #expect(status.lowercased().contains(guidHex))
            #expect(status.contains("Slot 9e:"))
            #expect(status.contains(issued.fingerprint(.cardAuthentication) ?? "missing"))
            #expect(status.contains("PIN tries left:\t3"))
        }

        @Test("OpenSC reads the certificates and signs with 9E without a PIN through pcscd")
        func openSCReadsAndSigns() async throws {
            let card = SimulatedPIVCard()
            let issued = try await Self.issue(card, algorithm: .eccP256)
            let bridge = try await Self.serve(card)
            defer { bridge.remove() }
            let atr = try Self.run("/usr/bin/opensc-tool", ["-r", Self.readerName, "-a"])
            #expect(atr.uppercased().contains(SimulatedPIVCard.defaultATR.hexString(separator: ":")))
            let listed = try Self.run("/usr/bin/pkcs15-tool", ["--reader", Self.readerName, "--list-certificates"])
            #expect(listed.contains("Certificate for Card Authentication"))
            let pem = try Self.run("/usr/bin/pkcs15-tool", ["--reader", Self.readerName, "--read-certificate", "04"])
            #expect(pem.contains("BEGIN CERTIFICATE"))
            #expect(try Certificate(pemEncoded: pem) == issued.certificates[.cardAuthentication]?.certificate)

            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cardgate-opensc-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let challenge = (0..<32).map { _ in UInt8.random(in: 0...255) }
            let digestURL = directory.appendingPathComponent("digest")
            let signatureURL = directory.appendingPathComponent("signature")
            try Data(SHA256.hash(data: challenge)).write(to: digestURL)
            _ = try Self.run("/usr/bin/pkcs15-crypt", [
                "--reader", Self.readerName, "--sign", "--key", "04", "--sha-256", "--signature-format", "openssl",
                "--input", digestURL.path, "--output", signatureURL.path,
            ])
            let signature = try [UInt8](Data(contentsOf: signatureURL))
            let certificate = try #require(issued.certificates[.cardAuthentication]?.certificate)
            #expect(PKICAK.verify(signature: signature, challenge: challenge, certificate: certificate))
            #expect(card.image.pinTriesLeft == 3)

            let objects = try Self.run("/usr/bin/pkcs11-tool", [
                "--module", "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so", "--list-token-slots",
            ])
            #expect(objects.contains(Self.readerName))
        }
    }
}

struct PIVTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
