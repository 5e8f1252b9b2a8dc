import AccessStore
import Foundation

import enum AccessPolicy.SiteCollection

/// Person `{id, displayName, departmentId?, kind: staff|visitor|contractor, status: active|inactive, responder?,
/// externalIds?}`; `externalIds` is an object of strings (identifiers in other systems).
struct PersonResource: AdminResource {
    static let collection = SiteCollection.people
    static let path = "people"
    static let filterChoices: [AdminCatalog.Filter: [String]] = [
        .status: PersonStatus.allCases.map(\.rawValue), .kind: PersonKind.allCases.map(\.rawValue),
    ]

    var id: String
    var displayName: String
    var departmentId: String?
    var kind: PersonKind
    var status: PersonStatus
    var responder: Bool
    var externalIds: [String: String]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, displayName, departmentId, kind, status, responder, externalIds
    }

    init(from decoder: any Decoder) throws {
        let fields = try AdminFields(decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        id = try fields.id("id") ?? ""
        displayName = try fields.requiredString("displayName")
        departmentId = try fields.id("departmentId")
        kind = try fields.requiredChoice("kind", PersonKind.self)
        status = try fields.requiredChoice("status", PersonStatus.self)
        responder = try fields.bool("responder") ?? false
        externalIds = try fields.nested("externalIds", [String: String].self, expected: "an object of strings")
        if let externalIds {
            guard externalIds.count <= 32 else { throw AdminFields.invalid("externalIds has more than 32 members") }
            for (key, value) in externalIds
            where !(1...64).contains(key.unicodeScalars.count) || !(1...200).contains(value.unicodeScalars.count) {
                throw AdminFields.invalid(
                    "externalIds: names must be 1 to 64 characters and values 1 to 200 characters")
            }
            if externalIds.isEmpty { self.externalIds = nil }
        }
    }

    init(entity: AdminEntity) throws {
        guard case .person(let record) = entity else { throw Self.wrongEntity(entity) }
        id = record.id
        displayName = record.displayName
        departmentId = record.departmentId
        kind = record.kind
        status = record.status
        responder = record.responder
        let stored = record.externalIds.flatMap { text in
            try? JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8))
        }
        let strings = stored?.compactMapValues { value -> String? in
            if case .string(let text) = value { text } else { nil }
        }
        externalIds = strings?.isEmpty == false ? strings : nil
    }

    /// The PIN hash is kept, and so are the stored external ids while the ones shown are unchanged (members that
    /// are not strings, written by other tools, are not shown and must not be lost).
    func entity(previous: AdminEntity?) throws -> AdminEntity {
        var pinHash: String?
        var external = try externalIds.map { ids in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(ids), as: UTF8.self)
        }
        if let previous, case .person(let stored) = previous {
            pinHash = stored.pinHash
            if try PersonResource(entity: previous).externalIds == externalIds { external = stored.externalIds }
        }
        return .person(PersonRecord(id: id, displayName: displayName, departmentId: departmentId, kind: kind,
            status: status, responder: responder, externalIds: external, pinHash: pinHash))
    }
}
