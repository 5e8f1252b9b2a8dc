import AccessStore

import enum AccessPolicy.SiteCollection

/// Door `{id, name, fromZoneId?, toZoneId, mode: normal|free_access|locked|card_and_pin,
/// minAssurance: uid|pki_cak|pki_auth_pin, unlockSeconds, twoPersonSeconds?, escortSeconds?, meetingRoom?,
/// attendancePoint?}`.
struct DoorResource: AdminResource {
    static let collection = SiteCollection.doors
    static let path = "doors"

    var id: String
    var name: String
    var fromZoneId: String?
    var toZoneId: String
    var mode: DoorMode
    var minAssurance: Assurance
    var unlockSeconds: Int
    var twoPersonSeconds: Int?
    var escortSeconds: Int?
    var meetingRoom: Bool
    var attendancePoint: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, fromZoneId, toZoneId, mode, minAssurance, unlockSeconds, twoPersonSeconds, escortSeconds
        case meetingRoom, attendancePoint
    }

    init(from decoder: any Decoder) throws {
        let fields = try AdminFields(decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        id = try fields.id("id") ?? ""
        name = try fields.requiredString("name")
        fromZoneId = try fields.id("fromZoneId")
        toZoneId = try fields.requiredId("toZoneId")
        mode = try fields.requiredChoice("mode", DoorMode.self)
        minAssurance = try fields.requiredChoice("minAssurance", Assurance.self)
        unlockSeconds = try fields.requiredInteger("unlockSeconds", in: 1...3600)
        twoPersonSeconds = try fields.integer("twoPersonSeconds", in: 1...3600)
        escortSeconds = try fields.integer("escortSeconds", in: 1...3600)
        meetingRoom = try fields.bool("meetingRoom") ?? false
        attendancePoint = try fields.bool("attendancePoint") ?? false
    }

    init(entity: AdminEntity) throws {
        guard case .door(let record) = entity else { throw Self.wrongEntity(entity) }
        id = record.id
        name = record.name
        fromZoneId = record.fromZoneId
        toZoneId = record.toZoneId
        mode = record.mode
        minAssurance = record.minAssurance
        unlockSeconds = record.unlockSeconds
        twoPersonSeconds = record.twoPersonSeconds
        escortSeconds = record.escortSeconds
        meetingRoom = record.meetingRoom
        attendancePoint = record.attendancePoint
    }

    func entity(previous: AdminEntity?) throws -> AdminEntity {
        .door(DoorRecord(id: id, name: name, fromZoneId: fromZoneId, toZoneId: toZoneId, mode: mode,
            minAssurance: minAssurance, unlockSeconds: unlockSeconds, twoPersonSeconds: twoPersonSeconds,
            escortSeconds: escortSeconds, meetingRoom: meetingRoom, attendancePoint: attendancePoint))
    }
}
