import Foundation
import GateServer
import Hummingbird

/// `cardgated [--config FILE] [--db FILE] [--listen HOST:PORT] [--ca-cert FILE]... [--site FILE]... [--check-config]`
///
/// Loads the configuration (file, then environment, then flags), builds the application and runs it until SIGTERM
/// or SIGINT. Exit status: 64 for bad arguments, 78 for a bad configuration, 1 when it cannot start or run.
func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("cardgated: \(message)\n".utf8))
    exit(status)
}

FreedMemory.limitArenas(
    to: ProcessInfo.processInfo.activeProcessorCount, environment: ProcessInfo.processInfo.environment)
FreedMemory.fixMmapThreshold(environment: ProcessInfo.processInfo.environment)
let commandLine: DaemonCommandLine
do {
    commandLine = try DaemonCommandLine.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    fail("\(error)\n\(DaemonCommandLine.usage)", status: 64)
}
if commandLine.action == .help {
    print(DaemonCommandLine.usage)
    exit(0)
}
let configuration: GateServerConfiguration
do {
    configuration = try GateServerConfiguration.load(commandLine, environment: ProcessInfo.processInfo.environment)
} catch {
    fail("configuration: \(error)", status: 78)
}
if commandLine.action == .checkConfiguration {
    print(configuration.summary)
    exit(0)
}
do {
    let app = try await buildApplication(configuration)
    try await app.runService()
} catch let error as ConfigurationError {
    fail("\(error)", status: 78)
} catch {
    fail("\(error)", status: 1)
}
