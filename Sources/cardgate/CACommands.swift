import ArgumentParser
import Foundation
import PIV

/// `cardgate ca …`: the office certificate authority for demos and tests.
struct CACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca", abstract: "Manage a demo office certificate authority.",
        subcommands: [CAInitCommand.self])
}

struct CAInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an ECC P-256 office CA (ca-key.pem, mode 0600, and ca-cert.pem) in a directory.")

    @Option(help: "The directory to write the CA into (created if missing; existing CA files are kept).")
    var out: String

    @Option(help: "The CA's common name.")
    var name = "CardGate Office CA"

    @Option(help: "The organization name in the CA's subject.")
    var organization = "CardGate"

    @Option(help: "Validity in years.")
    var years = 10

    func validate() throws {
        guard (1...30).contains(years) else { throw ValidationError("--years must be 1 to 30") }
    }

    func run() async throws {
        let ca = try OfficeCA.create(name: name, organization: organization, years: years)
        try ca.write(to: URL(fileURLWithPath: out))
        print("CA written to \(out)")
        print("subject      \(ca.certificate.subject)")
        print("valid until  \(ca.certificate.notValidAfter)")
        print("sha256       \(IssuedCard.fingerprint(of: try ca.certificate.derBytes()))")
    }
}
