import AccessPolicy
import AccessStore
import Credentials
import DoorAgent
import Foundation
import GRDB
import Logging
import SiteFile
import SmartCard

/// Everything the routes work with: the store, the journal, the authority, tokens, the failure limiter and the
/// daemon's local doors.
///
/// ``open(_:logger:)`` builds them from a configuration for the daemon; tests build them around an in-memory store
/// with ``init(store:policies:trustStore:journalKey:configuration:clock:logger:cardReader:makeLock:)``.
public struct GateServices: Sendable {
    public let configuration: GateServerConfiguration
    public let store: AccessStore
    public let recorder: EventRecorder
    public let authority: LocalAccessAuthority
    public let tokens: TokenAuthenticator
    public let limiter: FailureLimiter
    public let metrics: GateMetrics
    /// The door agents of ``GateServerConfiguration/localDoors``; idle when there are none.
    public let localDoors: LocalDoors
    public let logger: Logger
    let clock: @Sendable () -> Date
    /// Whether `GET /v1/journal/verify` is running (one at a time).
    let verifications = SingleFlight()
    /// Where the daemon copies the journal's checkpoints (``JournalWitness``); set by ``open(_:logger:)``.
    public internal(set) var witness: JournalWitnessRecorder?

    /// Logs a witness pass: at critical what it found wrong (the journal disagrees with its witness, or the witness
    /// cannot be used and is no longer written), and each checkpoint it copied with its witness line, so that a log
    /// shipped to another host is a witness too.
    func logWitness(_ record: JournalWitnessRecorder.Record) {
        guard let witness else { return }
        if let damage = record.damage {
            logger.critical(
                """
                the journal disagrees with its witness \(witness.path): \(damage); check it with \
                cardgate journal verify --db \(configuration.databasePath) --witness \(witness.path)
                """)
        }
        if let unusable = record.unusable {
            logger.critical("\(unusable); checkpoints are no longer copied to it: move it aside and restart")
        }
        for checkpoint in record.appended {
            logger.info("journal checkpoint", metadata: [
                "seq": "\(checkpoint.sequence)", "witness": "\(JournalWitness.line(checkpoint))",
            ])
        }
    }

    /// - Parameters:
    ///   - cardReader: where the local doors' readers are; pcscd's by default.
    ///   - makeLock: the local doors' locks; by default as configured.
    ///   - lockdownZones: the zones locked down at start; nil reads them from the store (``SiteLockdown``).
    /// - Throws: ``ConfigurationError`` when the zones locked down cannot be read: a lockdown outlives a restart, so
    ///   there are no services that do not know it.
    public init(
        store: AccessStore, policies: any PolicySource, trustStore: TrustStore, journalKey: JournalKey?,
        configuration: GateServerConfiguration, clock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger? = nil, cardReader: (any CardReader)? = nil,
        makeLock: (@Sendable (LocalDoorConfiguration) -> any DoorLock)? = nil, lockdownZones: Set<String>? = nil
    ) throws(ConfigurationError) {
        let zonesLockedDown: Set<String>
        if let lockdownZones {
            zonesLockedDown = lockdownZones
        } else {
            zonesLockedDown = try Self.storedLockdown(store)
        }
        let logger = logger ?? {
            var logger = Logger(label: "cardgated")
            logger.logLevel = configuration.logLevel
            return logger
        }()
        self.configuration = configuration
        self.store = store
        self.clock = clock
        self.logger = logger
        let journalClock = JournalClock { Int64((clock().timeIntervalSince1970 * 1000).rounded(.down)) }
        self.recorder = EventRecorder(journal: EventJournal(store: store, key: journalKey, clock: journalClock))
        let challenges = ChallengeIssuer(
            configuration: .init(timeToLive: configuration.challengeTimeToLive), clock: clock)
        self.authority = LocalAccessAuthority(
            verifier: CredentialVerifier(challenges: challenges, trustStore: trustStore), policies: policies,
            recorder: recorder, clock: clock, logger: logger,
            lockdownZones: zonesLockedDown)
        self.tokens = TokenAuthenticator(writer: store.writer, clock: clock)
        self.limiter = FailureLimiter(allowedFailures: configuration.allowedAuthenticationFailures, clock: clock)
        let metrics = GateMetrics()
        self.metrics = metrics
        self.localDoors = LocalDoors(doors: configuration.localDoors, reader: cardReader ?? PCSCCardReader(),
            authority: authority, metrics: metrics, logger: logger, makeLock: makeLock)
    }

