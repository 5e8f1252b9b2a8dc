import ArgumentParser
import CardSimulator
import Foundation
import SmartCard

struct DiagnoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Measure the card path: APDU round trips and card-insert detection.",
        subcommands: [DiagnoseAPDUCommand.self, DiagnoseInsertCommand.self])
}

/// The virtual reader a measurement serves its simulated card to.
struct DiagnoseTarget: ParsableArguments {
    @Option(help: "The virtual reader to use (its vpcd port serves the simulated card).")
    var reader = "Virtual PCD 00 00"

    func validate() throws {
        guard VirtualReaders.port(forReader: reader) != nil else {
            throw ValidationError("\"\(reader)\" is not one of the virtual readers of Hardware/pcscd")
        }
    }
}

/// Latency figures of a series of timed operations.
struct LatencySummary: CustomStringConvertible {
    var samples: [Duration]

    func percentile(_ fraction: Double) -> Duration {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return .zero }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction))]
    }

    static func format(_ duration: Duration) -> String {
        let micros = Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
        return micros >= 1000 ? String(format: "%.2f ms", micros / 1000) : String(format: "%.1f µs", micros)
    }

    var description: String {
        "n=\(samples.count) median \(Self.format(percentile(0.5))) p99 \(Self.format(percentile(0.99))) "
            + "max \(Self.format(percentile(1)))"
    }
}

struct DiagnoseAPDUCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apdu",
        abstract: "Time GET UID round trips to a simulated card, in-process and through pcscd + vpcd.")

    @Option(help: "Round trips to time on each path.")
    var count = 1000

    @OptionGroup var target: DiagnoseTarget

    var reader: String { target.reader }

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive") }
    }

    func run() async throws {
        let card = SimulatedUIDCard(uid: [0x04, 0xA1, 0xB2, 0xC3])
        let mock = SimulatedReader(readers: ["mock"])
        mock.insert(card, into: "mock")
        let mockSummary = try await Self.time(count, on: try await mock.connect(reader: "mock"))
        Console.line("mock reader:   \(mockSummary)")

        let bridge = VPCDBridge(card: card, port: VirtualReaders.port(forReader: reader) ?? 0)
        try bridge.insert()
        defer { bridge.remove() }
        let channel = try await Self.connectWhenPowered(reader)
        let pcscSummary = try await Self.time(count, on: channel)
        try? await channel.disconnect(disposition: .leave)
        Console.line("pcscd + vpcd:  \(pcscSummary)")
        let ratio = Double(pcscSummary.percentile(0.5).components.attoseconds)
            / Double(max(1, mockSummary.percentile(0.5).components.attoseconds))
        Console.line(String(format: "median ratio pcscd/mock: %.0f×", ratio))
    }

    static func time(_ count: Int, on channel: any CardChannel) async throws -> LatencySummary {
        let clock = ContinuousClock()
        var samples: [Duration] = []
        samples.reserveCapacity(count)
        for _ in 0..<count {
            let start = clock.now
            _ = try await channel.readUID()
            samples.append(clock.now - start)
        }
        return LatencySummary(samples: samples)
    }

    static func connectWhenPowered(_ reader: String) async throws -> any CardChannel {
        for _ in 0..<40 {
            if let channel = try? await PCSCCardReader().connect(reader: reader) { return channel }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await PCSCCardReader().connect(reader: reader)
    }
}

struct DiagnoseInsertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insert",
        abstract: "Time from inserting a simulated card at a virtual reader to the monitor's cardInserted event.")

    @Option(help: "Insertions to time.")
    var count = 20

    @OptionGroup var target: DiagnoseTarget

    var reader: String { target.reader }

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive") }
    }

    func run() async throws {
        let bridge = VPCDBridge(card: SimulatedUIDCard(uid: [0x04, 0x01, 0x02, 0x03]),
                                port: VirtualReaders.port(forReader: reader) ?? 0)
        var iterator = ReaderMonitor().makeAsyncIterator()
        let clock = ContinuousClock()
        var samples: [Duration] = []
        for _ in 0..<count {
            let start = clock.now
            try bridge.insert()
            while let event = try await iterator.next() {
                if case .cardInserted(let name, _) = event, name == reader { break }
            }
            samples.append(clock.now - start)
            bridge.remove()
            while let event = try await iterator.next() {
                if case .cardRemoved(let name) = event, name == reader { break }
            }
        }
        Console.line("insert to cardInserted through pcscd: \(LatencySummary(samples: samples))")
    }
}
