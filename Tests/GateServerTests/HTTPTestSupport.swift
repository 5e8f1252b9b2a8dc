import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

/// Sends a request with an optional bearer token and JSON body.
func send(
    _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String? = nil,
    body: String? = nil, headers extra: HTTPFields = [:]
) async throws -> TestResponse {
    var headers = extra
    if let token { headers[.authorization] = "Bearer " + token }
    if body != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
    return try await client.execute(uri: uri, method: method, headers: headers,
        body: body.map { ByteBuffer(string: $0) })
}

/// The response body as a JSON object (empty when it is not one).
func json(_ response: TestResponse) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
}
