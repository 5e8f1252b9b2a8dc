import Foundation

extension PolicySnapshot {
    /// The decision for a request against a state; see ``evaluate(_:in:)``.
    public func decide(_ request: AccessRequest, in state: SiteState = SiteState()) -> Decision {
        evaluate(request, in: state).decision
    }

    /// Decides a request and says how the state changes; pure: reads only the snapshot, the state and the request.
    ///
    /// Checks run in the order of ``DecisionReason/denialPrecedence`` and the first failure is the reason. A deny
    /// carries no state change, except `two_person_pending`, which records the tap it is waiting to pair.
    /// On the grant path nothing is allocated.
    public func evaluate(_ request: AccessRequest, in state: SiteState) -> Evaluation {
        guard let doorNumber = doorIndex[request.doorId] else {
            return Evaluation(decision: .deny(.unknownDoor, doorId: request.doorId), change: nil)
        }
        let door = doors[Int(doorNumber)]
        guard let credentialNumber = credentialIndex[request.credential] else {
            return Evaluation(decision: .deny(.unknownCredential, doorId: door.id), change: nil)
        }
        let credential = credentials[Int(credentialNumber)]
        let person = people[Int(credential.person)]
        var decision = Decision(outcome: .deny, reason: .unknownCredential, doorId: door.id, personId: person.id,
            credentialId: credential.id)
        // A plain function of the decision (no capturing closure, which would box `decision` on the heap).
        func deny(_ reason: DecisionReason, _ decision: Decision) -> Evaluation {
            var denied = decision
            denied.reason = reason
            return Evaluation(decision: denied, change: nil)
        }

        switch credential.status {
        case .active: break
        case .suspended: return deny(.credentialSuspended, decision)
        case .revoked: return deny(.credentialRevoked, decision)
        case .lost: return deny(.credentialLost, decision)
        }
        let now = LocalTime.unixSeconds(of: request.time)
        if now < credential.window.from { return deny(.credentialNotYetValid, decision) }
        if now >= credential.window.until { return deny(.credentialExpired, decision) }
        if person.status != .active { return deny(.personInactive, decision) }
        if !state.lockdownZones.isEmpty && !person.responder
            && door.lockdownZoneIds.contains(where: { state.lockdownZones.contains($0) })
        {
            return deny(.lockdown, decision)
        }
        let mode = state.doorModeOverrides.isEmpty ? door.mode : state.doorModeOverrides[door.id] ?? door.mode
        let crossing = request.direction == .in ? door.inward : door.outward
        if mode == .locked { return deny(.doorLocked, decision) }
        if mode == .freeAccess {
            return grant(&decision, .grantedFreeAccess, door: door, crossing: crossing, person: person,
                request: request, completesTwoPerson: false)
        }
        let assurance = min(request.assurance, credential.maximumAssurance)
        if assurance < door.minAssurance { return deny(.assuranceTooLow, decision) }
        if mode == .cardAndPin && assurance < .pkiAuthPin {
            guard let pin = request.pin else { return deny(.pinRequired, decision) }
            guard let hash = person.pinHash, pinVerifier.verify(pin: pin, hash: hash) else {
                return deny(.pinInvalid, decision)
            }
        }

        switch matchLevel(person: person, door: Int(doorNumber), now: now) {
        case .none: return deny(.noAccessLevel, decision)
        case .closed(let level):
            decision.levelId = levels[Int(level)].id
            return deny(.outsideSchedule, decision)
        case .open(let level, let segment):
            decision.levelId = levels[Int(level)].id
            decision.interval = matchedInterval(level: level, segment: segment)
        }

        if crossing.antiPassback != .none, let presence = state.presence[person.id] {
            let since = LocalTime.unixSeconds(of: presence.since)
            let reset = crossing.antiPassbackResetSeconds > 0 && now - since >= Int64(crossing.antiPassbackResetSeconds)
            if !reset && presence.zoneId != crossing.fromZoneId {
                if crossing.antiPassback == .hard { return deny(.antiPassback, decision) }
                decision.advisory = .antiPassback
            }
        }
        if crossing.maxOccupancy >= 0, let zone = crossing.toZoneId, state.presence[person.id]?.zoneId != zone,
            state.occupancy[zone] ?? 0 >= crossing.maxOccupancy
        {
            return deny(.occupancyFull, decision)
        }
        var reason = DecisionReason.granted
        if door.escortSeconds > 0 && person.kind == .visitor {
            guard let escort = state.lastEscort[door.id], escort.personId != person.id,
                Self.within(escort.time, now: now, seconds: door.escortSeconds)
            else { return deny(.escortRequired, decision) }
            reason = .grantedEscorted
        }
        if door.twoPersonSeconds > 0 {
            guard let first = state.pendingTwoPerson[door.id], first.personId != person.id,
                Self.within(first.time, now: now, seconds: door.twoPersonSeconds)
            else {
                decision.reason = .twoPersonPending
                let tap = SiteState.Tap(personId: person.id, time: request.time)
                return Evaluation(decision: decision, change: .twoPersonPending(doorId: door.id, tap))
            }
            reason = .grantedTwoPerson
        }
        return grant(&decision, reason, door: door, crossing: crossing, person: person, request: request,
            completesTwoPerson: reason == .grantedTwoPerson)
    }