    /// Opens the store, the CA certificates, the journal key and the policy named by `configuration`.
    ///
    /// The policy is the store's own model, followed as it changes; site files, when configured, are loaded
    /// instead. The journal key is the configured file, else the one `cardgate init` wrote beside the database.
    /// - Throws: ``ConfigurationError`` naming what could not be opened.
    public static func open(_ configuration: GateServerConfiguration, logger: Logger? = nil) async throws
        -> GateServices
    {
        let store: AccessStore
        let upgrades = AccessStore.pendingMigrations(at: configuration.databasePath)
        if !upgrades.isEmpty {
            (logger ?? Logger(label: "cardgated")).notice(
                "upgrading the database before serving; doors stay closed until it is done",
                metadata: ["migrations": "\(upgrades.joined(separator: ","))"])
        }
        do {
            store = try AccessStore.open(at: configuration.databasePath)
        } catch {
            throw ConfigurationError("cannot open the database \(configuration.databasePath): \(error)")
        }
        let trustStore: TrustStore
        do {
            trustStore = try TrustStore(files: configuration.caCertificateFiles)
        } catch {
            throw ConfigurationError("cannot load the CA certificates \(configuration.caCertificateFiles): \(error)")
        }
        let keyPath = configuration.journalKeyPath
            ?? StoreInitializer.journalKeyPath(forDatabase: configuration.databasePath)
        let key: JournalKey?
        do {
            key = try JournalKey.forAppending(to: store, at: keyPath, required: configuration.journalKeyPath != nil)
        } catch {
            throw ConfigurationError("cannot load the journal key \(keyPath): \(error)")
        }
        if key == nil {
            logger?.warning(
                """
                no journal key at \(keyPath): checkpoints are not signed, so a rewritten journal cannot be told \
                from the original (cardgate init writes a key)
                """)
        }
        let policies: any PolicySource
        do {
            if configuration.siteFiles.isEmpty {
                policies = StorePolicySource(provider: try await PolicySnapshotProvider(store: store))
            } else {
                let sources = try configuration.siteFiles.map { path in
                    SiteFile.Source(name: path, text: try String(contentsOfFile: path, encoding: .utf8))
                }
                policies = StaticPolicySource(CompiledPolicy(snapshot: try PolicySnapshot(
                    model: try SiteFile.load(sources), pinVerifier: PINHasher())))
            }
        } catch {
            throw ConfigurationError("cannot load the access policy: \(error)")
        }
        // A lockdown outlives a restart: the daemon does not start without knowing which zones are locked down.
        var services = try GateServices(store: store, policies: policies, trustStore: trustStore, journalKey: key,
            configuration: configuration, logger: logger)
        // Signs checkpoints on time even when idle, fills the query lookup and checkpoints the WAL off the commit path,
        // while the daemon runs; what fails is logged, and the next pass tries again.
        let logger = services.logger
        // It also copies every checkpoint to the witness file and to the log (ship the log elsewhere, and a journal
        // whose newest events were deleted with their checkpoints is still found), and says at once when the
        // journal at start lacks checkpoints the witness holds.
        let witness = JournalWitnessRecorder(path: configuration.witnessPath)
        services.witness = witness
        try JournalMaintenance(journal: services.recorder.journal, witness: witness).start { [services] pass in
            for error in pass.errors {
                logger.error("journal maintenance failed; retrying", metadata: ["error": "\(error)"])
            }
            if let record = pass.witness { services.logWitness(record) }
        }
        if let source = policies as? StorePolicySource {
            logRebuilds(of: source.provider, to: services.logger)
        }
        return services
    }

    /// Logs every rebuild of the store-backed policy for as long as the daemon runs: an operator sees when a change
    /// (through the API, or by another process such as `cardgate site apply`) came into force, or failed to.
    private static func logRebuilds(of provider: PolicySnapshotProvider, to logger: Logger) {
        let updates = provider.updates()
        Task {
            for await update in updates {
                switch update {
                case .rebuilt(let snapshot, let version):
                    logger.info("access policy rebuilt from the store", metadata: [
                        "version": "\(version)", "people": "\(snapshot.model.people.count)",
                        "doors": "\(snapshot.model.doors.count)",
                    ])
                case .failed(let error, let keptVersion):
                    logger.error("the policy could not be rebuilt from the store; the previous one stays in force",
                        metadata: ["error": "\(error)", "version": "\(keptVersion)"])
                }
            }
        }
    }

    /// The zones locked down as stored.
    private static func storedLockdown(_ store: AccessStore) throws(ConfigurationError) -> Set<String> {
        do {
            return try store.lockdownZones()
        } catch {
            throw ConfigurationError("cannot read the zones locked down: \(error)")
        }
    }

    /// How far the journal's signed checkpoints trail its head.
    public struct JournalLag: Sendable, Hashable {
        /// The newest event's sequence number; nil for an empty journal.
        public var head: Int64?
        /// The newest checkpoint's sequence number; nil before the first one.
        public var checkpointSequence: Int64?
        /// When the newest checkpoint was signed.
        public var checkpointTime: Date?
        /// Events the query lookup does not hold yet (queries read them from the journal itself).
        public var eventsNotInLookup = 0

        /// Events after the newest checkpoint, not yet covered by a signature.
        public var unsignedEvents: Int64 { max(0, (head ?? 0) - (checkpointSequence ?? 0)) }
    }

    /// Reads the journal's head, newest checkpoint and how far the query lookup lags.
    public func journalLag() async throws -> JournalLag {
        try await store.writer.read { db in
            let head = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM journal_event")
            let row = try Row.fetchOne(db,
                sql: "SELECT seq, signed_at_ms FROM journal_checkpoint ORDER BY seq DESC LIMIT 1")
            let sequence: Int64? = row?["seq"]
            let milliseconds: Int64? = row?["signed_at_ms"]
            return JournalLag(head: head, checkpointSequence: sequence,
                checkpointTime: milliseconds.map { Date(timeIntervalSince1970: Double($0) / 1000) },
                eventsNotInLookup: try JournalLookup.pending(in: db))
        }
    }
}
