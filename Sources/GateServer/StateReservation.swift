import AccessPolicy

/// A state change made before its event is journaled, and what undoing it takes.
///
/// The tap path applies a decision's ``StateChange`` under the state lock together with the evaluation, so that
/// concurrent taps see each other (two people cannot both take a zone's last place). The change is a reservation
/// until the event is committed: if the journal fails, ``undo(in:)`` takes it back, so a denied tap leaves no
/// phantom presence or occupancy behind.
///
/// Undoing is exact under concurrency: occupancy counts are adjusted by the deltas this change made, and keyed
/// entries (presence, pending two-person taps, escorts) are restored only while they still hold what this change
/// wrote, so a later tap's change is never overwritten.
struct StateReservation: Sendable, Hashable {
    private var personId: String?
    private var presence: Entry<SiteState.Presence>?
    private var doorId: String?
    private var pending: Entry<SiteState.Tap>?
    private var escort: Entry<SiteState.Tap>?
    private var occupancyDeltas: [String: Int] = [:]

    private struct Entry<Value: Sendable & Hashable>: Sendable, Hashable {
        var before: Value?
        var after: Value?
    }

    /// Applies `change` to `state` and records how to undo it.
    init(applying change: StateChange, to state: inout SiteState) {
        let doorId: String
        var zones: Set<String> = []
        switch change {
        case .passage(let passage):
            doorId = passage.doorId
            personId = passage.personId
            if let zone = state.presence[passage.personId]?.zoneId { zones.insert(zone) }
            if let zone = passage.toZoneId { zones.insert(zone) }
        case .twoPersonPending(let door, _):
            doorId = door
        }
        self.doorId = doorId
        let presenceBefore = personId.flatMap { state.presence[$0] }
        let pendingBefore = state.pendingTwoPerson[doorId]
        let escortBefore = state.lastEscort[doorId]
        let occupancyBefore = zones.map { ($0, state.occupancy[$0] ?? 0) }
        state.apply(change)
        if let personId { presence = Entry(before: presenceBefore, after: state.presence[personId]) }
        pending = Entry(before: pendingBefore, after: state.pendingTwoPerson[doorId])
        escort = Entry(before: escortBefore, after: state.lastEscort[doorId])
        for (zone, count) in occupancyBefore {
            let delta = (state.occupancy[zone] ?? 0) - count
            if delta != 0 { occupancyDeltas[zone] = delta }
        }
    }

    /// Takes the change back.
    func undo(in state: inout SiteState) {
        if let personId, let presence, state.presence[personId] == presence.after {
            state.presence[personId] = presence.before
        }
        if let doorId {
            if let pending, state.pendingTwoPerson[doorId] == pending.after {
                state.pendingTwoPerson[doorId] = pending.before
            }
            if let escort, state.lastEscort[doorId] == escort.after { state.lastEscort[doorId] = escort.before }
        }
        for (zone, delta) in occupancyDeltas {
            let count = (state.occupancy[zone] ?? 0) - delta
            state.occupancy[zone] = count > 0 ? count : nil
        }
    }
}