    private func grant(
        _ decision: inout Decision, _ reason: DecisionReason, door: CompiledDoor, crossing: CompiledDoor.Crossing,
        person: CompiledPerson, request: AccessRequest, completesTwoPerson: Bool
    ) -> Evaluation {
        decision.outcome = .grant
        decision.reason = reason
        decision.unlockSeconds = door.unlockSeconds
        let passage = Passage(personId: person.id, doorId: door.id, fromZoneId: crossing.fromZoneId,
            toZoneId: crossing.toZoneId, time: request.time,
            recordsEscort: door.escortSeconds > 0 && person.kind == .staff, completesTwoPerson: completesTwoPerson)
        return Evaluation(decision: decision, change: .passage(passage))
    }

    private static func within(_ tap: Date, now: Int64, seconds: Int) -> Bool {
        let elapsed = now - LocalTime.unixSeconds(of: tap)
        return elapsed >= 0 && elapsed <= Int64(seconds)
    }

    private enum LevelMatch {
        case none
        case closed(level: Int32)
        case open(level: Int32, segment: Int)
    }

    /// The first of the person's levels (in level-id order) valid now, with the door, whose schedule is open.
    private func matchLevel(person: CompiledPerson, door: Int, now: Int64) -> LevelMatch {
        let local = LocalTime(unixSeconds: now, secondsFromUTC: timeZone.secondsFromUTC)
        var firstWithDoor: Int32 = -1
        var holidayToday: Bool?
        var holidayYesterday: Bool?
        let word = door >> 6
        let bit: UInt64 = 1 << UInt64(door & 63)
        let end = Int(person.firstGrant) + Int(person.grantCount)
        var index = Int(person.firstGrant)
        while index < end {
            let grant = grants[index]
            index += 1
            guard grant.window.contains(now),
                levelDoorBits[Int(grant.level) * wordsPerLevel + word] & bit != 0
            else { continue }
            if firstWithDoor < 0 { firstWithDoor = grant.level }
            let schedule = schedules[Int(levels[Int(grant.level)].schedule)]
            var segmentIndex = Int(schedule.firstSegment)
            let segmentEnd = segmentIndex + Int(schedule.segmentCount)
            while segmentIndex < segmentEnd {
                let segment = segments[segmentIndex]
                segmentIndex += 1
                guard Int(segment.weekday) == local.weekdayIndex, Int(segment.start) <= local.minuteOfDay,
                    local.minuteOfDay < Int(segment.end)
                else { continue }
                let startDayIsHoliday: Bool
                if segment.spill {
                    if holidayYesterday == nil { holidayYesterday = holidayDays.contains(day: local.dayNumber - 1) }
                    startDayIsHoliday = holidayYesterday ?? false
                } else {
                    if holidayToday == nil { holidayToday = holidayDays.contains(day: local.dayNumber) }
                    startDayIsHoliday = holidayToday ?? false
                }
                let open =
                    segment.holidaySet
                    ? startDayIsHoliday && schedule.rule == .holidayIntervals
                    : !startDayIsHoliday || schedule.rule == .ignore
                if open { return .open(level: grant.level, segment: segmentIndex - 1) }
            }
        }
        return firstWithDoor < 0 ? .none : .closed(level: firstWithDoor)
    }

    private func matchedInterval(level: Int32, segment: Int) -> MatchedInterval {
        let schedule = schedules[Int(levels[Int(level)].schedule)]
        let found = segments[segment]
        let list = found.holidaySet ? schedule.holidayIntervals : schedule.intervals
        return MatchedInterval(scheduleId: schedule.id, index: Int(found.interval), holidayInterval: found.holidaySet,
            interval: list[Int(found.interval)])
    }
}
