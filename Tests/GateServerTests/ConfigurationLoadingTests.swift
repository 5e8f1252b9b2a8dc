import Foundation
import GateServer
import Testing

/// `cardgated`'s configuration: the YAML file, environment variables over it, flags over both; bad values stop it.
@Suite("Daemon configuration")
struct ConfigurationLoadingTests {
    /// Writes `yaml` to a fresh directory and returns the file's path.
    static func file(_ yaml: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("cardgate-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("cardgated.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func load(
        _ yaml: String?, environment: [String: String] = [:], arguments: [String] = []
    ) throws -> GateServerConfiguration {
        var commandLine = try DaemonCommandLine.parse(arguments)
        if let yaml { commandLine.configFile = try file(yaml) }
        return try GateServerConfiguration.load(commandLine, environment: environment)
    }

    static let example = """
        listen: 0.0.0.0:9000
        db: data/cardgate.db
        caCertificates: [ca/office-ca.pem, /etc/ssl/other-ca.pem]
        challengeTimeToLiveSeconds: 7.5
        maximumBodyBytes: 4096
        idleTimeoutSeconds: 20
        requestBodyTimeoutSeconds: 5
        logLevel: debug
        doors:
          - { id: server-room-door, reader: "Reader A 00 00", lock: command, unlockCommand: [/bin/true, "1"] }
          - { id: archive-door, reader: "Reader B 00 00", unlockSeconds: 8 }
        """

    @Test("the file is read, relative paths are taken from its directory, and local doors are listed")
    func file() throws {
        let path = try Self.file(Self.example)
        var commandLine = DaemonCommandLine()
        commandLine.configFile = path
        let configuration = try GateServerConfiguration.load(commandLine, environment: [:])
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 9000)
        #expect(configuration.databasePath == directory + "/data/cardgate.db")
        #expect(configuration.caCertificateFiles == [directory + "/ca/office-ca.pem", "/etc/ssl/other-ca.pem"])
        #expect(configuration.challengeTimeToLive == 7.5)
        #expect(configuration.maximumBodySize == 4096)
        #expect(configuration.idleTimeout == 20)
        #expect(configuration.requestBodyTimeout == 5)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.localDoors == [
            LocalDoorConfiguration(doorId: "server-room-door", reader: "Reader A 00 00",
                lock: .command(unlock: ["/bin/true", "1"], deny: nil)),
            LocalDoorConfiguration(doorId: "archive-door", reader: "Reader B 00 00", lock: .log,
                defaultUnlockSeconds: 8),
        ])
    }

    @Test("without a file the defaults hold")
    func defaults() throws {
        let configuration = try Self.load(nil)
        #expect(configuration == GateServerConfiguration())
    }

    @Test(
        "environment variables override the file, and flags override both",
        arguments: [
            ([:], [], "0.0.0.0", 9000, "data/cardgate.db"),
            (["CARDGATE_LISTEN": "127.0.0.2:9100", "CARDGATE_DB": "/srv/env.db"], [], "127.0.0.2", 9100,
                "/srv/env.db"),
            (["CARDGATE_LISTEN": "127.0.0.2:9100", "CARDGATE_DB": "/srv/env.db"],
                ["--listen", "[::1]:9200", "--db", "/srv/flag.db"], "::1", 9200, "/srv/flag.db"),
            ([:], ["--db", "/srv/flag.db"], "0.0.0.0", 9000, "/srv/flag.db"),
        ] as [([String: String], [String], String, Int, String)])
    func layering(environment: [String: String], arguments: [String], host: String, port: Int, db: String) throws {
        let configuration = try Self.load(Self.example, environment: environment, arguments: arguments)
        #expect(configuration.host == host)
        #expect(configuration.port == port)
        #expect(configuration.databasePath.hasSuffix(db))
    }

    @Test("repeated --ca-cert flags replace the file's list; the environment's list is comma-separated")
    func lists() throws {
        let flagged = try Self.load(Self.example, environment: ["CARDGATE_CA_CERTIFICATES": "/e/a.pem,/e/b.pem"],
            arguments: ["--ca-cert", "/f/a.pem", "--ca-cert", "/f/b.pem"])
        #expect(flagged.caCertificateFiles == ["/f/a.pem", "/f/b.pem"])
        let environment = try Self.load(Self.example, environment: ["CARDGATE_CA_CERTIFICATES": "/e/a.pem,/e/b.pem"])
        #expect(environment.caCertificateFiles == ["/e/a.pem", "/e/b.pem"])
    }

    @Test("a local door's reader can be overridden from the environment")
    func doorOverride() throws {
        let configuration = try Self.load(Self.example, environment: ["CARDGATE_DOORS_1_READER": "Reader C 00 01"])
        #expect(configuration.localDoors.map(\.reader) == ["Reader A 00 00", "Reader C 00 01"])
    }

    @Test(
        "a bad setting is an error naming it, never a silent default",
        arguments: [
            ("listen: nowhere", [:], "listen"),
            ("maximumBodyBytes: lots", [:], "maximumBodyBytes"),
            ("maximumBodyBytes: 10", [:], "maximumBodyBytes"),
            ("challengeTimeToLiveSeconds: 0", [:], "challengeTimeToLiveSeconds"),
            ("idleTimeoutSeconds: 0", [:], "idleTimeoutSeconds"),
            ("requestBodyTimeoutSeconds: 4000", [:], "requestBodyTimeoutSeconds"),
            ("", ["CARDGATE_IDLE_TIMEOUT_SECONDS": "forever"], "idleTimeoutSeconds"),
            ("listn: 127.0.0.1:1", [:], "listn"),
            ("logLevel: loud", [:], "logLevel"),
            ("", ["CARDGATE_MAXIMUM_BODY_BYTES": "12kB"], "maximumBodyBytes"),
            ("", ["CARDGATE_LISTEN": "127.0.0.1"], "listen"),
            ("doors: [{ id: a-door }]", [:], "reader"),
            ("doors: [{ id: a-door, reader: R, lock: command }]", [:], "unlockCommand"),
            ("doors: [{ id: a-door, reader: R, lock: relay }]", [:], "lock"),
            ("doors: [{ id: a-door, reader: R, unlockCommand: [/bin/true] }]", [:], "lock: command"),
            ("doors: [{ id: a, reader: R }, { id: b, reader: R }]", [:], "more than once"),
            ("doors: [{ id: ../x, reader: R }]", [:], "id"),
            ("doors: [1, { id: a }]", [:], "doors"),
            ("- a list", [:], "mapping"),
            ("listen: [unclosed", [:], "YAML"),
        ] as [(String, [String: String], String)])
    func badSettings(yaml: String, environment: [String: String], names: String) throws {
        do {
            _ = try Self.load(yaml, environment: environment)
            Issue.record("loaded a bad configuration: \(yaml) \(environment)")
        } catch {
            #expect("\(error)".contains(names), "\(error)")
        }
    }

    @Test(
        "bad command lines are refused",
        arguments: [["--db"], ["--port", "80"], ["--listen", "--db", "x"], ["stray"]])
    func badArguments(arguments: [String]) {
        #expect(throws: ConfigurationError.self) { try DaemonCommandLine.parse(arguments) }
    }

    @Test("a configuration file that does not exist is an error")
    func missingFile() {
        var commandLine = DaemonCommandLine()
        commandLine.configFile = "/nonexistent/cardgated.yaml"
        #expect(throws: ConfigurationError.self) { try GateServerConfiguration.load(commandLine, environment: [:]) }
    }

    @Test("the shipped Config/etc/cardgate/cardgated.yaml loads")
    func shippedFile() throws {
        var commandLine = DaemonCommandLine()
        commandLine.configFile = GateFixture.repositoryRoot.appendingPathComponent("Config/etc/cardgate/cardgated.yaml")
            .path
        let configuration = try GateServerConfiguration.load(commandLine, environment: [:])
        #expect(configuration.databasePath == "/var/lib/cardgate/cardgate.db")
        #expect(configuration.caCertificateFiles.count == 1)
        #expect(configuration.localDoors.isEmpty)
    }
}
