import AccessPolicy
import Synchronization

/// Where the authority gets the policy in force. The store-backed provider that rebuilds on model changes
/// satisfies it; ``StaticPolicySource`` holds one given policy.
public protocol PolicySource: Sendable {
    /// The policy in force, or nil when none could be built (then every tap is denied).
    func currentPolicy() -> CompiledPolicy?
}

/// A ``PolicySnapshot`` with the look-ups the HTTP layer needs: people's names and doors' zones by id.
public final class CompiledPolicy: Sendable {
    public let snapshot: PolicySnapshot
    let displayNames: [String: String]
    let doors: [String: Door]
    let zoneIds: Set<String>

    /// - Parameter previous: a policy whose look-ups are kept where its model's people, doors or zones are the
    ///   snapshot's (after a card's change, all three are).
    public init(snapshot: PolicySnapshot, previous: CompiledPolicy? = nil) {
        self.snapshot = snapshot
        let model = snapshot.model
        let kept = previous.map { ($0, $0.snapshot.model) }
        self.displayNames =
            if case let (previous, old)? = kept, old.people == model.people { previous.displayNames } else {
                Dictionary(model.people.map { ($0.id, $0.displayName) }) { first, _ in first }
            }
        self.doors =
            if case let (previous, old)? = kept, old.doors == model.doors { previous.doors } else {
                Dictionary(model.doors.map { ($0.id, $0) }) { first, _ in first }
            }
        self.zoneIds =
            if case let (previous, old)? = kept, old.zones == model.zones { previous.zoneIds } else {
                Set(model.zones.map(\.id))
            }
    }

    /// The zone a passage through `doorId` in `direction` enters (nil: outside the site).
    func zoneEntered(doorId: String, direction: Direction) -> String? {
        guard let door = doors[doorId] else { return nil }
        return direction == .in ? door.toZoneId : door.fromZoneId
    }
}

/// A policy source holding one policy, replaceable (site files loaded at start, tests).
public final class StaticPolicySource: PolicySource {
    private let policy: Mutex<CompiledPolicy?>

    public init(_ policy: CompiledPolicy?) {
        self.policy = Mutex(policy)
    }

    /// Compiles `model`; throws its validation problems.
    public convenience init(model: SiteModel, pinVerifier: any PINVerifier = RejectingPINVerifier()) throws {
        self.init(CompiledPolicy(snapshot: try PolicySnapshot(model: model, pinVerifier: pinVerifier)))
    }

    public func currentPolicy() -> CompiledPolicy? { policy.withLock { $0 } }

    /// Puts `newPolicy` in force.
    public func replace(_ newPolicy: CompiledPolicy?) { policy.withLock { $0 = newPolicy } }
}
