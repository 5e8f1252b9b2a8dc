import ArgumentParser
import CardSimulator
import Foundation
import SmartCard

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate", abstract: "Serve simulated cards to pcscd's virtual readers.",
        subcommands: [SimulateUIDCardCommand.self, SimulatePIVCardCommand.self])
}

/// Where a simulated card is served: a vpcd endpoint, chosen directly or through a virtual reader's name.
struct VPCDOptions: ParsableArguments {
    @Option(help: "The vpcd endpoint HOST:PORT of the virtual reader.")
    var vpcd: String?

    @Option(name: .customLong("reader"), help: "A virtual reader's name, instead of --vpcd.")
    var readerName: String?

    func validate() throws {
        if vpcd != nil && readerName != nil { throw ValidationError("give --vpcd or --reader, not both") }
        if let vpcd, VirtualReaders.endpoint(vpcd) == nil { throw ValidationError("--vpcd must be HOST:PORT") }
        if let readerName, VirtualReaders.port(forReader: readerName) == nil {
            let known = VirtualReaders.all.map(\.name).joined(separator: ", ")
            throw ValidationError("\"\(readerName)\" is not a virtual reader; known: \(known)")
        }
    }

    var endpoint: (host: String, port: UInt16) {
        if let vpcd, let endpoint = VirtualReaders.endpoint(vpcd) { return endpoint }
        if let readerName, let port = VirtualReaders.port(forReader: readerName) { return ("127.0.0.1", port) }
        return ("127.0.0.1", VirtualReaders.all[0].port)
    }

    /// Serves `card` until the process is interrupted, re-inserting it whenever pcscd comes back.
    func serve(_ card: any SimulatedCard, label: String) async throws {
        let (host, port) = endpoint
        let bridge = VPCDBridge(card: card, host: host, port: port)
        try bridge.insert()
        Console.line("serving \(label) at vpcd \(host):\(port); Ctrl-C to remove it")
        while !Task.isCancelled {
            await bridge.waitUntilRemoved()
            while !Task.isCancelled {
                do {
                    try bridge.insert()
                    break
                } catch {
                    try await Task.sleep(for: .milliseconds(250))
                }
            }
        }
    }
}

struct SimulateUIDCardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uid-card", abstract: "Serve a UID-only contactless card to a virtual reader until stopped.")

    @Option(help: "The card's UID in hex (4, 7 or 10 bytes).")
    var uid: String

    @OptionGroup var target: VPCDOptions

    func validate() throws {
        guard let bytes = [UInt8](hexString: uid), [4, 7, 10].contains(bytes.count) else {
            throw ValidationError("--uid must be 4, 7 or 10 bytes of hex, e.g. 04A1B2C3")
        }
    }

    func run() async throws {
        let card = SimulatedUIDCard(uid: [UInt8](hexString: uid) ?? [])
        try await target.serve(card, label: "UID card \(uid.uppercased())")
    }
}
