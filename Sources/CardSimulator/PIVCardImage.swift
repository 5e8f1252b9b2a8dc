import Foundation
import PIV
import SmartCard

/// Everything a simulated PIV card keeps across power cycles, as a JSON document: objects, keys, PIN and PUK
/// with their counters, and the management key. An image holds private keys: files are written owner-only.
public struct PIVCardImage: Codable, Hashable, Sendable {
    public var format = 1
    /// PIN and PUK as stored on the card: 8 bytes padded with `FF`.
    var pin: Data
    var puk: Data
    public var pinRetries: Int
    public var pinTriesLeft: Int
    public var pukRetries: Int
    public var pukTriesLeft: Int
    var managementAlgorithm: UInt8
    var managementKey: Data
    /// Data objects by tag in hex (`5FC102`, `7E`), content of `53` (for `7E`, the whole template).
    var objects: [String: Data]
    /// Private keys by slot in hex (`9E`).
    var keys: [String: SimulatedPIVKey]

    /// A card as it comes from the factory: PIN `123456`, PUK `12345678`, three tries each, the default
    /// AES-192 management key, a discovery object and no keys, certificates or CHUID.
    public static func blank() -> PIVCardImage {
        PIVCardImage(
            pin: Data((try? PIVClient.paddedPIN("123456")) ?? []),
            puk: Data((try? PIVClient.paddedPIN("12345678")) ?? []),
            pinRetries: 3, pinTriesLeft: 3, pukRetries: 3, pukTriesLeft: 3,
            managementAlgorithm: PIVManagementKey.defaultKey.algorithm.rawValue,
            managementKey: Data(PIVManagementKey.defaultKey.key),
            objects: [PIVObjectTag.discovery.description: Data(PIVDiscovery.standard.encoded)],
            keys: [:])
    }

    /// Reads an image from a JSON file.
    public static func load(from url: URL) throws -> PIVCardImage {
        try JSONDecoder().decode(PIVCardImage.self, from: Data(contentsOf: url))
    }

    /// Writes the image as JSON, readable and writable by the owner only.
    public func save(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        let path = url.path
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try data.write(to: url)
    }

    /// The management key the card holds.
    public var cardManagementKey: PIVManagementKey? {
        try? PIVManagementKey(algorithm: PIVAlgorithm(rawValue: managementAlgorithm), key: Array(managementKey))
    }

    /// Tags of the objects stored.
    public var objectTags: [PIVObjectTag] {
        objects.keys.compactMap { UInt32($0, radix: 16).map(PIVObjectTag.init(rawValue:)) }
            .sorted { $0.rawValue < $1.rawValue }
    }

    /// Slots that hold a key.
    public var keySlots: [PIVKeyReference] {
        keys.keys.compactMap { UInt8($0, radix: 16).map(PIVKeyReference.init(rawValue:)) }
            .sorted { $0.rawValue < $1.rawValue }
    }

    /// This card's objects with another card's keys: what a cloner can make of a card, since everything
    /// readable can be copied but keys never leave a card. For tests of clone detection.
    public func replacingKeys(from other: PIVCardImage) -> PIVCardImage {
        var copy = self
        copy.keys = other.keys
        return copy
    }
}
