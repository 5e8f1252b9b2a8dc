import AccessStore

import enum AccessPolicy.SiteCollection

/// AccessLevel `{id, name, doorIds, scheduleId, personIds?, departmentIds?, validFrom?, validUntil?}`.
///
/// Holders assigned with their own validity window (in a site file) keep it while they stay assigned.
struct AccessLevelResource: AdminResource {
    static let collection = SiteCollection.accessLevels
    static let path = "access-levels"

    var id: String
    var name: String
    var doorIds: [String]
    var scheduleId: String
    var personIds: [String]
    var departmentIds: [String]
    var validFrom: String?
    var validUntil: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, doorIds, scheduleId, personIds, departmentIds, validFrom, validUntil
    }

    init(from decoder: any Decoder) throws {
        let fields = try AdminFields(decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        id = try fields.id("id") ?? ""
        name = try fields.requiredString("name")
        guard let doorIds = try fields.ids("doorIds") else { throw AdminFields.invalid("doorIds is required") }
        self.doorIds = doorIds
        scheduleId = try fields.requiredId("scheduleId")
        personIds = try fields.ids("personIds") ?? []
        departmentIds = try fields.ids("departmentIds") ?? []
        validFrom = try fields.time("validFrom")
        validUntil = try fields.time("validUntil")
        if let from = AdminFields.milliseconds(validFrom), let until = AdminFields.milliseconds(validUntil),
            until <= from
        {
            throw AdminFields.invalid("validUntil must be after validFrom")
        }
    }

    init(entity: AdminEntity) throws {
        guard case .accessLevel(let record, let doors, let holders) = entity else { throw Self.wrongEntity(entity) }
        id = record.id
        name = record.name
        doorIds = doors
        scheduleId = record.scheduleId
        personIds = holders.compactMap { if case .person(let id) = $0.holder { id } else { nil } }
        departmentIds = holders.compactMap { if case .department(let id) = $0.holder { id } else { nil } }
        validFrom = AdminFields.time(record.validFromMilliseconds)
        validUntil = AdminFields.time(record.validUntilMilliseconds)
    }

    func entity(previous: AdminEntity?) throws -> AdminEntity {
        var windows: [AccessLevelAssignmentRecord.Holder: AccessLevelAssignmentRecord] = [:]
        if case .accessLevel(_, _, let holders) = previous {
            for holder in holders { windows[holder.holder] = holder }
        }
        let holders = personIds.map(AccessLevelAssignmentRecord.Holder.person)
            + departmentIds.map(AccessLevelAssignmentRecord.Holder.department)
        let assignments = holders.map { holder in
            AccessLevelAssignmentRecord(accessLevelId: id, holder: holder,
                validFromMilliseconds: windows[holder]?.validFromMilliseconds,
                validUntilMilliseconds: windows[holder]?.validUntilMilliseconds)
        }
        let record = AccessLevelRecord(id: id, name: name, scheduleId: scheduleId,
            validFromMilliseconds: AdminFields.milliseconds(validFrom),
            validUntilMilliseconds: AdminFields.milliseconds(validUntil))
        return .accessLevel(record, doorIds: doorIds, holders: assignments)
    }
}
