import AccessStore

import enum AccessPolicy.SiteCollection

/// Department `{id, name, parentId?}`.
struct DepartmentResource: AdminResource {
    static let collection = SiteCollection.departments
    static let path = "departments"

    var id: String
    var name: String
    var parentId: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case id, name, parentId }

    init(from decoder: any Decoder) throws {
        let fields = try AdminFields(decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        id = try fields.id("id") ?? ""
        name = try fields.requiredString("name")
        parentId = try fields.id("parentId")
    }

    init(entity: AdminEntity) throws {
        guard case .department(let record) = entity else { throw Self.wrongEntity(entity) }
        id = record.id
        name = record.name
        parentId = record.parentId
    }

    func entity(previous: AdminEntity?) throws -> AdminEntity {
        .department(DepartmentRecord(id: id, name: name, parentId: parentId))
    }
}
