import AccessPolicy
import Foundation
import Yams

/// Reads the fields of one YAML mapping, remembering the line of each field and collecting errors instead of
/// stopping at the first. Fields that are present but never read are reported as unknown by ``finish()``.
struct EntityReader {
    let file: String
    var what: String
    let line: Int
    private var fields: [(key: String, value: Node, line: Int)] = []
    private var read: Set<String> = []
    var fieldLines: [String: Int] = [:]
    /// Fields that could not be read (and were given defaults).
    var failedFields: Set<String> = []
    var diagnostics: [SiteFileDiagnostic] = []

    /// A reader for a mapping node; nil (with an error in `diagnostics`) when the node is not a mapping.
    init?(_ node: Node, file: String, what: String, diagnostics: inout [SiteFileDiagnostic]) {
        self.file = file
        self.what = what
        line = node.mark?.line ?? 0
        guard case .mapping(let mapping) = node else {
            diagnostics.append(SiteFileDiagnostic(file: file, line: node.mark?.line,
                message: "\(what): expected a mapping"))
            return nil
        }
        for (key, value) in mapping {
            let name = key.string ?? ""
            fields.append((name, value, key.mark?.line ?? line))
            fieldLines[name] = key.mark?.line ?? line
        }
    }

    mutating func error(_ key: String?, _ message: String) {
        if let key { failedFields.insert(String(key.prefix { $0 != "[" })) }
        let at = key.flatMap { fieldLines[$0] } ?? line
        diagnostics.append(SiteFileDiagnostic(file: file, line: at, message: "\(what): " + message))
    }

    /// The node of a field; nil when absent or null.
    mutating func node(_ key: String) -> Node? {
        read.insert(key)
        guard let found = fields.first(where: { $0.key == key })?.value else { return nil }
        if case .scalar(let scalar) = found, scalar.style == .plain,
            ["", "~", "null", "Null", "NULL"].contains(scalar.string)
        {
            return nil
        }
        return found
    }

    /// The raw text of a scalar field.
    mutating func string(_ key: String, required: Bool = false) -> String? {
        guard let found = node(key) else {
            if required { error(key, "missing \(key)") }
            return nil
        }
        guard case .scalar(let scalar) = found else {
            error(key, "\(key) must be a single value")
            return nil
        }
        return scalar.string
    }

    mutating func int(_ key: String, required: Bool = false) -> Int? {
        guard let text = string(key, required: required) else { return nil }
        guard let value = Int(text) else {
            error(key, "\(key) must be a whole number, not \"\(text)\"")
            return nil
        }
        return value
    }

    mutating func bool(_ key: String) -> Bool? {
        guard let text = string(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error(key, "\(key) must be true or false, not \"\(text)\"")
            return nil
        }
    }

    mutating func value<Value: RawRepresentable & CaseIterable>(_ key: String, _: Value.Type, required: Bool = false)
        -> Value? where Value.RawValue == String
    {
        guard let text = string(key, required: required) else { return nil }
        guard let value = Value(rawValue: text) else {
            let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
            error(key, "\(key) must be one of \(allowed), not \"\(text)\"")
            return nil
        }
        return value
    }

    mutating func time(_ key: String) -> TimeOfDay? {
        guard let text = string(key, required: true) else { return nil }
        guard let time = TimeOfDay(text) else {
            error(key, "\(key) must be a time \"HH:MM\" from 00:00 to 24:00, not \"\(text)\"")
            return nil
        }
        return time
    }

    mutating func date(_ key: String, timeZone: SiteTimeZone) -> Date? {
        guard let text = string(key) else { return nil }
        guard let date = SiteTime.parse(text, timeZone: timeZone) else {
            error(key, "\(key) must be a date YYYY-MM-DD, \"YYYY-MM-DD HH:MM\" or ISO 8601, not \"\(text)\"")
            return nil
        }
        return date
    }

    /// A list field: its elements with their lines (recorded as `key[i]`).
    mutating func list(_ key: String) -> [(node: Node, line: Int)] {
        guard let found = node(key) else { return [] }
        guard case .sequence(let sequence) = found else {
            error(key, "\(key) must be a list")
            return []
        }
        return sequence.enumerated().map { index, element in
            let elementLine = element.mark?.line ?? fieldLines[key] ?? line
            fieldLines["\(key)[\(index)]"] = elementLine
            return (element, elementLine)
        }
    }

    /// A list of scalars.
    mutating func strings(_ key: String) -> [String] {
        list(key).enumerated().compactMap { index, element in
            guard case .scalar(let scalar) = element.node else {
                error("\(key)[\(index)]", "\(key) must list single values")
                return nil
            }
            return scalar.string
        }
    }

    /// Reports duplicated and unknown fields.
    mutating func finish() {
        var seen: Set<String> = []
        for field in fields {
            if !seen.insert(field.key).inserted {
                diagnostics.append(SiteFileDiagnostic(file: file, line: field.line,
                    message: "\(what): \(field.key) given twice"))
            } else if !read.contains(field.key) {
                diagnostics.append(SiteFileDiagnostic(file: file, line: field.line,
                    message: "\(what): unknown field \"\(field.key)\""))
            }
        }
    }

    /// The location of the entity for mapping model problems back to lines.
    func location() -> EntityLocation {
        EntityLocation(file: file, line: line, fieldLines: fieldLines, failedFields: failedFields)
    }
}
