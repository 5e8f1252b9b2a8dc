import ArgumentParser

/// The options of every command that talks to the daemon: where it is, the token, the site time zone.
///
/// Each setting is taken from the first place that has it: the flag, then the environment, then the
/// configuration file (``ClientConfigurationFile``).
struct ServerOptions: ParsableArguments {
    static let sourcesHelp = """
        Server and token: from --server and --token-file, else the environment (CARDGATE_SERVER, \
        CARDGATE_TOKEN_FILE, then CARDGATE_TOKEN holding the token itself), else a configuration file: \
        --cli-config FILE, else ~/.config/cardgate/cli.yaml ($XDG_CONFIG_HOME is honoured), else \
        /etc/cardgate/cli.yaml (only the first that exists is read), with the keys server, token-file and \
        time-zone. The time zone comes from --time-zone, CARDGATE_TIME_ZONE or the file, else Asia/Ho_Chi_Minh. A \
        token file readable by group or others gets a warning.
        """

    @Option(help: ArgumentHelp("The daemon's base URL, e.g. https://cardgate.example:8443 (else CARDGATE_SERVER).",
        valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("A file holding a security, auditor or admin token (else CARDGATE_TOKEN_FILE or "
        + "CARDGATE_TOKEN).", valueName: "file"))
    var tokenFile: String?

    @Option(name: .customLong("cli-config"),
            help: ArgumentHelp("The configuration file (default: ~/.config/cardgate/cli.yaml, else "
                + "/etc/cardgate/cli.yaml).", valueName: "file"))
    var cliConfig: String?

    @Option(name: .customLong("time-zone"),
            help: "The site's time zone for times typed and shown (else CARDGATE_TIME_ZONE, default Asia/Ho_Chi_Minh).")
    var timeZone: String?

    @Option(help: "Seconds to wait for the server's answer.")
    var timeout: Double = 10

    func validate() throws {
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number") }
    }
}
