import Foundation
import Testing

@testable import cardgate

/// The pieces of the security commands that need no server: settings, times, the stream parser, the table.
@Suite("Security command parts")
struct SecurityFormatTests {
    // MARK: Settings

    /// A folder with a configuration file and token files, for the precedence cases.
    struct SettingsFolder {
        let directory: URL
        let home: String

        init() throws {
            directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("cardgate-cli-settings-\(UUID().uuidString)", isDirectory: true)
            home = directory.appendingPathComponent("home").path
            try FileManager.default.createDirectory(atPath: home + "/.config/cardgate",
                withIntermediateDirectories: true)
            for name in ["flag", "env", "file", "system"] {
                _ = try SecurityTestServer.writeFile(directory, "\(name).token", "token-from-\(name)\n", mode: 0o600)
            }
            try Data("server: http://from-user-file:1\ntoken-file: ../../../file.token\ntime-zone: Asia/Tokyo\n".utf8)
                .write(to: URL(fileURLWithPath: home + "/.config/cardgate/cli.yaml"))
            try Data("server: http://from-system-file:1\ntoken-file: \(directory.path)/system.token\n".utf8)
                .write(to: directory.appendingPathComponent("system.yaml"))
        }

        func sources(_ environment: [String: String], userFile: Bool = true) -> ConnectionSettings.Sources {
            ConnectionSettings.Sources(environment: environment,
                homeDirectory: userFile ? home : directory.appendingPathComponent("no-home").path,
                systemConfigurationPath: directory.appendingPathComponent("system.yaml").path)
        }

        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    }

    @Test("server and token: flags, then the environment, then the user's file, then the system's file")
    func settingsPrecedence() throws {
        let folder = try SettingsFolder()
        let environment = [
            "CARDGATE_SERVER": "http://from-env:1", "CARDGATE_TOKEN_FILE": folder.path("env.token"),
        ]
        let cases: [(arguments: [String], environment: [String: String], userFile: Bool, server: String,
            token: String, zone: String)] = [
            (["--server", "http://from-flag:1", "--token-file", folder.path("flag.token")], environment, true,
                "http://from-flag:1", "token-from-flag", "Asia/Tokyo"),
            ([], environment, true, "http://from-env:1", "token-from-env", "Asia/Tokyo"),
            ([], ["CARDGATE_TOKEN": "token-itself"], true, "http://from-user-file:1", "token-itself", "Asia/Tokyo"),
            ([], [:], true, "http://from-user-file:1", "token-from-file", "Asia/Tokyo"),
            ([], [:], false, "http://from-system-file:1", "token-from-system", "Asia/Ho_Chi_Minh"),
            (["--cli-config", folder.path("system.yaml"), "--time-zone", "America/New_York"], [:], true,
                "http://from-system-file:1", "token-from-system", "America/New_York"),
            ([], ["CARDGATE_SERVER": "http://from-env:1", "CARDGATE_TIME_ZONE": "Europe/Paris"], false,
                "http://from-env:1", "token-from-system", "Europe/Paris"),
        ]
        for example in cases {
            let options = try ServerOptions.parse(example.arguments)
            let settings = try ConnectionSettings.resolve(options,
                sources: folder.sources(example.environment, userFile: example.userFile), note: { _ in })
            #expect(settings.server.absoluteString == example.server, "\(example.arguments) \(example.environment)")
            #expect(settings.token == example.token, "\(example.arguments) \(example.environment)")
            #expect(settings.timeZone.identifier == example.zone, "\(example.arguments) \(example.environment)")
        }
    }

