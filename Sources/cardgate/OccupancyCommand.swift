import ArgumentParser
import Foundation

/// `cardgate occupancy [--zone ID]`: how many people each zone holds, or who is in one zone.
struct OccupancyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "occupancy",
        abstract: "Show how many people are in each zone and which zones are locked down, or who is in one zone.",
        discussion: """
            Without --zone: every zone with people in it or in lockdown (GET /v1/occupancy). With --zone: the \
            people recorded inside it and since when (GET /v1/zones/{zoneId}/occupants). --json prints the API's \
            answer as one line of JSON.

            \(ServerOptions.sourcesHelp)

            \(CLIFailure.exitStatusHelp)
            """
    )

    @OptionGroup var connection: ServerOptions

    @Option(help: ArgumentHelp("List the people inside this zone.", valueName: "id"))
    var zone: String?

    @Flag(help: "The API's JSON answer instead of a table.")
    var json = false

    @Option(help: ArgumentHelp("Table width in columns (default: the terminal's).", visibility: .hidden))
    var width: Int?

    func run() async throws {
        do {
            try await execute(sources: .process, output: .standard, width: width ?? TerminalWidth.current())
        } catch {
            CommandOutput.standard.note(error.message)
            throw error.exitCode
        }
    }

    func execute(
        sources: ConnectionSettings.Sources, output: CommandOutput, width: Int?, now: Date = Date()
    ) async throws(CLIFailure) {
        let settings = try ConnectionSettings.resolve(connection, sources: sources, note: output.note)
        let client = SecurityClient(settings)
        if let zone {
            let answer = try await client.occupants(zoneId: zone)
            if json { return output.line(answer.json) }
            guard !answer.value.items.isEmpty else { return output.line("nobody is recorded in zone \(zone)") }
            let times = EventTable(timeZone: settings.timeZone, maximumWidth: nil)
            var table = TextTable(
                columns: [
                    .init(title: "PERSON"),
                    .init(title: "SINCE " + EventTable.offset(settings.timeZone, at: now), shrinkable: false),
                    .init(title: "INSIDE FOR", alignRight: true, shrinkable: false),
                ],
                maximumWidth: width)
            let rows = answer.value.items.map { occupant in
                [occupant.personId, times.localTime(occupant.since), Self.span(now.timeIntervalSince(occupant.since))]
            }
            table.widen(for: rows)
            output.line(table.header)
            for row in rows { output.line(table.render(row)) }
        } else {
            let answer = try await client.occupancy()
            if json { return output.line(answer.json) }
            let counts = Dictionary(answer.value.items.map { ($0.zoneId, $0.count) }, uniquingKeysWith: +)
            let locked = Set(answer.value.lockdownZones)
            let zones = Set(counts.keys).union(locked).sorted()
            guard !zones.isEmpty else { return output.line("nobody is recorded in any zone; no zone is locked down") }
            var table = TextTable(
                columns: [
                    .init(title: "ZONE"), .init(title: "PEOPLE", alignRight: true, shrinkable: false),
                    .init(title: "LOCKDOWN", shrinkable: false),
                ],
                maximumWidth: width)
            let rows = zones.map { [$0, String(counts[$0] ?? 0), locked.contains($0) ? "LOCKED" : "-"] }
            table.widen(for: rows)
            output.line(table.header)
            for row in rows { output.line(table.render(row)) }
        }
    }

    /// `45m`, `2h 05m`, `3d 04h`: how long someone has been inside.
    static func span(_ seconds: TimeInterval) -> String {
        let minutes = max(0, Int(seconds / 60))
        if minutes < 60 { return "\(minutes)m" }
        if minutes < 24 * 60 { return "\(minutes / 60)h " + String(format: "%02dm", minutes % 60) }
        return "\(minutes / (24 * 60))d " + String(format: "%02dh", minutes / 60 % 24)
    }
}
