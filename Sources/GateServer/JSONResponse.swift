import Foundation
import Hummingbird

/// JSON answers.
enum JSONResponse {
    /// `value` encoded as JSON with sorted keys.
    static func make(_ status: HTTPResponse.Status = .ok, _ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return raw(status, try encoder.encode(value))
    }

    /// Bytes already encoded as JSON.
    static func raw(
        _ status: HTTPResponse.Status = .ok, _ data: some Collection<UInt8>, contentType: String = "application/json"
    ) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.contentLength] = String(data.count)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
