import AccessStore
import Foundation

import enum AccessPolicy.SiteCollection
import struct Credentials.CardCertificate
import enum Credentials.WireDecoding

/// Card `{id, personId, type: piv|uid, certificate? (PIV), uid? (UID), status: active|suspended|revoked|lost,
/// validFrom?, validUntil?}`. `certificate` is standard base64 of the DER Card Authentication certificate: the
/// server derives the card's fingerprint and PIV GUID from it, and refuses anything that is not a certificate.
struct CardResource: AdminResource {
    static let collection = SiteCollection.credentials
    static let path = "cards"
    static let filterChoices: [AdminCatalog.Filter: [String]] = [
        .status: CardStatus.allCases.map(\.rawValue), .type: CardType.allCases.map(\.rawValue),
    ]

    var id: String
    var personId: String
    var type: CardType
    var certificate: String?
    var uid: String?
    var status: CardStatus
    var validFrom: String?
    var validUntil: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, personId, type, certificate, uid, status, validFrom, validUntil
    }

    init(from decoder: any Decoder) throws {
        let fields = try AdminFields(decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        id = try fields.id("id") ?? ""
        personId = try fields.requiredId("personId")
        type = try fields.requiredChoice("type", CardType.self)
        certificate = try fields.string("certificate", maximumLength: 16_384, lineBreaks: true)
        uid = try fields.string("uid", maximumLength: 64)
        status = try fields.requiredChoice("status", CardStatus.self)
        validFrom = try fields.time("validFrom")
        validUntil = try fields.time("validUntil")
        switch type {
        case .piv:
            if uid != nil { throw AdminFields.invalid("a piv card has a certificate, not a uid") }
        case .uid:
            guard certificate == nil else { throw AdminFields.invalid("a uid card has a uid, not a certificate") }
            guard let uid else { throw AdminFields.invalid("uid is required for a uid card") }
            do {
                self.uid = try WireDecoding.uid(uid).hex
            } catch {
                throw AdminFields.invalid("uid: \(error)")
            }
        }
        if let from = AdminFields.milliseconds(validFrom), let until = AdminFields.milliseconds(validUntil),
            until <= from
        {
            throw AdminFields.invalid("validUntil must be after validFrom")
        }
    }

    init(entity: AdminEntity) throws {
        guard case .card(let record) = entity else { throw Self.wrongEntity(entity) }
        id = record.id
        personId = record.personId
        type = record.type
        certificate = record.certificate.map { $0.base64EncodedString() }
        uid = record.uid
        status = record.status
        validFrom = AdminFields.time(record.validFromMilliseconds)
        validUntil = AdminFields.time(record.validUntilMilliseconds)
    }

    /// A PIV card's fingerprint and GUID come from its certificate; a card enrolled by fingerprint alone (from a
    /// people file) keeps them while no certificate is given. The status reason is kept while the status is.
    func entity(previous: AdminEntity?) throws -> AdminEntity {
        var stored: CardRecord?
        if case .card(let record) = previous { stored = record }
        var record = CardRecord.uid(id: id, personId: personId, uid: "", status: status)
        record.type = type
        record.uid = nil
        record.validFromMilliseconds = AdminFields.milliseconds(validFrom)
        record.validUntilMilliseconds = AdminFields.milliseconds(validUntil)
        if stored?.status == status { record.statusReason = stored?.statusReason }
        switch type {
        case .uid:
            record.uid = uid
        case .piv:
            if let certificate {
                let der: [UInt8]
                let parsed: CardCertificate
                do {
                    der = try WireDecoding.certificate(certificate)
                } catch {
                    throw AdminFields.invalid("certificate: \(error)")
                }
                do {
                    parsed = try CardCertificate(der: der)
                } catch {
                    throw AdminFields.invalid("certificate: \(error)")
                }
                record.certificate = Data(der)
                record.fingerprint = parsed.fingerprint.lowercased()
                record.pivGuid = parsed.guid?.lowercased()
            } else if let stored, stored.type == .piv, stored.certificate == nil, let fingerprint = stored.fingerprint {
                record.fingerprint = fingerprint
                record.pivGuid = stored.pivGuid
            } else {
                throw AdminFields.invalid("certificate is required for a piv card")
            }
        }
        return .card(record)
    }
}
