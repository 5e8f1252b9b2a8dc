import AccessStore
import ArgumentParser
import Foundation

/// `cardgate site apply --db FILE --site FILE [--people FILE]`: validates site files and applies them to a store.
struct SiteApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Validate a site file (and a people file) and apply it to a database.",
        discussion: """
            The site file's departments, zones, doors, schedules, holidays, access levels and time zone (and, \
            with --people, the people and cards) replace those in the database: missing ones are removed. All \
            or nothing: on any error nothing changes and every offending record is listed. The change is \
            journaled as one admin_change event, and a checkpoint signed with FILE.journal-key (when it exists) \
            covers it at once.
            """
    )

    @Option(name: .long, help: "The CardGate database file (created by cardgate init).")
    var db: String

    @Option(name: .long, help: "The site file (YAML).")
    var site: String

    @Option(name: .long, help: "A people file (YAML or CSV).")
    var people: String?

    @Option(name: .long, help: "Who applies the site, recorded in the journal (default: the user name).")
    var actor: String?

    @Option(name: .long, help: "The journal key file (default: FILE.journal-key beside the database).")
    var key: String?

    func run() async throws {
        let model = try SiteFiles.load([site] + (people.map { [$0] } ?? []))
        let scope = people == nil ? SiteApplyScope.site : SiteApplyScope.site.union(.people)
        let who = actor ?? "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? NSUserName())
        let report: SiteApplyReport
        do {
            let store = try AccessStore.open(at: db, options: .init(existingStoreOnly: true))
            let journalKey = try JournalKey.forAppending(
                to: store, at: key ?? StoreInitializer.journalKeyPath(forDatabase: db), required: key != nil)
            let journal = JournalWriter(key: journalKey)
            report = try await store.apply(model, scope: scope, actor: who, journal: journal)
            if journalKey != nil {
                // Sign the change now rather than at the daemon's next checkpoint.
                try await store.writer.write { db in _ = try journal.checkpointIfDue(in: db, force: true) }
            }
        } catch let error as SiteApplyError {
            for problem in error.problems { SiteFiles.printError("\(db): \(problem)") }
            if error.problems.isEmpty {
                SiteFiles.printError("\(db): \(error.storeError?.description ?? "the site could not be applied")")
            }
            SiteFiles.printError("nothing was changed")
            throw ExitCode.failure
        } catch {
            JournalReport.fail(error)
        }
        print("\(site): applied to \(db): \(report.summary) (journal event \(report.event.sequence))")
    }
}
