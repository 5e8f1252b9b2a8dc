import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The daemon's HTTP API as an `AccessAuthority`: what a remote gate controller (`cardgate gate run`) uses.
public struct HTTPAccessAuthority: AccessAuthority {
    public let server: URL
    private let token: String
    private let session: URLSession

    /// - Parameters:
    ///   - server: the daemon's base URL, e.g. `http://10.0.0.5:8080`.
    ///   - token: a `controller` token bound to the door.
    ///   - timeout: per request; a door must not wait long for an answer that will not come.
    public init(server: URL, token: String, timeout: TimeInterval = 3) {
        self.server = server
        self.token = token
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        session = URLSession(configuration: configuration)
    }

    public func challenge(door: String) async throws -> IssuedChallenge {
        try await post(door: door, action: "challenges", body: Data("{}".utf8), expecting: 201)
    }

    public func requestAccess(door: String, _ request: TapRequest) async throws -> AccessAnswer {
        try await post(door: door, action: "access", body: try JSONEncoder().encode(request), expecting: 200)
    }

    private func post<Answer: Decodable>(door: String, action: String, body: Data, expecting status: Int)
        async throws -> Answer
    {
        guard let escaped = door.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) else {
            throw AuthorityError.invalidDoor(door)
        }
        var request = URLRequest(url: server.appendingPathComponent("v1/doors/\(escaped)/\(action)"))
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw AuthorityError.unreachable((error as NSError).localizedDescription)
        }
        let code = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard code == status else {
            let problem = try? JSONDecoder().decode(Problem.self, from: data)
            throw AuthorityError.http(status: code, detail: problem?.detail ?? problem?.title)
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            if let date = Self.parseDate(text) { return date }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not ISO 8601"))
        }
        do {
            return try decoder.decode(Answer.self, from: data)
        } catch {
            throw AuthorityError.malformedAnswer("\(error)")
        }
    }

    static func parseDate(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return withFraction.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }

    private struct Problem: Decodable {
        var title: String?
        var detail: String?
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
