import Foundation
import Yams

/// The command-line tool's configuration file (`cli.yaml`): where the daemon is and which token to use.
///
/// ```yaml
/// server: https://cardgate.example:8443
/// token-file: ~/.config/cardgate/security.token   # relative paths are relative to this file
/// time-zone: Asia/Ho_Chi_Minh
/// ```
struct ClientConfigurationFile: Hashable {
    static let keys: Set<String> = ["server", "token-file", "time-zone"]

    var path: String
    var server: String?
    /// An absolute path: `~` expanded, relative paths resolved against the file's folder.
    var tokenFile: String?
    var timeZone: String?

    /// Parses `text` read from `path`; unknown keys are errors, so a misspelt key is not silently ignored.
    init(path: String, text: String, homeDirectory: String) throws(CLIFailure) {
        self.path = path
        let node: Any?
        do {
            node = try Yams.load(yaml: text)
        } catch {
            throw CLIFailure(.configuration, "\(path): not YAML: \(Self.oneLine(error))")
        }
        guard let node else { return }
        guard let mapping = node as? [String: Any] else {
            throw CLIFailure(.configuration, "\(path): expected keys \(Self.keys.sorted().joined(separator: ", "))")
        }
        for key in mapping.keys.sorted() where !Self.keys.contains(key) {
            throw CLIFailure(.configuration,
                "\(path): unknown key '\(key)' (known: \(Self.keys.sorted().joined(separator: ", ")))")
        }
        func string(_ key: String) throws(CLIFailure) -> String? {
            guard let value = mapping[key] else { return nil }
            guard let text = value as? String, !text.isEmpty else {
                throw CLIFailure(.configuration, "\(path): \(key) must be a non-empty string")
            }
            return text
        }
        server = try string("server")
        timeZone = try string("time-zone")
        tokenFile = try string("token-file").map { file in
            let expanded = file == "~" || file.hasPrefix("~/") ? homeDirectory + file.dropFirst() : file
            if expanded.hasPrefix("/") { return expanded }
            return URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(expanded).path
        }
    }

    private static func oneLine(_ error: any Error) -> String {
        String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
