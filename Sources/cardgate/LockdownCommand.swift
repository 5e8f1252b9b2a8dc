import ArgumentParser
import Foundation

/// `cardgate lockdown on|off --zone ID`: lock a zone down or lift its lockdown.
struct LockdownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lockdown",
        abstract: "Lock a zone down (doors into it deny every card) or lift the lockdown.",
        discussion: """
            Sends PUT /v1/lockdown (a security or admin token); the server journals the change before it takes \
            effect. Prints the zones in lockdown afterwards; --json prints the API's answer.

            \(ServerOptions.sourcesHelp)

            \(CLIFailure.exitStatusHelp)
            """
    )

    enum State: String, ExpressibleByArgument, CaseIterable {
        case on, off
    }

    @Argument(help: "on or off.")
    var state: State

    @OptionGroup var connection: ServerOptions

    @Option(help: ArgumentHelp("The zone.", valueName: "id"))
    var zone: String

    @Flag(help: "The API's JSON answer.")
    var json = false

    func run() async throws {
        do {
            try await execute(sources: .process, output: .standard)
        } catch {
            CommandOutput.standard.note(error.message)
            throw error.exitCode
        }
    }

    func execute(sources: ConnectionSettings.Sources, output: CommandOutput) async throws(CLIFailure) {
        let settings = try ConnectionSettings.resolve(connection, sources: sources, note: output.note)
        let locked = state == .on
        let answer = try await SecurityClient(settings).setLockdown(zoneId: zone, locked: locked)
        let zones = answer.value.lockdownZones
        guard zones.contains(zone) == locked else {
            throw CLIFailure(.protocolError, "the server answered, but zone \(zone) is "
                + (locked ? "not" : "still") + " in its list of zones in lockdown")
        }
        if json { return output.line(answer.json) }
        output.line((locked ? "zone \(zone) is locked down" : "lockdown lifted in zone \(zone)")
            + "; zones in lockdown now: " + (zones.isEmpty ? "none" : zones.joined(separator: ", ")))
    }
}
