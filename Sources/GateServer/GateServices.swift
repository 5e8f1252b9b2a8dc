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

    /// Opens the store, the CA certificates, the journal key and the site files named by `configuration`.
    public static func open(_ configuration: GateServerConfiguration) throws -> GateServices {
        let store = try AccessStore.open(at: configuration.databasePath)
        let trustStore = try TrustStore(files: configuration.caCertificateFiles)
        let key = try configuration.journalKeyPath.map { path throws(AccessStoreError) in try JournalKey.load(from: path) }
        var policy: CompiledPolicy?
        if !configuration.siteFiles.isEmpty {
            let sources = try configuration.siteFiles.map { path in
                SiteFile.Source(name: path, text: try String(contentsOfFile: path, encoding: .utf8))
            }
            policy = CompiledPolicy(snapshot: try PolicySnapshot(model: try SiteFile.load(sources)))
        }
        return GateServices(store: store, policies: StaticPolicySource(policy), trustStore: trustStore,
            journalKey: key, configuration: configuration)
    }
}
