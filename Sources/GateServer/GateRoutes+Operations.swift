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
            let text = await metricsText()
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

extension GateRoutes {
    /// The Prometheus exposition: counters, then the gauges read now (journal lag, challenges, local readers).
    func metricsText() async -> String {
        let counts = services.recorder.counts
        let commitDurations = services.recorder.journal.commitDurations
        let now = services.clock()
        var gauges: [GateMetrics.Gauge] = [
            .init("cardgate_journal_appends_total", "Events this server appended to the journal.",
                Double(counts.appended)),
            .init("cardgate_journal_append_failures_total", "Journal appends that failed.", Double(counts.failed)),
            .init("cardgate_journal_group_commits_total",
                "Transactions of the journal's group commit (appends per commit = group size).",
                Double(services.recorder.journal.commits)),
            .init("cardgate_journal_commit_seconds_total",
                "Time spent in group commits (inserts, commit, sync), failed ones included.", commitDurations.sum),
            .init("cardgate_journal_pending_events", "Events waiting for their group commit.",
                Double(services.recorder.pending)),
            .init("cardgate_event_streams", "Open live event streams.", Double(services.recorder.subscriberCount)),
            .init("cardgate_policy_loaded", "1 when an access policy is in force.",
                services.authority.policies.currentPolicy() == nil ? 0 : 1),
            .init("cardgate_challenges_outstanding", "Issued challenges neither used nor expired.",
                Double(services.authority.verifier.challenges.outstandingCount(at: now))),
        ]
        if let source = services.authority.policies as? StorePolicySource {
            gauges.append(.init("cardgate_policy_version",
                "Rebuilds of the store-backed policy since start, plus one (changes through the API or another process).",
                Double(source.provider.version)))
        }
        if let lag = try? await services.journalLag() {
            gauges.append(.init("cardgate_journal_unsigned_events",
                "Journal events after the newest signed checkpoint.", Double(lag.unsignedEvents)))
            gauges.append(.init("cardgate_journal_lookup_pending_events",
                "Journal events not yet in the query lookup (queries read them from the journal itself).",
                Double(lag.eventsNotInLookup)))
            if let signed = lag.checkpointTime {
                gauges.append(.init("cardgate_journal_seconds_since_checkpoint",
                    "Seconds since the newest signed checkpoint.", max(0, now.timeIntervalSince(signed))))
            }
        }
        if let witness = services.witness {
            let problem = witness.problem
            let newest = witness.newestWitnessed
            if let newest {
                gauges.append(.init("cardgate_journal_witnessed_sequence",
                    "The newest checkpoint copied to the witness.", Double(newest)))
            }
            if newest != nil || problem != nil {
                gauges.append(.init("cardgate_journal_witness_mismatch",
                    "1 when the journal lacked or differed from checkpoints its witness holds (deleted or rewritten "
                        + "events), or the witness cannot be used.", problem == nil ? 0 : 1))
            }
        }
        let online = services.localDoors.readersOnline
        if !services.localDoors.doors.isEmpty {
            gauges.append(.init("cardgate_local_readers_online", "Local doors whose reader is present.",
                Double(online.values.filter { $0 }.count)))
            gauges.append(.init("cardgate_local_reader_online", "1 when the local door's reader is present.",
                samples: services.localDoors.doors.map { door in
                    ([("door", door.doorId), ("reader", door.reader)], online[door.doorId] == true ? 1 : 0)
                }))
        }
        let commits = GateMetrics.Histogram(name: "cardgate_journal_commit_duration_seconds",
            help: "How long each group commit of the journal took (inserts, commit, sync), failed ones included.",
            durations: commitDurations)
        return services.metrics.exposition(gauges: gauges, histograms: [commits])
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
