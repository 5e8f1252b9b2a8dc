import Foundation

/// The files of one load kit, all in one directory: what `setup` writes and what the load runs read.
struct KitFiles: Sendable {
    /// One PIV card of the kit: the door it taps at, its certificate (standard base64 DER) and its P-256 key.
    struct PIVCard: Sendable {
        var doorId: String
        var certificateBase64: String
        var privateKey: [UInt8]
    }

    let directory: String

    var database: String { directory + "/cardgate.sqlite" }
    var adminToken: String { directory + "/admin.token" }
    var controllerToken: String { directory + "/controller.token" }
    var caDirectory: URL { URL(fileURLWithPath: directory + "/ca") }
    var caCertificate: String { directory + "/ca/ca-cert.pem" }
    /// `doorId UID` per line: UID taps that the reference site grants at any hour.
    var uidPairs: String { directory + "/uids.txt" }
    /// `doorId certificate-base64 private-key-base64` per line.
    var pivCards: String { directory + "/piv-cards.txt" }
    /// The doors the controller token is bound to, one per line.
    var doors: String { directory + "/doors.txt" }

    /// The controller token's secret.
    func readControllerToken() throws -> String {
        try String(contentsOfFile: controllerToken, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func readPIVCards() throws -> [PIVCard] {
        let text = try String(contentsOfFile: pivCards, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let fields = line.split(separator: " ")
            guard fields.count == 3, let key = Data(base64Encoded: String(fields[2])) else {
                throw KitError("\(pivCards): malformed line '\(line.prefix(40))…'")
            }
            return PIVCard(doorId: String(fields[0]), certificateBase64: String(fields[1]), privateKey: Array(key))
        }
    }

    /// Writes `lines` to `path`, one per line.
    static func write(_ lines: [String], to path: String) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}

/// A problem with the kit's files or the server's answers.
struct KitError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
