import AccessPolicy
import Foundation
import Testing

/// A snapshot compiled from its predecessor after a change of credentials alone, or of people alone, decides as one
/// compiled whole.
@Suite struct IncrementalCompileTests {
    static let model = ReferenceSite.generate(scale: .small, seed: 11)

    /// The requests of `model`'s samples, and one for every credential of `model` at the samples' doors and times.
    static func requests(_ model: SiteModel, _ changed: [Credential]) -> [AccessRequest] {
        let samples = ReferenceSite.sampleRequests(in: model, count: 300, seed: 5)
        var requests = samples
        for (index, credential) in changed.enumerated() {
            var request = samples[index % samples.count]
            request.credential = credential.key
            request.assurance = credential.kind == .piv ? .pkiCak : .uid
            requests.append(request)
        }
        return requests
    }

    /// The model with some cards suspended, revoked, lost, expired, removed, moved to another person and added.
    static func changedCredentials(seed: UInt64) -> (SiteModel, [Credential]) {
        var random = SplitMix64(seed: seed)
        var model = Self.model
        var touched: [Credential] = []
        for _ in 0..<40 {
            let index = random.below(model.credentials.count)
            switch random.below(6) {
            case 0: model.credentials[index].status = .suspended
            case 1: model.credentials[index].status = .revoked
            case 2: model.credentials[index].status = .lost
            case 3:
                model.credentials[index].validity = ValidityWindow(
                    from: nil, until: Date(timeIntervalSince1970: 1_700_000_000))
            case 4: model.credentials[index].personId = model.people[random.below(model.people.count)].id
            default:
                touched.append(model.credentials.remove(at: index))
                continue
            }
            touched.append(model.credentials[index])
        }
        for number in 0..<10 {
            let person = model.people[random.below(model.people.count)].id
            let uid = String(format: "0E%06X%02X", Int(seed % 0xFFFFFF), number)
            let credential = Credential(id: "added-\(number)", personId: person, identifier: .uid(hex: uid)!)
            model.credentials.append(credential)
            touched.append(credential)
        }
        return (model, touched)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func aCredentialChangeDecidesAsAWholeCompile(seed: UInt64) throws {
        let (changed, touched) = Self.changedCredentials(seed: seed)
        try Self.expectSameDecisions(after: changed, requests: Self.requests(changed, touched))
    }

    /// Compiles `changed` from the unchanged model's snapshot and whole, and expects the same decision from both for
    /// every request; the decisions must be varied (granted cards, and cards denied for their new state).
    static func expectSameDecisions(after changed: SiteModel, requests: [AccessRequest]) throws {
        let previous = try PolicySnapshot(model: model, pinVerifier: PlainPINVerifier())
        let incremental = try PolicySnapshot(model: changed, pinVerifier: PlainPINVerifier(), previous: previous)
        let whole = try PolicySnapshot(model: changed, pinVerifier: PlainPINVerifier())
        #expect(incremental.model == changed)
        var reasons: Set<DecisionReason> = []
        for request in requests {
            let decision = incremental.decide(request)
            #expect(decision == whole.decide(request))
            reasons.insert(decision.reason)
        }
        #expect(reasons.contains(.granted))
        #expect(reasons.count >= 3)
    }

    @Test func aCredentialOfNoKnownPersonIsRefusedAsTheWholeValidationRefusesIt() throws {
        let previous = try PolicySnapshot(model: Self.model, pinVerifier: PlainPINVerifier())
        var changed = Self.model
        changed.credentials[3].personId = "nobody"
        changed.credentials[5].identifier = changed.credentials[4].identifier
        #expect(changed.validateCredentials() == changed.validate())
        #expect(changed.validateCredentials().count == 2)
        #expect(throws: SiteValidationError(problems: changed.validate())) {
            try PolicySnapshot(model: changed, pinVerifier: PlainPINVerifier(), previous: previous)
        }
    }

    /// The model with some people made inactive, renamed, moved to another department (or none), made responders
    /// and given PINs, their ids kept.
    static func changedPeople(seed: UInt64) -> SiteModel {
        var random = SplitMix64(seed: seed)
        var model = Self.model
        for _ in 0..<60 {
            let index = random.below(model.people.count)
            switch random.below(5) {
            case 0: model.people[index].status = .inactive
            case 1: model.people[index].displayName += " (renamed)"
            case 2:
                model.people[index].departmentId =
                    random.below(4) == 0 ? nil : model.departments[random.below(model.departments.count)].id
            case 3: model.people[index].responder.toggle()
            default: model.people[index].pinHash = "plain:\(random.below(10_000))"
            }
        }
        return model
    }

    @Test(arguments: [4, 5, 6] as [UInt64])
    func aChangeOfPeopleDecidesAsAWholeCompile(seed: UInt64) throws {
        let changed = Self.changedPeople(seed: seed)
        try Self.expectSameDecisions(after: changed, requests: Self.requests(changed, []))
    }

