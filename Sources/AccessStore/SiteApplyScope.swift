import AccessPolicy

/// Which parts of the stored model an apply replaces: the collections it covers, and whether it sets the
/// site's time zone.
///
/// A site file describes departments, zones, doors, schedules, holidays and access levels (``site``); a people
/// file describes people and their cards (``people``). Collections outside the scope keep what the store holds.
public struct SiteApplyScope: Sendable, Hashable {
    public var collections: Set<SiteCollection>
    public var timeZone: Bool

    public init(collections: Set<SiteCollection>, timeZone: Bool) {
        self.collections = collections
        self.timeZone = timeZone
    }

    /// What a site file holds, with the time zone.
    public static let site = SiteApplyScope(
        collections: [.departments, .zones, .doors, .schedules, .holidays, .accessLevels], timeZone: true)
    /// What a people file holds.
    public static let people = SiteApplyScope(collections: [.people, .credentials], timeZone: false)
    /// The whole model.
    public static let all = SiteApplyScope(collections: Set(SiteCollection.allCases), timeZone: true)

    /// Both scopes together.
    public func union(_ other: SiteApplyScope) -> SiteApplyScope {
        SiteApplyScope(collections: collections.union(other.collections), timeZone: timeZone || other.timeZone)
    }
}
