import AccessPolicy
import AccessStore
import Credentials
import Foundation
import SiteFile

/// Everything the routes work with: the store, the journal, the authority, tokens and the failure limiter.
///
/// ``open(_:)`` builds them from a configuration for the daemon; tests build them around an in-memory store with
/// ``init(store:policies:trustStore:journalKey:configuration:clock:)``.
public struct GateServices: Sendable {
    public let configuration: GateServerConfiguration
    public let store: AccessStore
    public let recorder: EventRecorder
    public let authority: LocalAccessAuthority
    public let tokens: TokenAuthenticator
    public let limiter: FailureLimiter
    public let metrics: GateMetrics
    let clock: @Sendable () -> Date

    public init(
        store: AccessStore, policies: any PolicySource, trustStore: TrustStore, journalKey: JournalKey?,
        configuration: GateServerConfiguration, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.store = store
        self.clock = clock
        let journalClock = JournalClock { Int64((clock().timeIntervalSince1970 * 1000).rounded(.down)) }
        self.recorder = EventRecorder(journal: EventJournal(store: store, key: journalKey, clock: journalClock))
        let challenges = ChallengeIssuer(
            configuration: .init(timeToLive: configuration.challengeTimeToLive), clock: clock)
        self.authority = LocalAccessAuthority(
            verifier: CredentialVerifier(challenges: challenges, trustStore: trustStore), policies: policies,
            recorder: recorder, clock: clock)
        self.tokens = TokenAuthenticator(writer: store.writer, clock: clock)
        self.limiter = FailureLimiter(allowedFailures: configuration.allowedAuthenticationFailures, clock: clock)
        self.metrics = GateMetrics()
    }

    /// Opens the store, the CA certificates, the journal key and the policy named by `configuration`.
    ///
    /// The policy is the store's own model, followed as it changes; site files, when configured, are loaded
    /// instead. The journal key is the configured file, else the one `cardgate init` wrote beside the database.
    public static func open(_ configuration: GateServerConfiguration) async throws -> GateServices {
        let store = try AccessStore.open(at: configuration.databasePath)
        let trustStore = try TrustStore(files: configuration.caCertificateFiles)
        let keyPath = configuration.journalKeyPath
            ?? StoreInitializer.journalKeyPath(forDatabase: configuration.databasePath)
        let key: JournalKey? =
            configuration.journalKeyPath != nil || FileManager.default.fileExists(atPath: keyPath)
            ? try JournalKey.load(from: keyPath) : nil
        let policies: any PolicySource
        if configuration.siteFiles.isEmpty {
            policies = StorePolicySource(provider: try await PolicySnapshotProvider(store: store))
        } else {
            let sources = try configuration.siteFiles.map { path in
                SiteFile.Source(name: path, text: try String(contentsOfFile: path, encoding: .utf8))
            }
            policies = StaticPolicySource(CompiledPolicy(snapshot: try PolicySnapshot(model: try SiteFile.load(sources),
                pinVerifier: PINHasher())))
        }
        let services = GateServices(store: store, policies: policies, trustStore: trustStore, journalKey: key,
            configuration: configuration)
        // Signs checkpoints on time even when idle, and checkpoints the WAL off the commit path, while the daemon runs.
        try JournalMaintenance(journal: services.recorder.journal).start()
        return services
    }
}
