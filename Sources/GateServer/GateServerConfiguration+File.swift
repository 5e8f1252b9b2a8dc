import Foundation
import Yams

/// The daemon's YAML configuration file.
///
/// ```yaml
/// listen: 127.0.0.1:8443
/// database: /var/lib/cardgate/cardgate.db
/// caCertificates: [/etc/cardgate/office-ca.pem]
/// journalKey: /etc/cardgate/journal.key
/// siteFiles: [/etc/cardgate/site.yaml]
/// challengeTimeToLiveSeconds: 10
/// maximumBodyBytes: 65536
/// allowedAuthenticationFailures: 5
/// ```
extension GateServerConfiguration {
    struct File: Decodable {
        var listen: String?
        var database: String?
        var caCertificates: [String]?
        var journalKey: String?
        var siteFiles: [String]?
        var challengeTimeToLiveSeconds: Double?
        var maximumBodyBytes: Int?
        var allowedAuthenticationFailures: Int?
    }

    /// The configuration in the YAML `text`; relative paths are taken from `directory`.
    public init(yaml text: String, directory: String = FileManager.default.currentDirectoryPath) throws {
        let file = try YAMLDecoder().decode(File.self, from: text)
        self.init()
        func path(_ value: String) -> String {
            value.hasPrefix("/") ? value : URL(fileURLWithPath: directory).appendingPathComponent(value).path
        }
        if let listen = file.listen {
            guard let (host, port) = Self.parseListen(listen) else {
                throw ConfigurationError("listen must be HOST:PORT, not '\(listen)'")
            }
            self.host = host
            self.port = port
        }
        if let database = file.database { databasePath = path(database) }
        caCertificateFiles = (file.caCertificates ?? []).map(path)
        journalKeyPath = file.journalKey.map(path)
        siteFiles = (file.siteFiles ?? []).map(path)
        if let ttl = file.challengeTimeToLiveSeconds {
            guard ttl > 0, ttl <= 300 else { throw ConfigurationError("challengeTimeToLiveSeconds must be in 0…300") }
            challengeTimeToLive = ttl
        }
        if let bytes = file.maximumBodyBytes {
            guard bytes >= 1024 else { throw ConfigurationError("maximumBodyBytes must be at least 1024") }
            maximumBodySize = bytes
        }
        if let failures = file.allowedAuthenticationFailures { allowedAuthenticationFailures = max(0, failures) }
    }
}

/// A configuration file or flag that cannot be used.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) { self.description = description }
}
