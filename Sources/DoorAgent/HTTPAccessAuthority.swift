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
        async throws(AuthorityError) -> Answer
    {
        do {
            let request = try client.request("POST", ["v1", "doors", door, action], body: body)
            return try GateAPIClient.decode(Answer.self, from: try await client.send(request, expecting: status))
        } catch {
            switch error {
            case .invalidPath: throw .invalidDoor(door)
            case .unreachable(let why): throw .unreachable(why)
            case .http(let status, let problem): throw .http(status: status, detail: problem?.detail ?? problem?.title)
            case .malformedAnswer(let why): throw .malformedAnswer(why)
            }
        }
    }
}

/// Why the HTTP authority gave no decision.
public enum AuthorityError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidDoor(String)
    case unreachable(String)
    case http(status: Int, detail: String?)
    case malformedAnswer(String)

    public var description: String {
        switch self {
        case .invalidDoor(let door): "door id \"\(door)\" cannot be put in a URL"
        case .unreachable(let why): "the daemon cannot be reached: \(why)"
        case .http(let status, let detail): "the daemon answered HTTP \(status)" + (detail.map { ": \($0)" } ?? "")
        case .malformedAnswer(let why): "the daemon's answer is not what the API promises: \(why)"
        }
    }
}
