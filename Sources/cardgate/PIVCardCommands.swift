import ArgumentParser
import Foundation
import PIV
import SmartCard
import SwiftASN1
import X509

/// `cardgate card issue`: turns a blank PIV card into a staff card.
struct CardIssueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Issue a staff card: on-card keys for 9E (and 9C), office CA certificates, a new CHUID.")

    @Option(help: "The reader's name, as `cardgate readers` lists it.")
    var reader: String

    @Option(help: "The office CA directory (from `cardgate ca init`).")
    var ca: String

    @Option(help: "The holder's name (UTF-8).")
    var holder: String

    @Option(help: "The card's management key in hex (AES-128/192/256); the factory default if omitted.")
    var managementKey: String?

    @Option(help: "A new PIN (6 to 8 digits) to set instead of the factory PIN 123456.")
    var pin: String?

    @Option(help: "Algorithm of the door key 9E: p256, p384 or rsa2048.")
    var algorithm = "p256"

    @Option(help: "Card and certificate lifetime in days.")
    var days = 1095

    func validate() throws {
        guard PIVAlgorithm(option: algorithm) != nil else {
            throw ValidationError("--algorithm: p256, p384 or rsa2048")
        }
        if let pin, !(6...8).contains(pin.count) || !pin.allSatisfy(\.isASCIIDigit) {
            throw ValidationError("--pin must be 6 to 8 digits")
        }
        guard (1...3650).contains(days) else { throw ValidationError("--days must be 1 to 3650") }
        if let managementKey { _ = try PIVManagementKey(hex: managementKey) }
    }

    func run() async throws {
        let authority = try OfficeCA.load(from: URL(fileURLWithPath: ca))
        let key = try managementKey.map { try PIVManagementKey(hex: $0) } ?? .defaultKey
        let request = CardIssuanceRequest(
            holder: holder, managementKey: key,
            cardAuthenticationAlgorithm: PIVAlgorithm(option: algorithm) ?? .eccP256,
            validity: .seconds(days * 86_400), newPIN: pin)
        let channel = try await PCSCCardReader().connect(reader: reader)
        let issued = try await channel.withTransaction {
            try await CardIssuer(ca: authority).issue(request, on: PIVClient(channel: channel))
        }
        try? await channel.disconnect(disposition: .leave)
        print("issued card for \(holder)")
        print("GUID         \(issued.guid.uuidString.lowercased())")
        print("FASC-N       \(issued.chuid.fascn)")
        print("expires      \(issued.chuid.expirationDate)")
        for slot in [PIVKeyReference.cardAuthentication, .signature] {
            if let fingerprint = issued.fingerprint(slot) {
                print("\(slot.name) (\([slot.rawValue].hexString())) sha256 \(fingerprint)")
            }
        }
    }
}

/// `cardgate card read`: prints what a PIV card holds.
struct CardReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read", abstract: "Print the PIV application, CHUID and certificates of the card in a reader.")

    @Option(help: "The reader's name, as `cardgate readers` lists it.")
    var reader: String

    func run() async throws {
        let channel = try await PCSCCardReader().connect(reader: reader)
        defer { Task { try? await channel.disconnect(disposition: .leave) } }
        let client = PIVClient(channel: channel)
        print("ATR          \(channel.atr.hexString(separator: " "))")
        let properties = try await client.select()
        print("application  \(properties.label ?? "PIV") (\(properties.applicationIdentifier.hexString()))")
        print("algorithms   \(properties.algorithms.map(\.name).joined(separator: ", "))")
        do {
            let chuid = try await client.readCHUID()
            print("CHUID")
            print("  GUID       \(chuid.guid.uuidString.lowercased())")
            print("  FASC-N     \(chuid.fascn)")
            print("  expires    \(chuid.expirationDate)")
            print("  signature  \(chuid.isSigned ? "present (\(chuid.issuerSignature.count) bytes)" : "absent")")
        } catch PIVError.card(.notFound, _) {
            print("CHUID        absent")
        }
        for slot in PIVKeyReference.certificateSlots {
            let label = "\(slot.name) (\([slot.rawValue].hexString()))"
            do {
                let object = try await client.readCertificate(slot)
                let certificate = object.certificate
                print("\(label) certificate\(object.wasCompressed ? " (stored compressed)" : "")")
                print("  subject    \(certificate.subject)")
                print("  issuer     \(certificate.issuer)")
                print("  valid      \(certificate.notValidBefore) to \(certificate.notValidAfter)")
                if let names = try? certificate.extensions.subjectAlternativeNames {
                    print("  alt names  \(names.map { "\($0)" }.joined(separator: ", "))")
                }
                print("  sha256     \(IssuedCard.fingerprint(of: object.der))")
            } catch PIVError.card(.notFound, _) {
                print("\(label) certificate absent")
            }
        }
        print("PIN          \((try? await client.pinStatus())?.description ?? "unknown")")
    }
}

