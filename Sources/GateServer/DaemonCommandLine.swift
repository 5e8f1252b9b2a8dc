import Configuration

/// `cardgated`'s arguments: `--config FILE`, and the flags that override the file and the environment.
public struct DaemonCommandLine: Sendable, Hashable {
    public enum Action: Sendable, Hashable {
        /// Serve.
        case run
        /// Print ``usage`` and exit.
        case help
        /// Load and check the configuration, print a summary and exit (for `ExecStartPre` and operators).
        case checkConfiguration
    }

    public var action: Action = .run
    /// The YAML file of `--config`.
    public var configFile: String?
    /// Flag values by configuration key (`listen`, `db`, `caCertificates`, `siteFiles`).
    public var flags: [AbsoluteConfigKey: ConfigValue] = [:]

    public static let usage = """
        usage: cardgated [--config FILE] [--db FILE] [--listen HOST:PORT] [--ca-cert FILE]... [--site FILE]...
                         [--check-config]

        Flags override environment variables (CARDGATE_DB, CARDGATE_LISTEN, CARDGATE_CA_CERTIFICATES,
        CARDGATE_SITE_FILES, CARDGATE_JOURNAL_KEY, CARDGATE_LOG_LEVEL, CARDGATE_CONFIG, ...), which override the
        configuration file. See Config/README.md. Exit status: 64 bad arguments, 78 bad configuration, 1 other
        failure to start.
        """

    public init() {}

    /// Parses `arguments` (without the program name).
    /// - Throws: ``ConfigurationError`` for an unknown flag or a flag without its value.
    public static func parse(_ arguments: [String]) throws(ConfigurationError) -> DaemonCommandLine {
        var commandLine = DaemonCommandLine()
        var caCertificates: [String] = []
        var siteFiles: [String] = []
        var index = 0
        func value() throws(ConfigurationError) -> String {
            index += 1
            guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                throw ConfigurationError("\(arguments[index - 1]) needs a value")
            }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--config": commandLine.configFile = try value()
            case "--db":
                commandLine.flags[AbsoluteConfigKey(["db"])] = ConfigValue(.string(try value()), isSecret: false)
            case "--listen":
                commandLine.flags[AbsoluteConfigKey(["listen"])] = ConfigValue(.string(try value()), isSecret: false)
            case "--ca-cert": caCertificates.append(try value())
            case "--site": siteFiles.append(try value())
            case "--check-config": commandLine.action = .checkConfiguration
            case "--help", "-h": commandLine.action = .help
            default: throw ConfigurationError("unknown argument '\(argument)'")
            }
            index += 1
        }
        if !caCertificates.isEmpty {
            commandLine.flags[AbsoluteConfigKey(["caCertificates"])] = ConfigValue(.stringArray(caCertificates),
                isSecret: false)
        }
        if !siteFiles.isEmpty {
            commandLine.flags[AbsoluteConfigKey(["siteFiles"])] = ConfigValue(.stringArray(siteFiles), isSecret: false)
        }
        return commandLine
    }
}
