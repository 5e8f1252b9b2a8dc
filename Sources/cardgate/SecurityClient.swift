import DoorAgent
import Foundation

/// The security staff endpoints of the daemon's API, with every failure a ``CLIFailure``.
struct SecurityClient: Sendable {
    let api: GateAPIClient

    init(_ settings: ConnectionSettings) {
        api = settings.client
    }

    /// One page of `GET /v1/events`, newest first.
    func events(_ filter: EventFilter, limit: Int, cursor: String?) async throws(CLIFailure)
        -> (events: [EventRecord], nextCursor: String?)
    {
        var query = filter.queryItems
        query.append(("limit", String(limit)))
        if let cursor { query.append(("cursor", cursor)) }
        return try await call { () async throws(GateAPIError) in
            try EventRecord.page(try await api.send(try api.request("GET", ["v1", "events"], query: query),
                expecting: 200))
        }
    }

    /// The sequence of the newest event in the journal (0 when it is empty): where a live stream starts.
    func newestSequence() async throws(CLIFailure) -> Int64 {
        try await events(EventFilter(), limit: 1, cursor: nil).events.first?.sequence ?? 0
    }

    /// `GET /v1/occupancy`.
    func occupancy() async throws(CLIFailure) -> Answer<Occupancy> {
        try await get(["v1", "occupancy"])
    }

    /// `GET /v1/zones/{zoneId}/occupants`.
    func occupants(zoneId: String) async throws(CLIFailure) -> Answer<Occupants> {
        try await get(["v1", "zones", zoneId, "occupants"])
    }

    /// `PUT /v1/lockdown` with `{zoneId, locked}`.
    func setLockdown(zoneId: String, locked: Bool) async throws(CLIFailure) -> Answer<LockdownState> {
        let body = (try? JSONSerialization.data(withJSONObject: ["zoneId": zoneId, "locked": locked],
            options: [.sortedKeys])) ?? Data()
        return try await call { () async throws(GateAPIError) in
            try Self.answer(try await api.send(try api.request("PUT", ["v1", "lockdown"], body: body), expecting: 200))
        }
    }

    /// A decoded answer and its JSON text (one line), for `--json`.
    struct Answer<Value: Decodable & Sendable>: Sendable {
        var value: Value
        var json: String
    }

    /// `{items: [{zoneId, count}], lockdownZones}`.
    struct Occupancy: Decodable, Sendable, Hashable {
        struct Zone: Decodable, Sendable, Hashable {
            var zoneId: String
            var count: Int
        }
        var items: [Zone]
        var lockdownZones: [String]
    }

    /// `{items: [{personId, since}]}`.
    struct Occupants: Decodable, Sendable, Hashable {
        struct Occupant: Decodable, Sendable, Hashable {
            var personId: String
            var since: Date
        }
        var items: [Occupant]
    }

    /// `{lockdownZones}`.
    struct LockdownState: Decodable, Sendable, Hashable {
        var lockdownZones: [String]
    }

    private func get<Value: Decodable & Sendable>(_ path: [String]) async throws(CLIFailure) -> Answer<Value> {
        try await call { () async throws(GateAPIError) in
            try Self.answer(try await api.send(try api.request("GET", path), expecting: 200))
        }
    }

    private static func answer<Value: Decodable & Sendable>(_ data: Data) throws(GateAPIError) -> Answer<Value> {
        let value = try GateAPIClient.decode(Value.self, from: data)
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Answer(value: value, json: text.split(whereSeparator: \.isNewline).joined())
    }

    private func call<Value>(_ body: () async throws(GateAPIError) -> Value) async throws(CLIFailure) -> Value {
        do {
            return try await body()
        } catch {
            throw CLIFailure(error, server: api.server)
        }
    }
}