/// `cardgate card authenticate`: PKI-CAK against the card in a reader.
struct CardAuthenticateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authenticate",
        abstract: "Run PKI-CAK (the door check) against the card in a reader and report valid/invalid and timing.")

    @Option(help: "The reader's name, as `cardgate readers` lists it.")
    var reader: String

    @Option(help: "An office CA directory: also check that the certificate was issued by this CA.")
    var ca: String?

    @Option(help: "Repeat this many times and report medians (for measurements).")
    var count = 1

    @Flag(help: "Keep the card's certificate in a cache keyed by GUID, as a door does.")
    var cache = false

    func validate() throws {
        guard (1...100_000).contains(count) else { throw ValidationError("--count must be 1 to 100000") }
    }

    func run() async throws {
        let authority = try ca.map { try OfficeCA.load(from: URL(fileURLWithPath: $0)) }
        let base = try await PCSCCardReader().connect(reader: reader)
        let channel = CountingCardChannel(base)
        let client = PIVClient(channel: channel)
        let certificates = cache ? PIVCertificateCache() : nil
        let clock = ContinuousClock()
        var totals: [Duration] = []
        var cardSide: [Duration] = []
        var lastCounts = CountingCardChannel.Counts()
        var valid = true
        var lastReading: PKICAKReading?
        for _ in 0..<count {
            channel.reset()
            var generator = SystemRandomNumberGenerator()
            let challenge = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let start = clock.now
            let reading = try await client.readPKICAK(challenge: challenge, cache: certificates)
            var ok = PKICAK.verify(signature: reading.signature, challenge: challenge,
                                   certificate: reading.certificate.certificate)
            if let authority {
                ok = ok && authority.certificate.publicKey.isValidSignature(reading.certificate.certificate.signature,
                                                                            for: reading.certificate.certificate)
            }
            totals.append(clock.now - start)
            lastCounts = channel.counts
            cardSide.append(lastCounts.transmitDuration)
            valid = valid && ok
            lastReading = reading
        }
        try? await base.disconnect(disposition: .leave)
        if let reading = lastReading {
            print("card GUID    \(reading.chuid.guid.uuidString.lowercased())")
            print("holder       \(reading.certificate.certificate.subject)")
            let source = reading.certificateFromCache ? "from cache" : "read from card"
            print("algorithm    \(reading.algorithm.name), certificate \(source)")
        }
        print("result       \(valid ? "VALID" : "INVALID")\(authority == nil ? "" : " (signature and CA)")")
        print("exchange     \(lastCounts)")
        let total = Self.median(totals)
        let card = Self.median(cardSide)
        let clientSide = Self.median(zip(totals, cardSide).map { $0 - $1 })
        let prefix = count > 1 ? "median of \(count): " : ""
        print("time         \(prefix)\(Self.milliseconds(total)) total, \(Self.milliseconds(card)) in the reader "
              + "(pcscd + card), \(Self.milliseconds(clientSide)) client side")
        if !valid { throw ExitCode(2) }
    }

    static func median(_ values: [Duration]) -> Duration {
        let sorted = values.sorted()
        return sorted.isEmpty ? .zero : sorted[sorted.count / 2]
    }

    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let value = Double(seconds) * 1_000 + Double(attoseconds) / 1e15
        return String(format: "%.3f ms", value)
    }
}

extension PIVAlgorithm {
    /// Parses the command-line names `p256`, `p384`, `rsa2048`.
    init?(option: String) {
        switch option.lowercased() {
        case "p256", "p-256", "ecc-p256": self = .eccP256
        case "p384", "p-384", "ecc-p384": self = .eccP384
        case "rsa2048", "rsa-2048", "rsa": self = .rsa2048
        default: return nil
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension Certificate {
    /// The certificate's DER.
    func derBytes() throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(self)
        return serializer.serializedBytes
    }
}
