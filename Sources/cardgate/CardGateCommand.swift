import ArgumentParser

@main
struct CardGateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cardgate",
        abstract: "CardGate: staff smart cards, doors and the entry journal.",
        subcommands: [
            InitCommand.self,
            ReadersCommand.self,
            WatchCommand.self,
            CardCommand.self,
            SimulateCommand.self,
            CACommand.self,
            SiteCommand.self,
            HolidaysCommand.self,
            PolicyCommand.self,
            JournalCommand.self,
            GateCommand.self,
            EventsCommand.self, OccupancyCommand.self, LockdownCommand.self,
            DiagnoseCommand.self,
        ]
    )
}
