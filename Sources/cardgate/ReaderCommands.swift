import ArgumentParser
import Foundation
import SmartCard

struct ReadersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readers", abstract: "List the PC/SC readers and whether each holds a card.")

    func run() async throws {
        let readers = try await PCSCCardReader().readers()
        if readers.isEmpty { print("no readers") }
        for reader in readers {
            let state = reader.cardPresent ? "card  ATR \(reader.atr?.hexString(separator: " ") ?? "?")" : "empty"
            print("\(reader.name)\t\(state)\(reader.exclusive ? " (in exclusive use)" : "")")
        }
    }
}

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch", abstract: "Print reader and card events until interrupted (Ctrl-C).")

    @Option(help: "Stop after this many events (for scripts).")
    var count: Int?

    func run() async throws {
        var seen = 0
        for try await event in ReaderMonitor() {
            Console.line("\(ISO8601DateFormatter().string(from: Date()))  \(event)")
            seen += 1
            if let count, seen >= count { break }
        }
    }
}
