import ArgumentParser

@main
struct CardGateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cardgate",
        abstract: "CardGate: staff smart cards, doors and the entry journal.",
        subcommands: [JournalCommand.self]
    )
}
