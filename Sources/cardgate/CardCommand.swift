import ArgumentParser
import SmartCard

struct CardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card", abstract: "Read and manage the card in a reader.",
        subcommands: [CardUIDCommand.self, CardIssueCommand.self, CardReadCommand.self, CardAuthenticateCommand.self])
}

struct CardUIDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uid", abstract: "Print the UID of the contactless card in a reader (FF CA 00 00 00).")

    @Option(help: "The reader's name, as `cardgate readers` lists it.")
    var reader: String

    func run() async throws {
        let channel = try await PCSCCardReader().connect(reader: reader)
        let uid = try await channel.readUID()
        try? await channel.disconnect(disposition: .leave)
        print(uid.hexString())
    }
}
