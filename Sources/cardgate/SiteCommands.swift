import AccessPolicy
import ArgumentParser

/// `cardgate site …`: work with declarative site files.
struct SiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "Work with declarative site files.",
        subcommands: [SiteCheckCommand.self, SiteApplyCommand.self, SiteExportCommand.self]
    )
}

/// `cardgate site check FILE`: validates a site file and reports every error with its line.
struct SiteCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a site file; exit 1 listing every error with its line."
    )

    @Argument(help: "The site file (YAML).")
    var file: String

    @Option(name: .long, help: "A people file (YAML or CSV) to check with the site.")
    var people: String?

    func run() throws {
        let model = try SiteFiles.load([file] + (people.map { [$0] } ?? []))
        let counts = [
            (model.zones.count, "zones"), (model.doors.count, "doors"), (model.schedules.count, "schedules"),
            (model.holidays.count, "holidays"), (model.accessLevels.count, "access levels"),
            (model.departments.count, "departments"), (model.people.count, "people"),
            (model.credentials.count, "cards"),
        ]
        let summary = counts.filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        print("\(file): OK (\(summary))")
    }
}
