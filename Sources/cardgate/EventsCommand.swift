import ArgumentParser
import Foundation
import Synchronization

/// `cardgate events`: the journal from the daemon's API, filtered, as a table or JSON Lines, or followed live.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List journal events from the daemon, or follow them live (security staff).",
        discussion: """
            Lists events newest first, one page of --limit (with the cursor of the next page on standard error), \
            or every page with --all. --follow prints the events that arrive from now on (after those from --from, \
            oldest first) until Ctrl-C, and reconnects after a dropped connection without missing one. \
            --from (inclusive) and --to (exclusive) take \(SiteLocalTime.formsHelp). Times are shown in the site's \
            time zone. --json prints JSON Lines: each event exactly as the API's Event object.

            \(ServerOptions.sourcesHelp)

            \(CLIFailure.exitStatusHelp)
            """
    )

    enum Decision: String, ExpressibleByArgument, CaseIterable {
        case grant, deny
    }

    @OptionGroup var connection: ServerOptions

    @Option(name: .customLong("person"), help: ArgumentHelp("Only events of this person.", valueName: "id"))
    var personId: String?

    @Option(name: .customLong("door"), help: ArgumentHelp("Only events at this door.", valueName: "id"))
    var doorId: String?

    @Option(name: .customLong("zone"), help: ArgumentHelp("Only events in this zone.", valueName: "id"))
    var zoneId: String?

    @Option(help: "Only grants or only denials.")
    var decision: Decision?

    @Option(help: "Only events with this reason code (e.g. outside_schedule, credential_lost).")
    var reason: String?

    @Option(help: ArgumentHelp("Only events of this type (access_decision, door_status, alarm, admin_change, "
        + "lockdown, token_failure)."))
    var type: String?

    @Option(help: ArgumentHelp("Events from this time on.", valueName: "time"))
    var from: String?

    @Option(help: ArgumentHelp("Events before this time.", valueName: "time"))
    var to: String?

    @Option(help: "Events per page, 1 to 1000.")
    var limit: Int = 50

    @Option(help: "Start after this page cursor (printed after a page).")
    var cursor: String?

    @Flag(help: "Page through every matching event.")
    var all = false

    @Flag(help: "JSON Lines instead of a table.")
    var json = false

    @Flag(help: "Keep printing new events as they happen, until Ctrl-C.")
    var follow = false

    @Option(help: ArgumentHelp("Table width in columns (default: the terminal's; no limit in a pipe).",
        visibility: .hidden))
    var width: Int?

    func validate() throws {
        guard (1...1000).contains(limit) else { throw ValidationError("--limit must be from 1 to 1000") }
        let syntax = SiteLocalTime(timeZone: .gmt, now: Date())
        for (name, text) in [("--from", from), ("--to", to)] {
            guard let text else { continue }
            guard syntax.parse(text) != nil else {
                throw ValidationError("\(name) '\(text)' is not a time: use \(SiteLocalTime.formsHelp)")
            }
        }
        if follow, to != nil || all || cursor != nil {
            throw ValidationError("--follow does not go with --to, --all or --cursor")
        }
        if let width, width < 20 { throw ValidationError("--width must be at least 20") }
    }

    func run() async throws {
        let command = self
        let output = CommandOutput.standard
        let width = width ?? TerminalWidth.current()
        do {
            if follow {
                try await Interruption.cancelOnSignals {
                    try await command.execute(sources: .process, output: output, width: width)
                }
            } else {
                try await execute(sources: .process, output: output, width: width)
            }
        } catch let failure as CLIFailure {
            output.note(failure.message)
            throw failure.exitCode
        }
    }

    /// Runs the command; with --follow, until the task is cancelled.
    func execute(
        sources: ConnectionSettings.Sources, output: CommandOutput, width: Int?, now: Date = Date()
    ) async throws(CLIFailure) {
        let settings = try ConnectionSettings.resolve(connection, sources: sources, note: output.note)
        let times = SiteLocalTime(timeZone: settings.timeZone, now: now)
        var filter = EventFilter(personId: personId, doorId: doorId, zoneId: zoneId, decision: decision?.rawValue,
            reason: reason, type: type)
        filter.from = try from.map { text throws(CLIFailure) in try Self.time(text, times) }
        filter.to = try to.map { text throws(CLIFailure) in try Self.time(text, times) }
        let client = SecurityClient(settings)
        if follow {
            try await followEvents(client, filter: filter, settings: settings, output: output, width: width)
        } else {
            try await listEvents(client, filter: filter, timeZone: settings.timeZone, output: output, width: width)
        }
    }

    private static func time(_ text: String, _ times: SiteLocalTime) throws(CLIFailure) -> Date {
        guard let date = times.parse(text) else { throw CLIFailure(.usage, "'\(text)' is not a time") }
        return date
    }

    private func listEvents(
        _ client: SecurityClient, filter: EventFilter, timeZone: TimeZone, output: CommandOutput, width: Int?
    ) async throws(CLIFailure) {
        var table = EventTable(timeZone: timeZone, maximumWidth: width)
        var next = cursor
        var shown = 0
        repeat {
            let page = try await client.events(filter, limit: limit, cursor: next)
            if json {
                for event in page.events { output.line(event.json) }
            } else {
                let lines = table.lines(page.events)
                if shown == 0, !lines.isEmpty { output.line(table.header) }
                for line in lines { output.line(line) }
            }
            shown += page.events.count
            next = page.nextCursor
        } while all && next != nil
        if shown == 0, !json { output.line("no matching events") }
        if !all, let next { output.note("more events: add --cursor \(next) for the next page, or --all") }
    }

    private func followEvents(
        _ client: SecurityClient, filter: EventFilter, settings: ConnectionSettings, output: CommandOutput,
        width: Int?
    ) async throws(CLIFailure) {
        // The journal's head first, so the history below and the stream after it neither overlap nor leave a gap.
        let head = try await client.newestSequence()
        var history: [EventRecord] = []
        if filter.from != nil {
            var next: String?
            repeat {
                let page = try await client.events(filter, limit: 1000, cursor: next)
                history += page.events.filter { $0.sequence <= head }
                next = page.nextCursor
            } while next != nil
            history.reverse()
        }
        let table = LiveEventTable(EventTable(timeZone: settings.timeZone, maximumWidth: width, live: true))
        if !json { output.line(table.header(widenedFor: history)) }
        let json = json
        let show: @Sendable (EventRecord) -> Void = { event in output.line(json ? event.json : table.line(event)) }
        for event in history { show(event) }
        let follower = EventFollower(transport: URLSessionEventStream(client: client.api), filter: filter,
            onEvent: show, note: output.note)
        try await follower.run(after: String(head))
    }
}

/// An ``EventTable`` that rows arriving one by one from the live stream widen as they are printed.
final class LiveEventTable: Sendable {
    private let table: Mutex<EventTable>

    init(_ table: EventTable) {
        self.table = Mutex(table)
    }

    func header(widenedFor events: [EventRecord]) -> String {
        table.withLock { table in
            _ = table.lines(events)
            return table.header
        }
    }

    func line(_ event: EventRecord) -> String {
        table.withLock { table in table.lines([event]).first ?? "" }
    }
}
