import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small client of the daemon's HTTP API v1: builds requests with the bearer token, sends them, and turns every
/// failure into a ``GateAPIError`` (RFC 9457 problem details included).
///
/// Shared by the remote gate controller (``HTTPAccessAuthority``) and the security commands of `cardgate`.
public struct GateAPIClient: Sendable {
    /// The daemon's base URL, e.g. `http://10.0.0.5:8080`; a path in it (`https://host/cardgate`) is kept.
    public let server: URL
    /// Seconds a request may wait for data.
    public let timeout: TimeInterval
    private let token: String
    private let session: URLSession

    /// - Parameters:
    ///   - server: the daemon's base URL.
    ///   - token: the bearer token.
    ///   - timeout: per request and per resource.
    public init(server: URL, token: String, timeout: TimeInterval) {
        self.server = server
        self.token = token
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        session = URLSession(configuration: configuration)
    }

    /// A request for `method` on the API path `segments` (each percent-escaped), with `query` and a JSON `body`.
    ///
    /// - Throws: ``GateAPIError/invalidPath(_:)`` for an empty, `.` or `..` segment, which a URL cannot carry as is.
    public func request(
        _ method: String, _ segments: [String], query: [(String, String)] = [], body: Data? = nil
    ) throws(GateAPIError) -> URLRequest {
        for segment in segments where segment.isEmpty || segment == "." || segment == ".." {
            throw .invalidPath(segment)
        }
        guard var components = URLComponents(url: server, resolvingAgainstBaseURL: false) else {
            throw .invalidPath(server.absoluteString)
        }
        var base = components.percentEncodedPath
        while base.hasSuffix("/") { base.removeLast() }
        components.percentEncodedPath = base + "/" + segments.map(Self.escape).joined(separator: "/")
        components.percentEncodedQuery = query.isEmpty
            ? nil : query.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
        guard let url = components.url else { throw .invalidPath(segments.joined(separator: "/")) }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        return request
    }

    /// Sends `request` and returns the body of an answer with status `expecting`.
    public func send(_ request: URLRequest, expecting status: Int) async throws(GateAPIError) -> Data {
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw .unreachable((error as NSError).localizedDescription)
        }
        let code = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard code == status else { throw Self.failure(status: code, body: data) }
        return data
    }

    /// Decodes a JSON answer; times are ISO 8601 with or without fractional seconds.
    public static func decode<Answer: Decodable>(_ type: Answer.Type, from data: Data) throws(GateAPIError) -> Answer {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            if let date = parseDate(text) { return date }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not ISO 8601"))
        }
        do {
            return try decoder.decode(Answer.self, from: data)
        } catch {
            throw .malformedAnswer("\(error)")
        }
    }

    /// The error for an answer with an unexpected `status`: the problem details when the body holds them.
    public static func failure(status: Int, body: Data) -> GateAPIError {
        .http(status: status, problem: try? JSONDecoder().decode(GateAPIProblem.self, from: body))
    }

    /// An API time: ISO 8601 with or without fractional seconds.
    public static func parseDate(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return withFraction.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }

    /// Percent-escapes everything but RFC 3986's unreserved characters.
    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}

/// An RFC 9457 problem detail from the daemon.
public struct GateAPIProblem: Hashable, Sendable, Decodable {
    /// `/problems/<code>`.
    public var type: String?
    public var title: String?
    public var status: Int?
    public var detail: String?

    public init(type: String? = nil, title: String? = nil, status: Int? = nil, detail: String? = nil) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
    }

    /// The problem code: the last segment of `type` (`not-found`, `unauthorized`, …).
    public var code: String? { type.flatMap { $0.split(separator: "/").last.map(String.init) } }
}

/// Why a call to the daemon's API gave no answer.
public enum GateAPIError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A path segment cannot be put in a URL.
    case invalidPath(String)
    /// No HTTP answer: connection refused, name not resolved, timed out.
    case unreachable(String)
    /// An answer with another status than expected, and its problem details when it had them.
    case http(status: Int, problem: GateAPIProblem?)
    /// An answer that is not what the API promises.
    case malformedAnswer(String)

    public var description: String {
        switch self {
        case .invalidPath(let segment): "\"\(segment)\" cannot be put in a URL path"
        case .unreachable(let why): "the daemon cannot be reached: \(why)"
        case .http(let status, let problem):
            "the daemon answered HTTP \(status)" + ((problem?.detail ?? problem?.title).map { ": \($0)" } ?? "")
        case .malformedAnswer(let why): "the daemon's answer is not what the API promises: \(why)"
        }
    }
}
