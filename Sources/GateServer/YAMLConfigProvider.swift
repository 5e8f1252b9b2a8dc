import Configuration
import Foundation
import Yams

/// The daemon's YAML configuration file as a swift-configuration provider.
///
/// swift-configuration's own `YAMLSnapshot` (trait `YAML`) refuses a file holding any list of mappings, and the
/// daemon's `doors` are exactly that, so CardGate reads the file itself: mappings nest keys (`journal.key`),
/// lists of scalars are arrays, and a list of mappings is numbered (`doors.0.id`, `doors.0.reader`, ...), which
/// environment variables can override like any key (`CARDGATE_DOORS_0_READER`). Scalars are kept as text and
/// converted when read, so a value of the wrong type is an error the reader reports, never a silent default.
/// Relative paths under ``pathKeys`` are resolved against the file's directory.
public struct YAMLConfigProvider: ConfigProvider, ConfigSnapshot, Sendable {
    enum Value: Sendable, Hashable {
        case scalar(String)
        case list([String])
    }

    public let providerName: String
    let values: [String: Value]

    /// The keys the file sets, dot-separated (`doors.0.reader`).
    public var keys: Set<String> { Set(values.keys) }

    /// Parses `text`.
    /// - Parameters:
    ///   - name: the file's path, for messages.
    ///   - directory: where relative paths are taken from.
    ///   - pathKeys: keys (list elements included) whose values are file paths; `doors.*.x` matches every door.
    public init(yaml text: String, name: String, directory: String, pathKeys: Set<String> = [])
        throws(ConfigurationError)
    {
        providerName = "file \(name)"
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError("\(name) is not valid YAML: \(error)")
        }
        guard let root else {
            values = [:]
            return
        }
        guard let mapping = root.mapping else { throw ConfigurationError("\(name) must hold a YAML mapping") }
        var values: [String: Value] = [:]
        try Self.flatten(mapping, prefix: [], into: &values, name: name)
        for (key, value) in values where Self.matches(key, pathKeys) {
            values[key] = switch value {
            case .scalar(let path): .scalar(Self.resolve(path, in: directory))
            case .list(let paths): .list(paths.map { Self.resolve($0, in: directory) })
            }
        }
        self.values = values
    }

    private static func flatten(
        _ mapping: Node.Mapping, prefix: [String], into values: inout [String: Value], name: String
    ) throws(ConfigurationError) {
        for (keyNode, node) in mapping {
            guard let key = keyNode.scalar?.string, !key.isEmpty, !key.contains(".") else {
                throw ConfigurationError("\(name): a key under '\(prefix.joined(separator: "."))' is not a name")
            }
            let path = prefix + [key]
            let dotted = path.joined(separator: ".")
            if let scalar = node.scalar {
                values[dotted] = .scalar(scalar.string)
            } else if let nested = node.mapping {
                try flatten(nested, prefix: path, into: &values, name: name)
            } else if let sequence = node.sequence {
                // An empty list sets nothing: the file is the lowest layer, below it are only the defaults.
                if sequence.allSatisfy({ $0.scalar != nil }) {
                    if !sequence.isEmpty { values[dotted] = .list(sequence.compactMap { $0.scalar?.string }) }
                } else if sequence.allSatisfy({ $0.mapping != nil }) {
                    for (index, element) in sequence.enumerated() {
                        guard let nested = element.mapping else { continue }
                        try flatten(nested, prefix: path + [String(index)], into: &values, name: name)
                    }
                } else {
                    throw ConfigurationError("\(name): '\(dotted)' must be a list of values or a list of mappings")
                }
            } else {
                throw ConfigurationError("\(name): '\(dotted)' is neither a value, a list nor a mapping")
            }
        }
    }

    /// Whether `key` is one of `patterns`, where a `*` component matches any list index.
    static func matches(_ key: String, _ patterns: Set<String>) -> Bool {
        let components = key.split(separator: ".")
        return patterns.contains { pattern in
            let parts = pattern.split(separator: ".")
            return parts.count == components.count
                && zip(parts, components).allSatisfy { $0 == "*" ? Int($1) != nil : $0 == $1 }
        }
    }

    static func resolve(_ path: String, in directory: String) -> String {
        path.hasPrefix("/") || path.isEmpty ? path : URL(fileURLWithPath: directory).appendingPathComponent(path).path
    }

    // MARK: ConfigSnapshot

    public func value(forKey key: AbsoluteConfigKey, type: ConfigType) throws -> LookupResult {
        let encoded = key.components.joined(separator: ".")
        guard let value = values[encoded] else { return LookupResult(encodedKey: encoded, value: nil) }
        guard let content = Self.content(value, as: type) else {
            throw ConfigurationError("\(providerName): '\(encoded)' is not a valid \(type.rawValue)")
        }
        return LookupResult(encodedKey: encoded, value: ConfigValue(content, isSecret: false))
    }

    static func content(_ value: Value, as type: ConfigType) -> ConfigContent? {
        let items: [String]
        let single: String?
        switch value {
        case .scalar(let text):
            items = [text]
            single = text
        case .list(let list):
            items = list
            single = nil
        }
        switch type {
        case .string: return single.map { .string($0) }
        case .int: return single.flatMap { Int($0) }.map { .int($0) }
        case .double: return single.flatMap { Double($0) }.map { .double($0) }
        case .bool: return single.flatMap(Self.bool).map { .bool($0) }
        case .stringArray: return .stringArray(items)
        case .intArray:
            let ints = items.compactMap { Int($0) }
            return ints.count == items.count ? .intArray(ints) : nil
        case .doubleArray:
            let doubles = items.compactMap { Double($0) }
            return doubles.count == items.count ? .doubleArray(doubles) : nil
        case .boolArray:
            let bools = items.compactMap(Self.bool)
            return bools.count == items.count ? .boolArray(bools) : nil
        case .bytes, .byteChunkArray: return nil
        }
    }

    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on": true
        case "false", "no", "off": false
        default: nil
        }
    }

    // MARK: ConfigProvider

    public func fetchValue(forKey key: AbsoluteConfigKey, type: ConfigType) async throws -> LookupResult {
        try value(forKey: key, type: type)
    }

    nonisolated(nonsending) public func watchValue<Return: ~Copyable>(
        forKey key: AbsoluteConfigKey, type: ConfigType,
        updatesHandler: nonisolated(nonsending) (ConfigUpdatesAsyncSequence<Result<LookupResult, any Error>, Never>)
            async throws -> Return
    ) async throws -> Return {
        try await watchValueFromValue(forKey: key, type: type, updatesHandler: updatesHandler)
    }

    public func snapshot() -> any ConfigSnapshot { self }

    nonisolated(nonsending) public func watchSnapshot<Return: ~Copyable>(
        updatesHandler: nonisolated(nonsending) (ConfigUpdatesAsyncSequence<any ConfigSnapshot, Never>) async throws
            -> Return
    ) async throws -> Return {
        try await watchSnapshotFromSnapshot(updatesHandler: updatesHandler)
    }
}
