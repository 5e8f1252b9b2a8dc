import DoorAgent
import Foundation

/// The daemon, the token and the site time zone a security command works with, resolved from the flags, the
/// environment and the configuration file in that order (``ServerOptions/sourcesHelp``).
struct ConnectionSettings: Sendable {
    var server: URL
    var token: String
    var timeZone: TimeZone
    var timeout: TimeInterval

    /// The site time zone when nothing names one.
    static let defaultTimeZone = "Asia/Ho_Chi_Minh"

    /// What the resolution reads besides the flags; tests give their own.
    struct Sources: Sendable {
        var environment: [String: String]
        var homeDirectory: String
        var systemConfigurationPath = "/etc/cardgate/cli.yaml"

        static var process: Sources {
            Sources(environment: ProcessInfo.processInfo.environment,
                homeDirectory: FileManager.default.homeDirectoryForCurrentUser.path)
        }

        /// The user's configuration file: `$XDG_CONFIG_HOME/cardgate/cli.yaml` or `~/.config/cardgate/cli.yaml`.
        var userConfigurationPath: String {
            let base = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
                ?? homeDirectory + "/.config"
            return base + "/cardgate/cli.yaml"
        }
    }

    /// Resolves the settings; a token file readable by group or others is reported through `note`.
    static func resolve(
        _ options: ServerOptions, sources: Sources, note: (String) -> Void
    ) throws(CLIFailure) -> ConnectionSettings {
        let environment = sources.environment.filter { !$0.value.isEmpty }
        let file = try configurationFile(options, sources: sources)
        let fileName = file.map { " in \($0.path)" } ?? ""

        let serverCandidates: [(value: String?, source: String)] = [
            (options.server, "--server"), (environment["CARDGATE_SERVER"], "CARDGATE_SERVER"),
            (file?.server, "server\(fileName)"),
        ]
        guard let found = serverCandidates.first(where: { $0.value != nil }), let serverText = found.value else {
            throw CLIFailure(.configuration, "no server: give --server URL, set CARDGATE_SERVER, or write server: "
                + "in \(sources.userConfigurationPath)")
        }
        let serverSource = found.source
        guard let server = URL(string: serverText), server.scheme == "http" || server.scheme == "https",
            server.host != nil
        else {
            throw CLIFailure(.configuration,
                "\(serverSource) must be an http(s) URL such as https://cardgate.example:8443, not '\(serverText)'")
        }

        let token: String
        if let path = options.tokenFile ?? environment["CARDGATE_TOKEN_FILE"] {
            token = try readToken(path, note: note)
        } else if let value = environment["CARDGATE_TOKEN"] {
            token = value.trimmingCharacters(in: .whitespacesAndNewlines)
        } else if let path = file?.tokenFile {
            token = try readToken(path, note: note)
        } else {
            throw CLIFailure(.configuration, "no token: give --token-file FILE, set CARDGATE_TOKEN_FILE or "
                + "CARDGATE_TOKEN, or write token-file: in \(sources.userConfigurationPath)")
        }
        guard !token.isEmpty, !token.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw CLIFailure(.configuration, "the token is empty or holds spaces")
        }

        let zoneName = options.timeZone ?? environment["CARDGATE_TIME_ZONE"] ?? file?.timeZone ?? defaultTimeZone
        guard let timeZone = TimeZone(identifier: zoneName) else {
            throw CLIFailure(.configuration, "unknown time zone '\(zoneName)' (e.g. Asia/Ho_Chi_Minh)")
        }
        return ConnectionSettings(server: server, token: token, timeZone: timeZone, timeout: options.timeout)
    }

    /// `--cli-config` (which must exist), else the first of the user's and the system's files that exists.
    static func configurationFile(
        _ options: ServerOptions, sources: Sources
    ) throws(CLIFailure) -> ClientConfigurationFile? {
        let candidates: [String]
        if let path = options.cliConfig {
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIFailure(.configuration, "--cli-config \(path): no such file")
            }
            candidates = [path]
        } else {
            candidates = [sources.userConfigurationPath, sources.systemConfigurationPath]
        }
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else { return nil }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CLIFailure(.configuration, "\(path): cannot read: \(error.localizedDescription)")
        }
        return try ClientConfigurationFile(path: path, text: text, homeDirectory: sources.homeDirectory)
    }

    /// The token in `path` without surrounding white space; warns when group or others may read the file.
    static func readToken(_ path: String, note: (String) -> Void) throws(CLIFailure) -> String {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CLIFailure(.configuration, "cannot read the token file \(path): \(error.localizedDescription)")
        }
        if let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int,
            mode & 0o044 != 0
        {
            note("warning: the token file \(path) is readable by group or others (mode "
                + String(mode & 0o777, radix: 8) + "); chmod 600 \(path)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The API client for these settings.
    var client: GateAPIClient { GateAPIClient(server: server, token: token, timeout: timeout) }
}
