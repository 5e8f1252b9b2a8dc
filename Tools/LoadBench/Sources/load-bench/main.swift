// load-bench: builds the reference-site database for load runs and drives PIV taps against a running cardgated.
// See Tools/LoadBench/README.md.
import Foundation

let usage = """
    usage: load-bench setup --dir DIR [--piv-cards N] [--uid-pairs N] [--doors N] [--scale reference|small]
               creates DIR/cardgate.sqlite with the reference site, an office CA, PIV cards, a controller token,
               DIR/uids.txt and DIR/piv-cards.txt (DIR must not hold a database yet)
           load-bench piv --dir DIR --server HOST:PORT --connections N --duration S [--warmup S]
               closed loop: N connections, each tap = POST challenges, sign, POST access; prints taps/s
           load-bench piv --dir DIR --server HOST:PORT --rate R --duration S [--connections N] [--warmup S]
               open loop: taps scheduled at R per second; latency from the scheduled send time
           load-bench rebuild --dir DIR [--rounds N]
               times the phases of a policy rebuild on DIR/cardgate.sqlite (read, validate, compile)
    """

/// The value after `--name`, if any.
func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: "--" + name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

/// The integer after `--name`, `fallback` when absent; exits on a value that is not a positive number.
func number(_ name: String, _ fallback: Double) -> Double {
    guard let text = option(name) else { return fallback }
    guard let value = Double(text), value > 0 else { fail("--\(name) must be a positive number, not '\(text)'") }
    return value
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("load-bench: \(message)\n".utf8))
    exit(2)
}

let command = CommandLine.arguments.dropFirst().first ?? ""
guard let dir = option("dir") else {
    print(usage)
    exit(command == "--help" || command == "-h" ? 0 : 2)
}
let kit = KitFiles(directory: dir)
do {
    switch command {
    case "setup":
        let scaleName = option("scale") ?? "reference"
        guard let scale = ["reference": LoadSetup.Scale.reference, "small": .small][scaleName] else {
            fail("--scale must be reference or small")
        }
        let setup = LoadSetup(
            kit: kit, scale: scale, pivCards: Int(number("piv-cards", 1_000)),
            uidPairs: Int(number("uid-pairs", 20_000)), controllerDoors: Int(number("doors", 200)))
        try await setup.run()
    case "piv":
        guard let server = option("server"), let address = Endpoint(server) else {
            fail("--server HOST:PORT (IPv4) is required")
        }
        let rate = option("rate").map { _ in number("rate", 1) }
        let load = PIVLoad(
            kit: kit, endpoint: address, connections: Int(number("connections", rate == nil ? 8 : 32)),
            duration: number("duration", 20), warmup: option("warmup").map { Double($0) ?? 0 } ?? 3)
        let report = try load.run(rate: rate)
        print(report)
    case "rebuild":
        print(try await PolicyRebuild(kit: kit, rounds: max(1, Int(number("rounds", 5)))).run())
    default:
        print(usage)
        exit(2)
    }
} catch {
    fail("\(error)")
}
