import Foundation
import Hummingbird

/// Turns every error thrown by a route or an inner middleware into an `application/problem+json` answer.
///
/// ``APIProblem``s answer as themselves; Hummingbird's own `HTTPError`s (no route: 404, wrong method: 405, body too
/// large: 413) keep their status with a problem body; anything else is an internal error (500), logged with its
/// description, which is never sent to the client.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as APIProblem {
            return try problem.response(from: request, context: context)
        } catch let error as HTTPError {
            let detail: String
            switch error.status {
            case .notFound: detail = "no resource at \(request.method) \(request.uri.path)"
            case .methodNotAllowed: detail = "\(request.method) is not allowed on \(request.uri.path)"
            case .contentTooLarge: detail = "the request body is too large"
            default: detail = error.body ?? error.status.reasonPhrase
            }
            let code = error.status == .notFound ? "not-found" : "http-\(error.status.code)"
            return try APIProblem(error.status, code: code, detail: detail).response(from: request, context: context)
        } catch {
            context.logger.error("internal error", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            let problem = APIProblem(.internalServerError, code: "internal",
                detail: "the server could not complete the request")
            return try problem
                .response(from: request, context: context)
        }
    }
}
