/// A public holiday or a day off, on which schedules apply their ``HolidayRule``.
///
/// Maps to the API's Holiday `{id, name, kind: solar|lunar|once, month?, day?, date?, days?}`: a fixed solar date
/// every year (1/1, 30/4, 1/5, 2/9), a date of the Vietnamese lunar calendar every year (Tết 1/1, the Hùng Kings'
/// day 10/3), or one date (a substitute day off). `days` consecutive solar days starting on that date are holidays.
public struct Holiday: Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var date: HolidayDate
    public var days: Int

    public init(id: String, name: String, date: HolidayDate, days: Int = 1) {
        self.id = id
        self.name = name
        self.date = date
        self.days = days
    }

    /// `solar`, `lunar` or `once`.
    public var kind: HolidayKind { date.kind }
}

/// When a holiday falls.
public enum HolidayDate: Sendable, Hashable {
    /// The same Gregorian month and day every year; 29 February only in leap years.
    case solar(month: Int, day: Int)
    /// The same day of a (non-leap) month of the Vietnamese lunar calendar every lunar year; day 30 only in years
    /// whose month has 30 days.
    case lunar(month: Int, day: Int)
    /// One date.
    case once(LocalDate)

    public var kind: HolidayKind {
        switch self {
        case .solar: .solar
        case .lunar: .lunar
        case .once: .once
        }
    }

    /// Whether the month and day can exist (31 April cannot; 29 February can).
    public var isPossible: Bool {
        switch self {
        case .solar(let month, let day):
            (1...12).contains(month) && day >= 1 && day <= LocalDate.daysIn(month: month, year: 2000)
        case .lunar(let month, let day): (1...12).contains(month) && (1...30).contains(day)
        case .once: true
        }
    }
}

/// The three kinds of holiday date.
public enum HolidayKind: String, Sendable, Hashable, CaseIterable, Codable {
    case solar
    case lunar
    case once
}
