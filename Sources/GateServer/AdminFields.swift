import AccessPolicy
import Foundation

/// Reads the fields of an administration resource's JSON object strictly: only the allowed fields, each of the
/// right type and range, with a problem naming the field for anything else.
///
/// `null` counts as absent, so that a resource's optional fields can be cleared by a merge patch.
struct AdminFields {
    private let container: KeyedDecodingContainer<AnyCodingKey>

    init(_ decoder: any Decoder, allowed: Set<String>) throws {
        try decoder.rejectUnknownFields(allowed: allowed)
        container = try decoder.container(keyedBy: AnyCodingKey.self)
    }

    static func invalid(_ detail: String) -> APIProblem {
        APIProblem.badRequest(detail, code: "invalid-body")
    }

    private func key(_ name: String) -> AnyCodingKey { AnyCodingKey(stringValue: name) }

    /// Foundation's decoder throws its own error, not a `DecodingError`, for a number the type cannot hold (5.5 for
    /// an integer), so any error decoding the field is the field's.
    private func value<T: Decodable>(_ type: T.Type, _ name: String, _ expected: String) throws -> T? {
        do {
            return try container.decodeIfPresent(type, forKey: key(name))
        } catch {
            throw Self.invalid("\(name) must be \(expected)")
        }
    }

    /// A string of 1 to `maximumLength` characters (counted as Unicode scalars, as the store counts them), without
    /// control characters unless `lineBreaks` (then CR and LF may appear, as in a PEM certificate).
    func string(_ name: String, maximumLength: Int = 200, lineBreaks: Bool = false) throws -> String? {
        guard let text = try value(String.self, name, "a string") else { return nil }
        guard (1...maximumLength).contains(text.unicodeScalars.count) else {
            throw Self.invalid("\(name) must be 1 to \(maximumLength) characters")
        }
        guard !text.containsControlCharacters(allowingLineBreaks: lineBreaks) else {
            throw Self.invalid("\(name) must not contain control characters")
        }
        return text
    }

    /// A required string.
    func requiredString(_ name: String, maximumLength: Int = 200) throws -> String {
        guard let text = try string(name, maximumLength: maximumLength) else {
            throw Self.invalid("\(name) is required")
        }
        return text
    }

    /// What an id is, for problems.
    static let idRule = "an id: 1 to 128 characters of A-Z, a-z, 0-9, '.', '_', '~', '-'"

    /// An id: 1 to 128 of `A-Z a-z 0-9 . _ ~ -`.
    func id(_ name: String) throws -> String? {
        guard let text = try value(String.self, name, "a string") else { return nil }
        guard GateRoutes.isValidId(text) else { throw Self.invalid("\(name) must be \(Self.idRule)") }
        return text
    }

    /// A required id.
    func requiredId(_ name: String) throws -> String {
        guard let id = try id(name) else { throw Self.invalid("\(name) is required") }
        return id
    }

    /// A list of ids, each at most once.
    func ids(_ name: String) throws -> [String]? {
        guard let list = try value([String].self, name, "an array of ids") else { return nil }
        for (index, id) in list.enumerated() where !GateRoutes.isValidId(id) {
            throw Self.invalid("\(name)[\(index)] must be \(Self.idRule)")
        }
        if Set(list).count != list.count { throw Self.invalid("\(name) lists an id more than once") }
        return list
    }

    /// One of the values of `type`, named in the error when it is anything else.
    func choice<Value: RawRepresentable & CaseIterable>(_ name: String, _ type: Value.Type) throws -> Value?
    where Value.RawValue == String {
        let names = Value.allCases.map(\.rawValue)
        guard let text = try value(String.self, name, "one of " + names.joined(separator: ", ")) else { return nil }
        guard let parsed = Value(rawValue: text) else {
            throw Self.invalid("\(name) must be one of \(names.joined(separator: ", ")), not \"\(text.prefix(40))\"")
        }
        return parsed
    }

    /// A required choice.
    func requiredChoice<Value: RawRepresentable & CaseIterable>(_ name: String, _ type: Value.Type) throws -> Value
    where Value.RawValue == String {
        guard let value = try choice(name, type) else {
            throw Self.invalid("\(name) is required: one of " + Value.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return value
    }

    /// An integer within `range`.
    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let number = try value(Int.self, name, "an integer") else { return nil }
        guard range.contains(number) else {
            throw Self.invalid("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// A required integer within `range`.
    func requiredInteger(_ name: String, in range: ClosedRange<Int>) throws -> Int {
        guard let number = try integer(name, in: range) else { throw Self.invalid("\(name) is required") }
        return number
    }

    func bool(_ name: String) throws -> Bool? {
        try value(Bool.self, name, "a boolean")
    }

    /// An ISO 8601 date-time, returned in the API's form (UTC with milliseconds).
    func time(_ name: String) throws -> String? {
        guard let text = try value(String.self, name, "a string") else { return nil }
        guard let date = EventRepresentation.parseTime(text) else {
            throw Self.invalid("\(name) must be an ISO 8601 date-time such as 2025-01-01T00:00:00+07:00")
        }
        return EventRepresentation.timeFormat.format(date)
    }

    /// A nested value decoded by its own `Decodable` conformance.
    func nested<T: Decodable>(_ name: String, _ type: T.Type, expected: String) throws -> T? {
        do {
            return try container.decodeIfPresent(type, forKey: key(name))
        } catch let problem as APIProblem {
            throw problem
        } catch {
            throw Self.invalid("\(name) must be \(expected)")
        }
    }

    /// Milliseconds since the Unix epoch of a time in the API's form.
    static func milliseconds(_ time: String?) -> Int64? {
        guard let time, let date = EventRepresentation.parseTime(time) else { return nil }
        // nil (not a trap) for a time beyond what milliseconds in an Int64 can hold.
        return Int64(exactly: (date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The API's form of a time in milliseconds since the Unix epoch.
    static func time(_ milliseconds: Int64?) -> String? {
        milliseconds.map { EventRepresentation.timeFormat.format(Date(timeIntervalSince1970: Double($0) / 1000)) }
    }
}
