import AccessPolicy
import Foundation
import Testing

/// A snapshot compiled from its predecessor after a change of credentials alone decides as one compiled whole.
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
        let previous = try PolicySnapshot(model: Self.model, pinVerifier: PlainPINVerifier())
        let (changed, touched) = Self.changedCredentials(seed: seed)
        let incremental = try PolicySnapshot(model: changed, pinVerifier: PlainPINVerifier(), previous: previous)
        let whole = try PolicySnapshot(model: changed, pinVerifier: PlainPINVerifier())
        #expect(incremental.model == changed)
        var reasons: Set<DecisionReason> = []
        for request in Self.requests(changed, touched) {
            let decision = incremental.decide(request)
            #expect(decision == whole.decide(request))
            reasons.insert(decision.reason)
        }
        // The changes show: granted cards, and cards denied for their new state.
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
