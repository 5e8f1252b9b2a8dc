import Crypto
import Foundation
import SwiftASN1
import X509

/// What to put on a card when it is issued.
public struct CardIssuanceRequest: Sendable {
    /// The holder's name, as it goes into the certificates (UTF-8, for example "Nguyễn Văn An").
    public var holder: String
    public var managementKey: PIVManagementKey
    /// The algorithm of the Card Authentication key (9E), the door key.
    public var cardAuthenticationAlgorithm: PIVAlgorithm
    /// Whether to generate a Digital Signature key (9C) for document signing, and its algorithm.
    public var signatureKeyAlgorithm: PIVAlgorithm?
    /// Card and certificate lifetime.
    public var validity: Duration
    /// FASC-N agency and system codes (4 digits each).
    public var agencyCode: String
    public var systemCode: String
    /// A new PIN to set, and the PIN the card has now (the factory PIN by default).
    public var newPIN: String?
    public var currentPIN: String

    public init(holder: String, managementKey: PIVManagementKey = .defaultKey,
                cardAuthenticationAlgorithm: PIVAlgorithm = .eccP256, signatureKeyAlgorithm: PIVAlgorithm? = .eccP256,
                validity: Duration = .seconds(3 * 365 * 86_400), agencyCode: String = "9999",
                systemCode: String = "0001", newPIN: String? = nil, currentPIN: String = "123456") {
        self.holder = holder
        self.managementKey = managementKey
        self.cardAuthenticationAlgorithm = cardAuthenticationAlgorithm
        self.signatureKeyAlgorithm = signatureKeyAlgorithm
        self.validity = validity
        self.agencyCode = agencyCode
        self.systemCode = systemCode
        self.newPIN = newPIN
        self.currentPIN = currentPIN
    }
}

/// A card as issued: its identity and certificates.
public struct IssuedCard: Sendable {
    public var chuid: CHUID
    /// Certificates written, by slot.
    public var certificates: [PIVKeyReference: PIVCertificateObject]

    public var guid: UUID { chuid.guid }

    /// SHA-256 of a slot's certificate DER, lower-case hex.
    public func fingerprint(_ slot: PIVKeyReference) -> String? {
        certificates[slot].map { Self.fingerprint(of: $0.der) }
    }

    public static func fingerprint(of der: [UInt8]) -> String {
        SHA256.hash(data: der).map { String(format: "%02x", $0) }.joined()
    }
}

/// Turns a blank PIV card into a staff card: management-key authentication, on-card key generation,
/// certificates signed by the office CA, PUT DATA of the certificates and a fresh CHUID.
public struct CardIssuer: Sendable {
    public let ca: OfficeCA

    public init(ca: OfficeCA) {
        self.ca = ca
    }

    /// Issues the card behind `client`.
    /// - Throws: `PIVError` for card refusals (wrong management key: `.managementKeyMismatch` or
    ///   `.card(.securityStatusNotSatisfied, …)`), certificate errors from swift-certificates.
    public func issue(_ request: CardIssuanceRequest, on client: PIVClient, now: Date = Date()) async throws
        -> IssuedCard
    {
        guard !request.holder.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw PIVError.invalidArgument("the holder's name is empty")
        }
        _ = try await client.select()
        try await client.authenticate(managementKey: request.managementKey)
        let guid = UUID()
        let notAfter = now.addingTimeInterval(TimeInterval(request.validity.components.seconds))
        var slots = [(PIVKeyReference.cardAuthentication, request.cardAuthenticationAlgorithm)]
        if let algorithm = request.signatureKeyAlgorithm { slots.append((.signature, algorithm)) }
        var certificates: [PIVKeyReference: PIVCertificateObject] = [:]
        for (slot, algorithm) in slots {
            let publicKey = try await client.generateKey(in: slot, algorithm: algorithm)
            let certificate = try ca.issue(publicKey: publicKey.certificateKey, slot: slot, holder: request.holder,
                                           guid: guid, notBefore: now.addingTimeInterval(-300), notAfter: notAfter)
            let object = try PIVCertificateObject(certificate: certificate)
            guard let tag = slot.certificateObject else { continue }
            try await client.writeObject(tag, value: object.objectValue)
            certificates[slot] = object
        }
        let digits = Array(guid.bytes.map { String($0 % 10) }.joined())
        let fascn = try FASCN(agencyCode: request.agencyCode, systemCode: request.systemCode,
                              credentialNumber: String(digits[0..<6]), personIdentifier: String(digits[6..<16]),
                              organizationalIdentifier: request.agencyCode)
        let chuid = CHUID(fascn: fascn, guid: guid, expirationDate: PIVDate(notAfter))
        try await client.writeObject(.chuid, value: chuid.objectValue)
        if let newPIN = request.newPIN {
            try await client.changeReferenceData(.pin, old: request.currentPIN, new: newPIN)
        }
        return IssuedCard(chuid: chuid, certificates: certificates)
    }
}
