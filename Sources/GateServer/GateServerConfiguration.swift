import Foundation
import Logging

/// What the daemon needs to serve CardGate's HTTP API: where to listen, the store, the CA certificates, limits and
/// its own local doors.
///
/// Built by ``load(_:environment:)`` from the YAML file, the environment and the command-line flags (each
/// overriding the one before), or directly by tests.
public struct GateServerConfiguration: Sendable, Hashable {
    /// The address to listen on, e.g. `127.0.0.1`.
    public var host: String
    /// The TCP port; 0 picks a free one.
    public var port: Int
    /// The SQLite database file of the ``AccessStore``.
    public var databasePath: String
    /// PEM or DER files of the office CA certificates that card certificates must chain to.
    public var caCertificateFiles: [String]
    /// The journal's Ed25519 key file for signed checkpoints; none: the journal is written without checkpoints.
    public var journalKeyPath: String?
    /// Where the journal's checkpoints are copied outside the database (``JournalWitness``); nil: beside the database.
    public var journalWitnessPath: String?
    /// Site files (YAML or CSV) to load the policy model from while the store holds no model of its own.
    public var siteFiles: [String]
    /// How long an issued challenge may be presented, in seconds.
    public var challengeTimeToLive: TimeInterval
    /// The largest request body accepted, in bytes; larger bodies are answered with 413.
    public var maximumBodySize: Int
    /// Authentication failures one address may make per ``FailureLimiter`` window before its answers are slowed.
    public var allowedAuthenticationFailures: Int
    /// Seconds a connection may send nothing, between requests or in the middle of one (a body that stalls),
    /// before it is closed. Answers being written, such as an event stream, are not cut.
    public var idleTimeout: TimeInterval
    /// Seconds a request body may take to arrive in all (a body sent a byte at a time keeps a connection from
    /// being idle); a slower one is answered with 408.
    public var requestBodyTimeout: TimeInterval
    /// Doors whose readers are attached to this machine: the daemon runs their door agents in-process.
    public var localDoors: [LocalDoorConfiguration]
    /// The least severe log level written.
    public var logLevel: Logger.Level

    public init(
        host: String = "127.0.0.1", port: Int = 8443, databasePath: String = "/var/lib/cardgate/cardgate.db",
        caCertificateFiles: [String] = [], journalKeyPath: String? = nil, journalWitnessPath: String? = nil,
        siteFiles: [String] = [],
        challengeTimeToLive: TimeInterval = 10, maximumBodySize: Int = 64 * 1024,
        allowedAuthenticationFailures: Int = 5, idleTimeout: TimeInterval = 60, requestBodyTimeout: TimeInterval = 30,
        localDoors: [LocalDoorConfiguration] = [], logLevel: Logger.Level = .info
    ) {
        self.host = host
        self.port = port
        self.databasePath = databasePath
        self.caCertificateFiles = caCertificateFiles
        self.journalKeyPath = journalKeyPath
        self.journalWitnessPath = journalWitnessPath
        self.siteFiles = siteFiles
        self.challengeTimeToLive = challengeTimeToLive
        self.maximumBodySize = maximumBodySize
        self.allowedAuthenticationFailures = allowedAuthenticationFailures
        self.idleTimeout = idleTimeout
        self.requestBodyTimeout = requestBodyTimeout
        self.localDoors = localDoors
        self.logLevel = logLevel
    }

    /// Sets ``host`` and ``port`` from `HOST:PORT` (`[v6]:PORT` for IPv6); nil if it is not of that form.
    public static func parseListen(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return (host, port)
    }
}