    @Test("settings failures are configuration failures that say what to do")
    func settingsFailures() throws {
        let folder = try SettingsFolder()
        try Data("server: http://x:1\ntoken_file: a\n".utf8).write(to: URL(fileURLWithPath: folder.path("typo.yaml")))
        let cases: [([String], [String: String], String)] = [
            ([], [:], "no server: give --server URL"),
            (["--server", "http://x:1"], [:], "no token: give --token-file FILE"),
            (["--server", "ftp://x"], [:], "--server must be an http(s) URL"),
            ([], ["CARDGATE_SERVER": "nonsense"], "CARDGATE_SERVER must be an http(s) URL"),
            (["--cli-config", folder.path("none.yaml")], [:], "--cli-config \(folder.path("none.yaml")): no such file"),
            (["--cli-config", folder.path("typo.yaml")], [:], "\(folder.path("typo.yaml")): unknown key 'token_file'"),
            (["--server", "http://x:1", "--time-zone", "Mars/Olympus"], ["CARDGATE_TOKEN": "t"],
                "unknown time zone 'Mars/Olympus'"),
        ]
        for (arguments, environment, message) in cases {
            let options = try ServerOptions.parse(arguments)
            let sources = ConnectionSettings.Sources(environment: environment,
                homeDirectory: "/nonexistent-cardgate-home", systemConfigurationPath: "/nonexistent-cardgate/cli.yaml")
            do {
                _ = try ConnectionSettings.resolve(options, sources: sources, note: { _ in })
                Issue.record("\(arguments) resolved")
            } catch {
                #expect(error.kind == .configuration, "\(arguments)")
                #expect(error.message.hasPrefix(message), "\(arguments): \(error.message)")
            }
        }
    }

