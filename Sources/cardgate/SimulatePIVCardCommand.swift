import ArgumentParser
import CardSimulator
import Foundation
import PIV
import Synchronization

/// `cardgate simulate piv-card`: serves a simulated PIV card to a virtual reader, keeping its image on disk.
struct SimulatePIVCardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "piv-card",
        abstract: "Serve a simulated PIV card (blank, or from a JSON image that keeps its keys) until stopped.")

    @Option(help: "The card image file (JSON). Created blank if missing; saved after every change.")
    var image: String

    @Flag(help: "Start from a factory-blank card even if the image exists (the image is overwritten).")
    var blank = false

    @Flag(help: "Present the card as contactless: only the Card Authentication key (9E) works.")
    var contactless = false

    @OptionGroup var target: VPCDOptions

    func run() async throws {
        let url = URL(fileURLWithPath: image)
        let exists = FileManager.default.fileExists(atPath: url.path)
        let card = blank || !exists
            ? SimulatedPIVCard(contactless: contactless)
            : try SimulatedPIVCard(contentsOf: url, contactless: contactless)
        try card.save(to: url)
        let persistent = PersistentPIVCard(card: card, url: url)
        let slots = card.image.keySlots.map { [$0.rawValue].hexString() }.joined(separator: ", ")
        let state = slots.isEmpty ? "blank" : "keys in \(slots)"
        try await target.serve(persistent, label: "PIV card (\(state), image \(image))")
    }
}

/// A simulated PIV card that writes its image to disk whenever a command changed it, so keys generated on the
/// card survive the process.
final class PersistentPIVCard: SimulatedCard {
    let card: SimulatedPIVCard
    let url: URL
    private let saved: Mutex<PIVCardImage>

    init(card: SimulatedPIVCard, url: URL) {
        self.card = card
        self.url = url
        self.saved = Mutex(card.image)
    }

    var atr: [UInt8] { card.atr }

    func reset() { card.reset() }

    func respond(to command: [UInt8]) -> [UInt8] {
        let response = card.respond(to: command)
        let current = card.image
        let changed = saved.withLock { last in
            guard last != current else { return false }
            last = current
            return true
        }
        if changed {
            do { try current.save(to: url) } catch { Console.error("cannot save the card image: \(error)") }
        }
        return response
    }
}
