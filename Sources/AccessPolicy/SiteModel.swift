/// Everything the policy engine needs to know about a site: the source of a ``PolicySnapshot``.
///
/// The store, the HTTP API and the site file all map to and from this model. Ids are strings everywhere; the
/// snapshot compiles them to integer indexes. ``validate()`` lists every problem at once.
public struct SiteModel: Sendable, Hashable {
    public var timeZone: SiteTimeZone
    public var departments: [Department]
    public var people: [Person]
    public var credentials: [Credential]
    public var zones: [Zone]
    public var doors: [Door]
    public var schedules: [Schedule]
    public var holidays: [Holiday]
    public var accessLevels: [AccessLevel]

    public init(
        timeZone: SiteTimeZone = .vietnam, departments: [Department] = [], people: [Person] = [],
        credentials: [Credential] = [], zones: [Zone] = [], doors: [Door] = [], schedules: [Schedule] = [],
        holidays: [Holiday] = [], accessLevels: [AccessLevel] = []
    ) {
        self.timeZone = timeZone
        self.departments = departments
        self.people = people
        self.credentials = credentials
        self.zones = zones
        self.doors = doors
        self.schedules = schedules
        self.holidays = holidays
        self.accessLevels = accessLevels
    }
}
