import Foundation

/// The daemon's HTTP API as an `AccessAuthority`: what a remote gate controller (`cardgate gate run`) uses.
public struct HTTPAccessAuthority: AccessAuthority {
    private let client: GateAPIClient

    public var server: URL { client.server }

    /// - Parameters:
    ///   - server: the daemon's base URL, e.g. `http://10.0.0.5:8080`.
    ///   - token: a `controller` token bound to the door.
    ///   - timeout: per request; a door must not wait long for an answer that will not come.
    public init(server: URL, token: String, timeout: TimeInterval = 3) {
        client = GateAPIClient(server: server, token: token, timeout: timeout)
    }

    public func challenge(door: String) async throws -> IssuedChallenge {
        try await post(door: door, action: "challenges", body: Data("{}".utf8), expecting: 201)
    }

    public func requestAccess(door: String, _ request: TapRequest) async throws -> AccessAnswer {
        try await post(door: door, action: "access", body: try JSONEncoder().encode(request), expecting: 200)
    }

    private func post<Answer: Decodable>(door: String, action: String, body: Data, expecting status: Int)
        async throws(GateAPIError) -> Answer
    {
        let request = try client.request("POST", ["v1", "doors", door, action], body: body)
        return try GateAPIClient.decode(Answer.self, from: try await client.send(request, expecting: status))
    }
}
