import AccessPolicy
import AccessStore
import Crypto
import Foundation
import GateServer
import PIV
import X509

/// Creates a load kit: a CardGate database holding the reference site, an office CA with software P-256 cards
/// enrolled for some people, a controller token bound to some doors, and the taps the load runs replay.
///
/// Taps are chosen so that the policy grants them at any hour: a staff member of a department that holds an
/// access level with an around-the-clock schedule (open on holidays too), at a `normal` door of that level.
/// UID taps use doors whose minimum assurance is `uid`; PIV taps any such door.
struct LoadSetup {
    typealias Scale = ReferenceSite.Scale

    /// Who may tap where, for the taps the kit writes.
    private struct Grant {
        var doors: [String]
        var people: [Int]
    }

    let kit: KitFiles
    let scale: Scale
    let pivCards: Int
    let uidPairs: Int
    let controllerDoors: Int

    func run() async throws {
        let started = ContinuousClock.now
        var model = ReferenceSite.generate(scale: scale)
        log("generated the site: \(model.people.count) people, \(model.credentials.count) cards, "
            + "\(model.doors.count) doors, \(model.accessLevels.count) access levels", since: started)
        var random = SplitMix64(seed: 7)
        let grants = try grants(in: model)
        let doorSet = Set(grants.flatMap(\.doors))
        log("\(grants.count) around-the-clock levels; controller doors: \(doorSet.count)", since: started)

        let credentialIndex = Dictionary(grouping: model.credentials.indices) { model.credentials[$0].personId }
        let doorsById = Dictionary(uniqueKeysWithValues: model.doors.map { ($0.id, $0) })
        func activeCredential(of person: Int, _ kind: CredentialKind) -> Int? {
            credentialIndex[model.people[person].id]?.first {
                model.credentials[$0].kind == kind && model.credentials[$0].status == .active
            }
        }

        var uidLines: [String] = []
        var attempts = 0
        while uidLines.count < uidPairs, attempts < uidPairs * 50 {
            attempts += 1
            let grant = grants[random.below(grants.count)]
            let door = grant.doors[random.below(grant.doors.count)]
            guard doorsById[door]?.minAssurance == .uid,
                let credential = activeCredential(of: grant.people[random.below(grant.people.count)], .uid),
                case .uid(let uid) = model.credentials[credential].identifier
            else { continue }
            uidLines.append("\(door) \(uid)")
        }

        let ca = try OfficeCA.create(name: "CardGate LoadBench CA", organization: "CardGate LoadBench")
        try ca.write(to: kit.caDirectory)
        var pivLines: [String] = []
        var enrolled = Set<Int>()
        attempts = 0
        let now = Date()
        while pivLines.count < pivCards, attempts < pivCards * 50 {
            attempts += 1
            let grant = grants[random.below(grants.count)]
            let person = grant.people[random.below(grant.people.count)]
            guard !enrolled.contains(person), let credential = activeCredential(of: person, .piv) else { continue }
            enrolled.insert(person)
            let key = P256.Signing.PrivateKey()
            let guid = UUID()
            let certificate = try ca.issue(
                publicKey: Certificate.PublicKey(key.publicKey), slot: .cardAuthentication,
                holder: model.people[person].displayName, guid: guid, notBefore: now.addingTimeInterval(-86_400),
                notAfter: now.addingTimeInterval(2 * 365 * 86_400))
            let der = try certificate.serializeAsPEM().derBytes
            let fingerprint = SHA256.hash(data: der).map { String(format: "%02X", $0) }.joined()
            let guidHex = guid.uuidString.replacingOccurrences(of: "-", with: "").uppercased()
            model.credentials[credential].identifier = .piv(fingerprint: fingerprint, guid: guidHex)
            let door = grant.doors[random.below(grant.doors.count)]
            pivLines.append("\(door) \(Data(der).base64EncodedString()) \(key.rawRepresentation.base64EncodedString())")
        }
        log("\(uidLines.count) UID taps, \(pivLines.count) PIV cards issued by the kit's CA", since: started)

        let outcome = try StoreInitializer(actor: "load-bench setup")
            .initialize(databasePath: kit.database, adminTokenPath: kit.adminToken)
        let journal = JournalWriter(key: try JournalKey.load(from: outcome.journalKeyPath))
        let store = try AccessStore.open(at: kit.database)
        let report = try await store.apply(model, scope: .all, actor: "load-bench setup", journal: journal)
        try await store.writer.write { db in _ = try journal.checkpointIfDue(in: db, force: true) }
        log("applied to \(kit.database): \(report.summary)", since: started)

        let doors = doorSet.sorted()
        let token = try await TokenAuthenticator(writer: store.writer)
            .create(role: .controller, doorIds: doors, name: "load-bench controller")
        guard FileManager.default.createFile(atPath: kit.controllerToken, contents: Data((token.secret + "\n").utf8),
            attributes: [.posixPermissions: 0o600])
        else { throw KitError("cannot write \(kit.controllerToken)") }
        try KitFiles.write(uidLines, to: kit.uidPairs)
        try KitFiles.write(pivLines, to: kit.pivCards)
        try KitFiles.write(doors, to: kit.doors)
        let size = (try? FileManager.default.attributesOfItem(atPath: kit.database)[.size] as? Int) ?? 0
        log("controller token \(token.id) bound to \(doors.count) doors; database \(size / 1_000_000) MB; "
            + "files in \(kit.directory)", since: started)
    }

    /// Around-the-clock levels (open on holidays too), each with its `normal` doors (at most `controllerDoors` in
    /// all, taken level by level) and the active staff of its departments.
    private func grants(in model: SiteModel) throws -> [Grant] {
        let allDay = Set(model.schedules.filter { schedule in
            schedule.onHolidays == .ignore && schedule.intervals.contains {
                $0.days == .everyDay && $0.start == .midnight && $0.end == .endOfDay
            }
        }.map(\.id))
        let normalDoors = Set(model.doors.filter { $0.mode == .normal }.map(\.id))
        var staff: [String: [Int]] = [:]
        for (index, person) in model.people.enumerated()
        where person.kind == .staff && person.status == .active {
            if let department = person.departmentId { staff[department, default: []].append(index) }
        }
        let now = Date()
        var grants: [Grant] = []
        var taken = Set<String>()
        for level in model.accessLevels where allDay.contains(level.scheduleId) && level.validity.contains(now) {
            let people = level.departmentIds.flatMap { staff[$0] ?? [] }
            var doors = level.doorIds.filter { normalDoors.contains($0) && taken.contains($0) }
            for door in level.doorIds where normalDoors.contains(door) && !taken.contains(door) {
                guard taken.count < controllerDoors else { break }
                taken.insert(door)
                doors.append(door)
            }
            if !people.isEmpty, !doors.isEmpty { grants.append(Grant(doors: doors, people: people)) }
        }
        guard !grants.isEmpty else { throw KitError("the site has no around-the-clock level with staff and doors") }
        return grants
    }

    private func log(_ message: String, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        print(String(format: "[%6.1f s] ", Double(elapsed.components.seconds)
            + Double(elapsed.components.attoseconds) / 1e18) + message)
    }
}
