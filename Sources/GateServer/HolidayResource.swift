import AccessStore

import struct AccessPolicy.LocalDate
import enum AccessPolicy.SiteCollection

/// Holiday `{id, name, kind: solar|lunar|once, month?, day?, date?, days?}`: `month` and `day` for solar and lunar
/// holidays, `date` (`YYYY-MM-DD`) for a one-off one; `days` (1 to 31, default 1) consecutive days.
struct HolidayResource: AdminResource {
    static let collection = SiteCollection.holidays
    static let path = "holidays"
    static let filterChoices: [AdminCatalog.Filter: [String]] = [
        .kind: HolidayKind.allCases.map(\.rawValue)
    ]

    var id: String
    var name: String
    var kind: HolidayKind
    var month: Int?
    var day: Int?
    var date: String?
    var days: Int

    enum CodingKeys: String, CodingKey, CaseIterable { case id, name, kind, month, day, date, days }

    init(from decoder: any Decoder) throws {
        let fields = try AdminFields(decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        id = try fields.id("id") ?? ""
        name = try fields.requiredString("name")
        let kind = try fields.requiredChoice("kind", HolidayKind.self)
        self.kind = kind
        month = try fields.integer("month", in: 1...12)
        day = try fields.integer("day", in: 1...31)
        date = try fields.string("date", maximumLength: 10)
        days = try fields.integer("days", in: 1...31) ?? 1
        switch kind {
        case .solar, .lunar:
            guard month != nil, day != nil, date == nil else {
                throw AdminFields.invalid("a \(kind.rawValue) holiday has month and day, and no date")
            }
            if kind == .lunar, let day, day > 30 { throw AdminFields.invalid("a lunar day is 1 to 30") }
        case .once:
            guard month == nil, day == nil, let date else {
                throw AdminFields.invalid("a once holiday has a date, and no month or day")
            }
            guard LocalDate(date) != nil else { throw AdminFields.invalid("date must be a date YYYY-MM-DD") }
        }
    }

    init(entity: AdminEntity) throws {
        guard case .holiday(let record) = entity else { throw Self.wrongEntity(entity) }
        id = record.id
        name = record.name
        kind = record.kind
        month = record.month
        day = record.day
        date = record.date
        days = record.days
    }

    func entity(previous: AdminEntity?) throws -> AdminEntity {
        .holiday(HolidayRecord(id: id, name: name, kind: kind, month: month, day: day, date: date, days: days))
    }
}
