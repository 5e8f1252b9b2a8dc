import AccessStore
import Configuration
import Foundation
import Logging

/// Loading the daemon's configuration with swift-configuration: the YAML file, then environment variables, then
/// command-line flags, each overriding the one before.
///
/// | file key | environment | flag | meaning |
/// |---|---|---|---|
/// | `listen` | `CARDGATE_LISTEN` | `--listen HOST:PORT` | address and port (default `127.0.0.1:8443`) |
/// | `db` | `CARDGATE_DB` | `--db FILE` | the SQLite database (default `/var/lib/cardgate/cardgate.db`) |
/// | `caCertificates` | `CARDGATE_CA_CERTIFICATES` (comma-separated) | `--ca-cert FILE` (repeatable) | office CAs |
/// | `journalKey` | `CARDGATE_JOURNAL_KEY` | | checkpoint key (default: `<db>.journal-key` if present) |
/// | `journalWitness` | `CARDGATE_JOURNAL_WITNESS` | | checkpoint copies (default: `<db>.witness`) |
/// | `siteFiles` | `CARDGATE_SITE_FILES` (comma-separated) | `--site FILE` (repeatable) | policy from files |
/// | `challengeTimeToLiveSeconds` | `CARDGATE_CHALLENGE_TIME_TO_LIVE_SECONDS` | | 0 < s ≤ 300 (default 10) |
/// | `maximumBodyBytes` | `CARDGATE_MAXIMUM_BODY_BYTES` | | ≥ 1024 (default 65536) |
/// | `allowedAuthenticationFailures` | `CARDGATE_ALLOWED_AUTHENTICATION_FAILURES` | | per address (default 5) |
/// | `idleTimeoutSeconds` | `CARDGATE_IDLE_TIMEOUT_SECONDS` | | silent connection closed after, 0 < s ≤ 3600 (default 60) |
/// | `requestBodyTimeoutSeconds` | `CARDGATE_REQUEST_BODY_TIMEOUT_SECONDS` | | whole body within, 0 < s ≤ 3600 (default 30) |
/// | `logLevel` | `CARDGATE_LOG_LEVEL` | | trace, debug, info, notice, warning, error, critical |
/// | `doors.N.id`, `.reader`, `.lock`, … | `CARDGATE_DOORS_N_READER`, … | | local doors |
///
/// The file is `--config FILE` or `CARDGATE_CONFIG`. A value of the wrong type, an unknown key in the file, a bad
/// address or an incomplete door is a ``ConfigurationError`` naming the key, never a silent default.
extension GateServerConfiguration {
    /// The most local doors read (pcscd serves at most 16 readers).
    static let maximumLocalDoors = 64

    /// Keys whose values are file paths, resolved against the configuration file's directory.
    static let pathKeys: Set<String> = ["db", "caCertificates", "journalKey", "journalWitness", "siteFiles"]

