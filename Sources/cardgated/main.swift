import Foundation
import GateServer
import Hummingbird

/// `cardgated --config FILE [--db FILE] [--listen HOST:PORT] [--ca-cert FILE]... [--site FILE]...`
///
/// Reads the configuration, lets the flags override it, builds the application and runs it until SIGTERM or SIGINT.
func configuration(from arguments: [String]) throws -> GateServerConfiguration {
    var configuration = GateServerConfiguration()
    var caCertificates: [String] = []
    var siteFiles: [String] = []
    var index = 0
    func value() throws -> String {
        index += 1
        guard index < arguments.count else { throw ConfigurationError("\(arguments[index - 1]) needs a value") }
        return arguments[index]
    }
    var overrides: [(inout GateServerConfiguration) throws -> Void] = []
    while index < arguments.count {
        switch arguments[index] {
        case "--config":
            let path = try value()
            let text = try String(contentsOfFile: path, encoding: .utf8)
            configuration = try GateServerConfiguration(yaml: text,
                directory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        case "--db":
            let path = try value()
            overrides.append { $0.databasePath = path }
        case "--listen":
            let text = try value()
            guard let (host, port) = GateServerConfiguration.parseListen(text) else {
                throw ConfigurationError("--listen must be HOST:PORT, not '\(text)'")
            }
            overrides.append { $0.host = host; $0.port = port }
        case "--ca-cert": caCertificates.append(try value())
        case "--site": siteFiles.append(try value())
        case "--help", "-h":
            print("usage: cardgated --config FILE [--db FILE] [--listen HOST:PORT] [--ca-cert FILE]... "
                + "[--site FILE]...")
            exit(0)
        default: throw ConfigurationError("unknown argument '\(arguments[index])'")
        }
        index += 1
    }
    for override in overrides { try override(&configuration) }
    if !caCertificates.isEmpty { configuration.caCertificateFiles = caCertificates }
    if !siteFiles.isEmpty { configuration.siteFiles = siteFiles }
    return configuration
}

do {
    let app = try await buildApplication(try configuration(from: Array(CommandLine.arguments.dropFirst())))
    try await app.runService()
} catch {
    FileHandle.standardError.write(Data("cardgated: \(error)\n".utf8))
    exit(1)
}
