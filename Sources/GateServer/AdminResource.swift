import AccessStore
import Foundation

import enum AccessPolicy.SiteCollection

/// An administration resource of the API (Person, Card, Door, …): its JSON shape as DESIGN.md gives it, decoded
/// strictly and encoded without absent fields, and the store entity it is kept as.
///
/// A body carries every field the shape does not mark optional, except `id` when creating (the server then
/// chooses one); the same shape comes back.
protocol AdminResource: Codable, Sendable {
    /// The model collection.
    static var collection: SiteCollection { get }
    /// The path segment under `/v1`, e.g. `access-levels`.
    static var path: String { get }
    /// The list filters that take one of a fixed set of values, with those values; other filters take ids.
    static var filterChoices: [AdminCatalog.Filter: [String]] { get }

    /// The id; empty when a created resource's body gave none (the server then chooses one).
    var id: String { get set }

    /// The resource of a stored entity of this collection.
    init(entity: AdminEntity) throws

    /// The entity to store. `previous` is the stored entity when updating: columns the API does not show (a
    /// person's PIN hash, a card's status reason, a zone's anti-passback reset) are kept from it.
    func entity(previous: AdminEntity?) throws -> AdminEntity
}

extension AdminResource {
    static var filterChoices: [AdminCatalog.Filter: [String]] { [:] }

    /// A new id for a created resource: the collection's noun and 12 random hex digits, e.g. `person-3f09a1c2b7d4`.
    static func generateId() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = (generator.next() as UInt64) & 0xFFFF_FFFF_FFFF
        let hex = String(value, radix: 16)
        let noun = AdminEntity.noun(of: collection, spaced: true).replacingOccurrences(of: " ", with: "-")
        return noun + "-" + String(repeating: "0", count: 12 - hex.count) + hex
    }

    /// The problem for an entity of another collection (a programming error, never input).
    static func wrongEntity(_ entity: AdminEntity) -> APIProblem {
        APIProblem(.internalServerError, code: "internal",
            detail: "a \(entity.collection.rawValue) entity is not a \(collection.rawValue) resource")
    }

    /// The JSON object of this resource.
    var jsonValue: JSONValue {
        get throws { try JSONValue.of(self) }
    }
}