    /// The configuration from `commandLine`'s file and flags and from `environment`.
    public static func load(
        _ commandLine: DaemonCommandLine, environment: [String: String]
    ) throws(ConfigurationError) -> GateServerConfiguration {
        var providers: [any ConfigProvider] = []
        providers.append(InMemoryProvider(name: "command line", values: commandLine.flags))
        providers.append(EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: "cardgate"))
        var file: YAMLConfigProvider?
        if let path = commandLine.configFile ?? environment["CARDGATE_CONFIG"] {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ConfigurationError("cannot read the configuration file \(path): \(error.localizedDescription)")
            }
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            let provider = try YAMLConfigProvider(yaml: text, name: path, directory: directory,
                pathKeys: pathKeys)
            providers.append(provider)
            file = provider
        }
        let collector = ConfigProblemCollector()
        var configuration = try GateServerConfiguration(ConfigReader(providers: providers, accessReporter: collector))
        let problems = collector.problems
        if !problems.isEmpty { throw ConfigurationError(problems.joined(separator: "\n")) }
        if let file {
            let unknown = file.keys.subtracting(collector.keysRead).sorted()
            if !unknown.isEmpty {
                throw ConfigurationError("\(file.providerName): unknown key\(unknown.count == 1 ? "" : "s") "
                    + unknown.map { "'\($0)'" }.joined(separator: ", "))
            }
        }
        configuration.siteFiles = configuration.siteFiles.filter { !$0.isEmpty }
        configuration.caCertificateFiles = configuration.caCertificateFiles.filter { !$0.isEmpty }
        return configuration
    }

    /// Reads every setting from `config`, starting from the defaults, and checks each.
    init(_ config: ConfigReader) throws(ConfigurationError) {
        self.init()
        if let listen = config.string(forKey: "listen") {
            guard let (host, port) = Self.parseListen(listen) else {
                throw ConfigurationError("listen must be HOST:PORT, not '\(listen)'")
            }
            self.host = host
            self.port = port
        }
        if let db = config.string(forKey: "db") {
            guard !db.isEmpty else { throw ConfigurationError("db must name the database file") }
            databasePath = db
        }
        caCertificateFiles = config.stringArray(forKey: "caCertificates") ?? []
        journalKeyPath = config.string(forKey: "journalKey").flatMap { $0.isEmpty ? nil : $0 }
        journalWitnessPath = config.string(forKey: "journalWitness").flatMap { $0.isEmpty ? nil : $0 }
        siteFiles = config.stringArray(forKey: "siteFiles") ?? []
        if let ttl = config.double(forKey: "challengeTimeToLiveSeconds") {
            guard ttl > 0, ttl <= 300 else {
                throw ConfigurationError("challengeTimeToLiveSeconds must be more than 0 and at most 300")
            }
            challengeTimeToLive = ttl
        }
        if let bytes = config.int(forKey: "maximumBodyBytes") {
            guard bytes >= 1024 else { throw ConfigurationError("maximumBodyBytes must be at least 1024") }
            maximumBodySize = bytes
        }
        if let failures = config.int(forKey: "allowedAuthenticationFailures") {
            guard failures >= 0 else { throw ConfigurationError("allowedAuthenticationFailures must be 0 or more") }
            allowedAuthenticationFailures = failures
        }
        if let seconds = config.double(forKey: "idleTimeoutSeconds") {
            guard seconds > 0, seconds <= 3600 else {
                throw ConfigurationError("idleTimeoutSeconds must be more than 0 and at most 3600")
            }
            idleTimeout = seconds
        }
        if let seconds = config.double(forKey: "requestBodyTimeoutSeconds") {
            guard seconds > 0, seconds <= 3600 else {
                throw ConfigurationError("requestBodyTimeoutSeconds must be more than 0 and at most 3600")
            }
            requestBodyTimeout = seconds
        }
        if let level = config.string(forKey: "logLevel") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError("logLevel must be one of \(names), not '\(level)'")
            }
            logLevel = parsed
        }
        localDoors = try Self.localDoors(config)
    }

    /// `doors.0`, `doors.1`, … until an index has neither `id` nor `reader`.
    static func localDoors(_ config: ConfigReader) throws(ConfigurationError) -> [LocalDoorConfiguration] {
        var doors: [LocalDoorConfiguration] = []
        for index in 0..<maximumLocalDoors {
            let entry = config.scoped(to: ConfigKey(["doors", String(index)]))
            let id = entry.string(forKey: "id")
            let reader = entry.string(forKey: "reader")
            if id == nil, reader == nil { break }
            let name = "doors[\(index)]"
            guard let id, GateRoutes.isValidId(id) else {
                throw ConfigurationError("\(name).id must be a door id (A-Z, a-z, 0-9, '.', '_', '~', '-')")
            }
            guard let reader, !reader.isEmpty else { throw ConfigurationError("\(name) (\(id)) needs a reader") }
            let lock: LocalDoorConfiguration.Lock
            let unlock = entry.stringArray(forKey: "unlockCommand")
            let deny = entry.stringArray(forKey: "denyCommand")
            switch entry.string(forKey: "lock") ?? "log" {
            case "log":
                guard unlock == nil, deny == nil else {
                    throw ConfigurationError("\(name) (\(id)): unlockCommand and denyCommand need lock: command")
                }
                lock = .log
            case "command":
                guard let unlock, let program = unlock.first, program.hasPrefix("/") else {
                    throw ConfigurationError("\(name) (\(id)): lock: command needs unlockCommand, an absolute "
                        + "program path and its arguments")
                }
                if let deny, deny.first?.hasPrefix("/") != true {
                    throw ConfigurationError("\(name) (\(id)): denyCommand must start with an absolute program path")
                }
                lock = .command(unlock: unlock, deny: deny)
            case let other:
                throw ConfigurationError("\(name) (\(id)): lock must be log or command, not '\(other)'")
            }
            let seconds = entry.int(forKey: "unlockSeconds") ?? 5
            guard (1...300).contains(seconds) else {
                throw ConfigurationError("\(name) (\(id)): unlockSeconds must be 1 to 300")
            }
            doors.append(LocalDoorConfiguration(doorId: id, reader: reader, lock: lock,
                defaultUnlockSeconds: seconds))
        }
        for (label, values) in [("door id", doors.map(\.doorId)), ("reader", doors.map(\.reader))] {
            if let repeated = Dictionary(grouping: values, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
                throw ConfigurationError("local doors: the \(label) '\(repeated)' appears more than once")
            }
        }
        return doors
    }
}

extension GateServerConfiguration {
    /// The witness file in force: ``journalWitnessPath``, or the default beside the database.
    public var witnessPath: String {
        journalWitnessPath ?? JournalWitness.defaultPath(forDatabase: databasePath)
    }

    /// The settings in force, one per line (`cardgated --check-config`, and the log at start).
    public var summary: String {
        var lines = [
            "listen \(host.contains(":") ? "[\(host)]" : host):\(port)",
            "db \(databasePath)",
            "caCertificates " + (caCertificateFiles.isEmpty
                ? "(none: PIV cards are refused)" : caCertificateFiles.joined(separator: ", ")),
            "journalKey \(journalKeyPath ?? "(beside the database, if present)")",
            "journalWitness \(witnessPath)",
            "siteFiles " + (siteFiles.isEmpty
                ? "(none: the policy is the database's)" : siteFiles.joined(separator: ", ")),
            "challengeTimeToLiveSeconds \(challengeTimeToLive)",
            "maximumBodyBytes \(maximumBodySize)",
            "allowedAuthenticationFailures \(allowedAuthenticationFailures)",
            "idleTimeoutSeconds \(idleTimeout)",
            "requestBodyTimeoutSeconds \(requestBodyTimeout)",
            "logLevel \(logLevel.rawValue)",
        ]
        for door in localDoors {
            let lock = switch door.lock {
            case .log: "log"
            case .command(let unlock, _): "command \(unlock.joined(separator: " "))"
            }
            lines.append("door \(door.doorId) reader \"\(door.reader)\" lock \(lock)")
        }
        return lines.joined(separator: "\n")
    }
}
