import AccessStore

import enum AccessPolicy.SiteCollection

/// Zone `{id, name, parentId?, antiPassback: none|soft|hard, maxOccupancy?}`.
struct ZoneResource: AdminResource {
    static let collection = SiteCollection.zones
    static let path = "zones"

    var id: String
    var name: String
    var parentId: String?
    var antiPassback: AntiPassback
    var maxOccupancy: Int?

    enum CodingKeys: String, CodingKey, CaseIterable { case id, name, parentId, antiPassback, maxOccupancy }

    init(from decoder: any Decoder) throws {
        let fields = try AdminFields(decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        id = try fields.id("id") ?? ""
        name = try fields.requiredString("name")
        parentId = try fields.id("parentId")
        antiPassback = try fields.requiredChoice("antiPassback", AntiPassback.self)
        maxOccupancy = try fields.integer("maxOccupancy", in: 1...1_000_000)
    }

    init(entity: AdminEntity) throws {
        guard case .zone(let record) = entity else { throw Self.wrongEntity(entity) }
        id = record.id
        name = record.name
        parentId = record.parentId
        antiPassback = record.antiPassback
        maxOccupancy = record.maxOccupancy
    }

    /// The anti-passback reset time (set in site files) is kept.
    func entity(previous: AdminEntity?) throws -> AdminEntity {
        var reset: Int?
        if case .zone(let stored) = previous { reset = stored.antiPassbackResetSeconds }
        return .zone(ZoneRecord(id: id, name: name, parentId: parentId, antiPassback: antiPassback,
            maxOccupancy: maxOccupancy, antiPassbackResetSeconds: reset))
    }
}
