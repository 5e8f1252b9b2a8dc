import ArgumentParser
import DoorAgent
import Foundation
import SmartCard

struct GateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate", abstract: "Run a gate controller: one door, one reader, decisions from the daemon.",
        subcommands: [GateRunCommand.self])
}

struct GateRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Watch a reader, ask the daemon about every card, and drive the door's lock until stopped.")

    @Option(help: "The door's id in the daemon.")
    var door: String

    @Option(help: "The PC/SC reader at the door, as `cardgate readers` lists it.")
    var reader: String

    @Option(help: "The daemon's base URL, e.g. http://127.0.0.1:8080.")
    var server: String

    @Option(help: "A file holding the controller token for this door.")
    var tokenFile: String

    @Option(parsing: .upToNextOption,
            help: "Command that opens the lock; it gets the seconds in CARDGATE_UNLOCK_SECONDS (default: log only).")
    var unlockCommand: [String] = []

    @Option(parsing: .upToNextOption,
            help: "Command that signals a refusal; it gets the reason in CARDGATE_DENY_REASON.")
    var denyCommand: [String] = []

    func validate() throws {
        guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ValidationError("--server must be an http(s) URL, e.g. http://127.0.0.1:8080")
        }
    }

    func run() async throws {
        let token: String
        do {
            token = try String(contentsOfFile: tokenFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw ValidationError("cannot read the token file \(tokenFile): \(error.localizedDescription)")
        }
        guard !token.isEmpty, let url = URL(string: server) else { throw ValidationError("the token file is empty") }
        let log: @Sendable (String) -> Void = { Console.line("\(ISO8601DateFormatter().string(from: Date()))  \($0)") }
        let lock: any DoorLock = unlockCommand.isEmpty
            ? LoggingDoorLock(door: door, log: log)
            : CommandDoorLock(unlockCommand: unlockCommand, denyCommand: denyCommand.isEmpty ? nil : denyCommand,
                              log: log)
        let agent = DoorAgent(configuration: .init(door: door, reader: reader), reader: PCSCCardReader(),
                              authority: HTTPAccessAuthority(server: url, token: token), lock: lock)
        // Ctrl-C, or SIGTERM from systemd stopping the unit, ends the watch and the command returns normally. A tap
        // in progress ends as its answer allows: a request cut short is a failure, which the lock treats as a denial.
        try await Interruption.cancelOnSignals {
            log("gate controller for door \(door) on reader \"\(reader)\", daemon \(server); Ctrl-C to stop")
            try await agent.run { outcome in
                let decision = outcome.granted ? "GRANT" : "DENY "
                let who: String
                switch outcome.credential {
                case .piv(let guid, let cached):
                    who = "PIV \(guid.uuidString.lowercased())\(cached ? " (cached cert)" : "")"
                case .uid(let uid): who = "UID \(uid.hexString())"
                case .notRead: who = "card not read"
                }
                var detail = ""
                if case .failed(let failure) = outcome.result {
                    switch failure {
                    case .card(let why), .authority(let why): detail = " — \(why)"
                    }
                }
                var person = ""
                if case .answered(let answer) = outcome.result, let known = answer.person {
                    person = "  \(known.displayName ?? known.id)"
                }
                log("\(decision) \(outcome.reason)  \(who)\(person)  \(LatencySummary.format(outcome.duration))\(detail)")
            }
        }
        log("gate controller for door \(door) stopped")
    }
}
