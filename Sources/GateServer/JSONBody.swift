import Foundation
import Hummingbird
import NIOCore

/// Reads and decodes JSON request bodies strictly: a size limit, no unknown fields, and a clear detail for every
/// way a body can be wrong.
enum JSONBody {
    /// The body's bytes, at most `limit` of them, all within `seconds`.
    ///
    /// The connection's idle timeout closes a body that stops arriving; the deadline, checked as each chunk
    /// arrives, ends one that arrives a byte at a time. (No timer task per request: a tap's body comes whole.)
    /// - Parameter accepts: whether a declared `Content-Type` is one the route reads (JSON by default).
    /// - Throws: ``APIProblem`` 415 when the request declares a type the route does not read, 413 over the limit,
    ///   408 when the body takes longer than `seconds`, 400 when it breaks off.
    static func bytes(
        of request: Request, limit: Int, within seconds: TimeInterval, accepts: (String) -> Bool = isJSON
    ) async throws -> ByteBuffer {
        if let type = request.headers[.contentType], !accepts(type) {
            throw APIProblem.unsupportedMediaType(type)
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw APIProblem.bodyTooLarge(limit: limit)
        }
        let deadline = ContinuousClock.now + .seconds(min(max(seconds, 0), 3600))
        do {
            var collected: ByteBuffer?
            for try await chunk in request.body {
                guard ContinuousClock.now < deadline else {
                    // The rest of the body may still come: the connection cannot carry another request.
                    var headers = HTTPFields()
                    headers[.connection] = "close"
                    throw APIProblem(.requestTimeout, code: "body-too-slow",
                        detail: "the request body did not arrive within \(seconds) s", headers: headers)
                }
                guard (collected?.readableBytes ?? 0) + chunk.readableBytes <= limit else {
                    throw APIProblem.bodyTooLarge(limit: limit)
                }
                if collected == nil {
                    collected = chunk
                } else {
                    collected?.writeImmutableBuffer(chunk)
                }
            }
            return collected ?? ByteBuffer()
        } catch let problem as APIProblem {
            throw problem
        } catch {
            // A chunk header that is not one, a body shorter than its Content-Length: the client sent it wrong.
            throw APIProblem.badRequest(
                "the request body could not be read: it broke off or its chunks are malformed", code: "invalid-body")
        }
    }

    /// Whether a `Content-Type` value names JSON: `application/json` or a `+json` type, with any parameters. A request
    /// without the header is read as JSON too (`curl -d` without `-H` declares a form, which is refused).
    static func isJSON(_ contentType: String) -> Bool {
        // What gate controllers send, checked on every tap without building new strings.
        if contentType == "application/json" { return true }
        let type = mediaType(contentType)
        return type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
    }

    /// Whether a `Content-Type` value names JSON or YAML (`application/yaml`, `text/yaml` and their `x-` forms), or
    /// plain text: what a site file is sent as.
    static func isJSONOrYAML(_ contentType: String) -> Bool {
        isJSON(contentType) || [
            "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain",
        ].contains(mediaType(contentType))
    }

    /// The media type of a `Content-Type` value, lowercased, without parameters.
    private static func mediaType(_ contentType: String) -> String {
        let media = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return media.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// Decodes `T` from `buffer`, or describes why it cannot be.
    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) -> Result<T, APIProblem> {
        guard buffer.readableBytes > 0 else { return .failure(.badRequest("the request body is empty")) }
        if let key = SmallJSONObject.firstRepeatedKey(in: buffer.readableBytesView) {
            return .failure(.badRequest("\"\(key)\" appears twice in one object", code: "invalid-body"))
        }
        do {
            return .success(try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView)))
        } catch let error as DecodingError {
            return .failure(.badRequest(describe(error), code: "invalid-body"))
        } catch let problem as APIProblem {
            return .failure(problem)
        } catch {
            return .failure(.badRequest("the request body is not valid JSON", code: "invalid-body"))
        }
    }

    /// Reads and decodes in one step, throwing the problem.
    static func decode<T: Decodable>(
        _ type: T.Type, request: Request, limit: Int, within seconds: TimeInterval
    ) async throws -> T {
        try decode(type, from: try await bytes(of: request, limit: limit, within: seconds)).get()
    }

    /// A one-line account of a decoding error naming the field.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "the body" : text
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) must be \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) must be \(typeName(type)), not null"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is required"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the request body is not valid JSON" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "the request body does not match the expected shape"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        default: "\(type)".hasPrefix("Array") ? "an array" : "an object"
        }
    }
}

/// A coding key for any field name, to list the fields a body actually has.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    /// Refuses an object with fields other than `allowed`.
    func rejectUnknownFields(allowed: Set<String>) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        let unknown = container.allKeys.map(\.stringValue).filter { !allowed.contains($0) }.sorted()
        guard unknown.isEmpty else {
            let path = codingPath.map { key in key.intValue.map { "[\($0)]" } ?? "." + key.stringValue }.joined()
            let prefix = path.hasPrefix(".") ? String(path.dropFirst()) : path
            let names = unknown.map { prefix.isEmpty ? $0 : prefix + "." + $0 }.joined(separator: ", ")
            throw APIProblem.badRequest("unknown field: \(names)", code: "invalid-body")
        }
    }
}