    @Test("the exit statuses are distinct")
    func exitStatuses() {
        let codes = CLIFailure.Kind.allCases.map(\.rawValue)
        #expect(Set(codes).count == codes.count)
        #expect(!codes.contains(0) && !codes.contains(1))
        for code in codes { #expect(CLIFailure.exitStatusHelp.contains("\(code) ")) }
    }

    // MARK: Times

    @Test("--from and --to: ISO 8601 and the site-local forms", arguments: [
        ("2026-11-29T08:00:00+07:00", "2026-11-29T01:00:00.000Z"),
        ("2026-11-29T01:00:00Z", "2026-11-29T01:00:00.000Z"),
        ("2026-11-29T01:00:00.250Z", "2026-11-29T01:00:00.250Z"),
        ("2026-11-29", "2026-11-28T17:00:00.000Z"),
        ("2026-11-29 08:30", "2026-11-29T01:30:00.000Z"),
        ("2026-11-29T08:30:15", "2026-11-29T01:30:15.000Z"),
        ("08:30", "2026-11-30T01:30:00.000Z"),
        ("today", "2026-11-29T17:00:00.000Z"),
        ("yesterday", "2026-11-28T17:00:00.000Z"),
        ("now", "2026-11-30T03:04:05.000Z"),
        ("15m", "2026-11-30T02:49:05.000Z"),
        ("2h", "2026-11-30T01:04:05.000Z"),
        ("7d", "2026-11-23T03:04:05.000Z"),
    ])
    func siteLocalTimes(text: String, expected: String) throws {
        // 10:04:05 on 30 November 2026 in Hanoi.
        let now = try #require(GateTime.parse("2026-11-30T03:04:05Z"))
        let times = SiteLocalTime(timeZone: try #require(TimeZone(identifier: "Asia/Ho_Chi_Minh")), now: now)
        let parsed = try #require(times.parse(text), "\(text)")
        #expect(EventFilter.apiTime(parsed) == expected, "\(text)")
    }

    @Test("what is not a time", arguments: ["", "tomorrow", "2026-13-01", "2026-11-31", "25:00", "8:30", "-2h", "2x",
        "2026-11-29 8:30", "h"])
    func notTimes(text: String) throws {
        let times = SiteLocalTime(timeZone: try #require(TimeZone(identifier: "Asia/Ho_Chi_Minh")), now: Date())
        #expect(times.parse(text) == nil)
    }

    @Test("bad flags are usage errors", arguments: [
        ["--from", "tomorrow"], ["--limit", "0"], ["--limit", "1001"], ["--follow", "--all"],
        ["--follow", "--to", "now"], ["--decision", "maybe"],
    ])
    func badFlags(arguments: [String]) {
        #expect(throws: (any Error).self) { try EventsCommand.parse(arguments) }
    }

    // MARK: Server-sent events

    @Test("the event-stream parser: chunks cut anywhere, CR, LF and CRLF, comments, multi-line data, ids")
    func serverSentEvents() {
        let stream = ": keep-alive\r\n\r\nid: 7\r\nevent: access_decision\r\ndata: {\"a\":1}\r\n\r\n"
            + "id:8\nevent: alarm\ndata: line one\ndata:  line two\n\n"
            + "id: 9\n\n"
            + "retry: 2500\ndata: plain\r\r"
        let expected = [
            ServerSentEvent(id: "7", event: "access_decision", data: "{\"a\":1}"),
            ServerSentEvent(id: "8", event: "alarm", data: "line one\n line two"),
            ServerSentEvent(id: nil, event: "message", data: "plain"),
        ]
        let bytes = Array(stream.utf8)
        for size in [1, 2, 3, 5, 8, 13, bytes.count] {
            var parser = ServerSentEventParser()
            var messages: [ServerSentEvent] = []
            var start = 0
            while start < bytes.count {
                messages += parser.feed(bytes[start..<min(start + size, bytes.count)])
                start += size
            }
            #expect(messages == expected, "chunks of \(size)")
            #expect(parser.lastEventId == "9", "chunks of \(size)")
            #expect(parser.retryMilliseconds == 2500, "chunks of \(size)")
        }
    }

    // MARK: Tables

    @Test("display widths: Vietnamese precomposed and combining, wide characters, marks, controls", arguments: [
        ("Nguyễn Văn An", 13),
        ("Nguye\u{0302}\u{0303}n Va\u{0306}n An", 13),
        ("Trần Thị Bình", 13),
        ("Khách - Công ty ABC", 19),
        ("東京", 4),
        ("a\u{0301}", 1),
        ("\u{200B}", 0),
        ("🚪", 2),
    ])
    func displayWidths(text: String, width: Int) {
        #expect(DisplayWidth.of(text) == width)
    }

    @Test("a table with Vietnamese and wide names keeps its columns aligned and within the width")
    func alignedTable() {
        let names = ["Nguyễn Văn An", "Nguye\u{0302}\u{0303}n Va\u{0306}n An", "Lê Văn Cường", "東京 Office",
            "evil\u{1B}[2J"]
        var table = TextTable(columns: [.init(title: "NAME"), .init(title: "N", alignRight: true, shrinkable: false),
            .init(title: "ZONE")], maximumWidth: nil)
        let rows = names.enumerated().map { [$1, String($0 * 100), "Tầng 4 — Trung tâm CNTT"] }
        table.widen(for: rows)
        let lines = [table.header] + rows.map(table.render)
        let zoneColumns = lines.map { line in line.range(of: "T").map { DisplayWidth.of(line[..<$0.lowerBound]) } }
        #expect(Set(zoneColumns.dropFirst()).count == 1)
        #expect(lines.allSatisfy { !$0.contains("\u{1B}") })
        #expect(lines.last?.hasPrefix("evil\u{FFFD}[2J") == true)

        table.maximumWidth = 30
        let narrow = rows.map(table.render)
        #expect(narrow.allSatisfy { DisplayWidth.of($0) <= 30 })
        #expect(narrow.allSatisfy { $0.contains("…") })
        let numberEnds = narrow.map { line in line.range(of: "00").map { DisplayWidth.of(line[..<$0.upperBound]) } }
        #expect(Set(numberEnds.compactMap { $0 }).count == 1)
    }

    static let spanCases: [(Double, String)] = [
        (0, "0m"), (59, "0m"), (2_700, "45m"), (7_500, "2h 05m"), (273_600, "3d 04h"),
    ]

    @Test("how long someone has been inside", arguments: spanCases)
    func spans(seconds: Double, text: String) {
        #expect(OccupancyCommand.span(seconds) == text)
    }
}

/// Parses the API's times in tests.
enum GateTime {
    static func parse(_ text: String) -> Date? { try? Date.ISO8601FormatStyle().parse(text) }
}

/// The help of the security commands says where settings come from and what the exit statuses mean.
@Suite("Security command help")
struct SecurityHelpTests {
    @Test("--help names the sources in order and the exit statuses")
    func help() {
        let helps = [EventsCommand.helpMessage(), OccupancyCommand.helpMessage(), LockdownCommand.helpMessage()]
        for text in helps {
            let help = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            let order = ["--server and --token-file", "CARDGATE_SERVER", "--cli-config FILE",
                "~/.config/cardgate/cli.yaml", "/etc/cardgate/cli.yaml"]
            let positions = order.map { help.range(of: $0)?.lowerBound }
            #expect(positions.allSatisfy { $0 != nil }, "\(help)")
            #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
            for code in CLIFailure.Kind.allCases { #expect(help.contains(" \(code.rawValue) "), "\(code)") }
        }
        #expect(EventsCommand.helpMessage().contains("--person <id>"))
    }
}
