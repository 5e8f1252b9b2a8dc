import Foundation
import Hummingbird

/// An RFC 9457 problem detail: the body of every error answer, sent as `application/problem+json`.
///
/// `type` is a relative URI naming the kind of problem (`/problems/<code>`), stable and documented in
/// `openapi.yaml`; `detail` says what was wrong with this request. Extension members carry extra facts, for example
/// the `decision`, `reason` and `eventId` of an access request refused because it was malformed.
public struct APIProblem: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// The problem code, the last segment of `type`.
    public var code: String
    public var title: String
    public var detail: String
    /// Extension members (strings, numbers, booleans, lists of strings).
    public var extensions: [String: ProblemValue]
    /// Extra response headers (`WWW-Authenticate`, `Retry-After`).
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, code: String, title: String? = nil, detail: String,
        extensions: [String: ProblemValue] = [:], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.title = title ?? status.reasonPhrase
        self.detail = Self.bounded(detail)
        self.extensions = extensions
        self.headers = headers
    }

    /// The longest detail, in characters: details often quote the request (an unknown field's name, an id), and a
    /// malformed access request's detail is journaled too, so a request cannot make either long.
    public static let maximumDetailLength = 300

    static func bounded(_ detail: String) -> String {
        detail.count <= maximumDetailLength ? detail : String(detail.prefix(maximumDetailLength - 1)) + "…"
    }

    /// The value of an extension member.
    public enum ProblemValue: Sendable, Hashable, Encodable {
        case string(String)
        case integer(Int64)
        case bool(Bool)
        case strings([String])

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .integer(let value): try container.encode(value)
            case .bool(let value): try container.encode(value)
            case .strings(let value): try container.encode(value)
            }
        }
    }

    /// The JSON body.
    public var body: Data {
        var object: [String: ProblemValue] = extensions
        object["type"] = .string("/problems/" + code)
        object["title"] = .string(title)
        object["status"] = .integer(Int64(status.code))
        object["detail"] = .string(detail)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(object)) ?? Data(#"{"status":\#(status.code)}"#.utf8)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/problem+json"
        let bytes = body
        fields[.contentLength] = String(bytes.count)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension APIProblem {
    /// 400: the request cannot be understood.
    static func badRequest(_ detail: String, code: String = "bad-request") -> APIProblem {
        APIProblem(.badRequest, code: code, detail: detail)
    }

    /// 404: no such resource.
    static func notFound(_ detail: String) -> APIProblem {
        APIProblem(.notFound, code: "not-found", detail: detail)
    }

    /// 401: no usable token.
    static func unauthorized(_ detail: String) -> APIProblem {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = #"Bearer realm="cardgate""#
        return APIProblem(.unauthorized, code: "unauthorized", detail: detail, headers: headers)
    }

    /// 403: the token may not do this.
    static func forbidden(_ detail: String) -> APIProblem {
        APIProblem(.forbidden, code: "forbidden", detail: detail)
    }

    /// 413: the body is over the configured limit.
    static func bodyTooLarge(limit: Int) -> APIProblem {
        APIProblem(.contentTooLarge, code: "body-too-large", detail: "the request body is larger than \(limit) bytes")
    }

    /// 415: the request's body is declared as something other than JSON.
    static func unsupportedMediaType(_ contentType: String) -> APIProblem {
        APIProblem(.unsupportedMediaType, code: "unsupported-media-type",
            detail: "the request body must be JSON (Content-Type: application/json), not \(contentType)")
    }

    /// 503: a part of the server the request needs is unavailable.
    static func unavailable(_ detail: String, code: String) -> APIProblem {
        APIProblem(.serviceUnavailable, code: code, detail: detail)
    }
}