    @Test func aPersonOfNoKnownDepartmentIsRefusedAsTheWholeValidationRefusesIt() throws {
        let previous = try PolicySnapshot(model: Self.model, pinVerifier: PlainPINVerifier())
        var changed = Self.model
        changed.people[7].departmentId = "nowhere"
        changed.people[9].displayName = "tab\there"
        #expect(changed.validatePeopleKeepingIds() == changed.validate())
        #expect(changed.validatePeopleKeepingIds().count == 2)
        #expect(throws: SiteValidationError(problems: changed.validate())) {
            try PolicySnapshot(model: changed, pinVerifier: PlainPINVerifier(), previous: previous)
        }
    }

    @Test func peopleAddedOrRemovedAreCompiledWhole() throws {
        let previous = try PolicySnapshot(model: Self.model, pinVerifier: PlainPINVerifier())
        var changed = Self.changedPeople(seed: 7)
        // One person leaves with their cards and levels; one arrives first in the list (every index moves).
        let removed = changed.people[10].id
        changed.people.remove(at: 10)
        changed.credentials.removeAll { $0.personId == removed }
        for index in changed.accessLevels.indices {
            changed.accessLevels[index].assignments.removeAll { $0.holder == .person(removed) }
        }
        changed.people.insert(Person(id: "aaa-first", displayName: "First"), at: 0)
        let updated = try PolicySnapshot(model: changed, pinVerifier: PlainPINVerifier(), previous: previous)
        let whole = try PolicySnapshot(model: changed, pinVerifier: PlainPINVerifier())
        for request in Self.requests(changed, []) {
            #expect(updated.decide(request) == whole.decide(request))
        }
    }

    @Test func eachKindOfChangeTakesItsWay() {
        let model = Self.model
        #expect(model.difference(to: model) == .nothing)
        #expect(model.difference(to: Self.changedCredentials(seed: 1).0) == .credentials)
        #expect(model.difference(to: Self.changedPeople(seed: 4)) == .peopleKeepingIds)
        var both = Self.changedPeople(seed: 4)
        both.credentials = Self.changedCredentials(seed: 1).0.credentials
        #expect(model.difference(to: both) == .more)
        var added = model
        added.people.append(Person(id: "zzz-last", displayName: "Last"))
        #expect(model.difference(to: added) == .more)
        var door = model
        door.doors[0].unlockSeconds += 1
        #expect(model.difference(to: door) == .more)
    }

    /// What an administrative edit is refused for: the problems a whole validation finds after the change and not
    /// before it, compared without positions.
    static func introducedByWholeValidation(_ before: SiteModel, _ after: SiteModel) -> [SiteModelProblem] {
        func key(_ problem: SiteModelProblem) -> String {
            "\(problem.collection)|\(problem.id)|\(problem.field ?? "")|\(problem.message)"
        }
        let known = Set(before.validate().map(key))
        return after.validate().filter { !known.contains(key($0)) }
    }

    @Test func theProblemsACardOrPersonChangeIntroducesAreThoseTheWholeValidationFinds() {
        // A model with problems of its own: a door into no zone, a card of nobody, a person of no department.
        var broken = Self.model
        broken.doors[0].toZoneId = "nowhere"
        broken.credentials[2].personId = "ghost"
        broken.people[4].departmentId = "gone"
        var cards = broken
        cards.credentials[5].personId = "nobody"
        cards.credentials[6].identifier = cards.credentials[7].identifier
        cards.credentials[2].status = .revoked
        var people = broken
        people.people[8].displayName = "tab\there"
        people.people[9].departmentId = "elsewhere"
        people.people[4].status = .inactive
        for changed in [cards, people] {
            let introduced = broken.problemsIntroduced(by: changed)
            #expect(introduced == Self.introducedByWholeValidation(broken, changed))
            #expect(introduced.count == 2)
        }
        var fixed = broken
        fixed.credentials[2].personId = fixed.people[0].id
        #expect(broken.problemsIntroduced(by: fixed).isEmpty)
        #expect(broken.problemsIntroduced(by: broken).isEmpty)
    }

    @Test func aChangeBeyondTheCredentialsIsCompiledWhole() throws {
        let previous = try PolicySnapshot(model: Self.model, pinVerifier: PlainPINVerifier())
        var (changed, touched) = Self.changedCredentials(seed: 9)
        for index in stride(from: 0, to: changed.people.count, by: 7) { changed.people[index].status = .inactive }
        changed.doors[0].mode = .locked
        let updated = try PolicySnapshot(model: changed, pinVerifier: PlainPINVerifier(), previous: previous)
        let whole = try PolicySnapshot(model: changed, pinVerifier: PlainPINVerifier())
        for request in Self.requests(changed, touched) {
            #expect(updated.decide(request) == whole.decide(request))
        }
        // A change that would not validate beyond the credentials is still refused.
        changed.doors[1].toZoneId = "nowhere"
        #expect(throws: SiteValidationError.self) {
            try PolicySnapshot(model: changed, pinVerifier: PlainPINVerifier(), previous: previous)
        }
    }
}
