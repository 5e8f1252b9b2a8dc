import Foundation
import Hummingbird

/// `GET /healthz`, `GET /metrics`, `GET /openapi.yaml`: no token needed.
extension GateRoutes {
    func registerOperations(on router: Router<GateRequestContext>) {
        router.get("healthz") { _, _ in
            let policy = services.authority.policies.currentPolicy() != nil
            return try JSONResponse.make(.ok, Health(status: policy ? "ok" : "degraded", policyLoaded: policy))
        }
        router.get("metrics") { _, _ in
            let counts = services.recorder.counts
            let text = services.metrics.exposition(gauges: [
                ("cardgate_journal_appends_total", "Events this server appended to the journal.",
                    Double(counts.appended)),
                ("cardgate_journal_append_failures_total", "Journal appends that failed.", Double(counts.failed)),
                ("cardgate_event_streams", "Open live event streams.", Double(services.recorder.subscriberCount)),
                ("cardgate_policy_loaded", "1 when an access policy is in force.",
                    services.authority.policies.currentPolicy() == nil ? 0 : 1),
            ])
            return JSONResponse.raw(.ok, Data(text.utf8), contentType: "text/plain; version=0.0.4")
        }
        router.get("openapi.yaml") { _, _ in
            guard let contract = OpenAPIDocument.text else {
                throw APIProblem.notFound("the API description is not installed")
            }
            return JSONResponse.raw(.ok, Data(contract.utf8), contentType: "application/yaml")
        }
    }
}

struct Health: Encodable {
    var status: String
    var policyLoaded: Bool
}

/// The API contract, `openapi.yaml`, shipped as a resource of the module.
public enum OpenAPIDocument {
    /// The document's text, or nil when the resource is missing.
    public static let text: String? = Bundle.module.url(forResource: "openapi", withExtension: "yaml")
        .flatMap { try? String(contentsOf: $0, encoding: .utf8) }
}
