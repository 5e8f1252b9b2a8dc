import AccessPolicy
import ArgumentParser
import SiteFile

/// `cardgate policy …`: ask the policy engine.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Ask the access-policy engine.",
        subcommands: [PolicyExplainCommand.self]
    )
}

/// `cardgate policy explain …`: what would happen if a person presented their card at a door at a time, and why.
struct PolicyExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show the decision for a person at a door at a time, and why (a what-if tool)."
    )

    @Option(name: .long, help: "The site file (YAML).")
    var site: String

    @Option(name: .long, help: "The people file (YAML or CSV) with people and their cards.")
    var people: String

    @Option(name: .long, help: "The person's id.")
    var person: String

    @Option(name: .long, help: "The door's id.")
    var door: String

    @Option(name: .long, help: "Site-local \"YYYY-MM-DD HH:MM\", or ISO 8601 with an offset.")
    var at: String

    @Option(name: .long, help: "The card's id (default: the person's first active card).")
    var card: String?

    @Option(name: .long, help: "Assurance established: uid, pki_cak or pki_auth_pin (default: the card's usual).")
    var assurance: String?

    @Option(name: .long, help: "A PIN typed at the door.")
    var pin: String?

    @Option(name: .long, help: "in or out.")
    var direction: String = "in"

    @Option(name: .long, help: "en, vi or both.")
    var language: String = "both"

    func validate() throws {
        if let assurance, Assurance(rawValue: assurance) == nil {
            throw ValidationError("--assurance must be uid, pki_cak or pki_auth_pin")
        }
        guard Direction(rawValue: direction) != nil else { throw ValidationError("--direction must be in or out") }
        guard ["en", "vi", "both"].contains(language) else {
            throw ValidationError("--language must be en, vi or both")
        }
    }

    func run() throws {
        let model = try SiteFiles.load([site, people])
        guard let time = SiteTime.parse(at, timeZone: model.timeZone) else {
            throw ValidationError("--at must be \"YYYY-MM-DD HH:MM\" (site time) or ISO 8601 with an offset")
        }
        guard model.people.contains(where: { $0.id == person }) else {
            throw ValidationError("no person \"\(person)\" in \(people)")
        }
        let cards = model.credentials.filter { $0.personId == person }
        let chosen = card.map { id in cards.first { $0.id == id } }
            ?? (cards.first { $0.status == .active } ?? cards.first)
        guard let chosen else {
            throw ValidationError(card.map { "person \"\(person)\" has no card \"\($0)\"" }
                ?? "person \"\(person)\" has no card")
        }
        let established = assurance.flatMap(Assurance.init(rawValue:))
            ?? (chosen.kind == .piv ? .pkiCak : .uid)
        let snapshot: PolicySnapshot
        do {
            snapshot = try PolicySnapshot(model: model)
        } catch {
            SiteFiles.printError(error.description)
            throw ExitCode.failure
        }
        let request = AccessRequest(doorId: door, credential: chosen.key, assurance: established, pin: pin,
            direction: Direction(rawValue: direction) ?? .in, time: time)
        let decision = snapshot.decide(request)
        print("\(SiteTime.format(time, timeZone: model.timeZone)) \(model.timeZone.identifier), card \(chosen.id), "
            + "assurance \(established.rawValue), direction \(direction)")
        let languages: [ExplanationLanguage] =
            switch language {
            case "en": [.english]
            case "vi": [.vietnamese]
            default: [.english, .vietnamese]
            }
        for language in languages {
            print("")
            print(decision.explanation(in: language, site: model))
        }
        if pin != nil {
            print("")
            print("note: PINs are checked by the store's hash verifier; this tool accepts none.")
        }
    }
}
