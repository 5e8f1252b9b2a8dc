import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle

/// Builds CardGate's HTTP application: used by `cardgated` and by the tests (`app.test(.router)`).
///
/// Besides the HTTP server, the application runs the daemon's local doors and, last of all at shutdown, closes the
/// journal with a signed checkpoint. On SIGTERM or SIGINT (`runService()`), the server stops accepting connections
/// and finishes the requests under way, so every answered tap's event is already committed; the local doors finish
/// their taps; then the journal is checkpointed.
///
/// - Parameter services: the store, journal and authority to serve; nil opens them from `configuration`.
public func buildApplication(
    _ configuration: GateServerConfiguration, services: GateServices? = nil, logger: Logger? = nil
) async throws -> some ApplicationProtocol {
    var log = logger ?? Logger(label: "cardgated")
    if logger == nil { log.logLevel = configuration.logLevel }
    let resolved: GateServices
    if let services {
        resolved = services
    } else {
        resolved = try await GateServices.open(configuration, logger: log)
        log.info("cardgated starting", metadata: [
            "listen": "\(configuration.host):\(configuration.port)", "db": "\(configuration.databasePath)",
            "caCertificates": "\(configuration.caCertificateFiles.count)",
            "localDoors": "\(configuration.localDoors.map(\.doorId).joined(separator: ","))",
        ])
    }
    let router = Router(context: GateRequestContext.self)
    router.add(middleware: ProblemMiddleware())
    GateRoutes(services: resolved).register(on: router)
    var app = Application(
        router: router,
        server: .http1(configuration: HTTP1Channel.Configuration(
            // The loader allows 0 < s ≤ 3600; a configuration built in code is held to the same.
            idleTimeout: .milliseconds(Int64(min(max(configuration.idleTimeout, 0.001), 3600) * 1000)))),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: "cardgated"),
        logger: log)
    // Shut down in reverse order: the server first, then the local doors, then the journal.
    app.addServices(JournalCloser(services: resolved), LocalDoorService(doors: resolved.localDoors))
    return app
}

/// Runs the local doors as a service: graceful shutdown stops the reader monitor and lets taps under way finish.
struct LocalDoorService: Service {
    let doors: LocalDoors

    func run() async throws {
        await withGracefulShutdownHandler {
            await doors.run()
        } onGracefulShutdown: {
            doors.stop()
        }
        // With nothing to serve, run returns at once: stay until shutdown, as a service that ends early would stop
        // the whole group.
        try? await gracefulShutdown()
    }
}

/// Waits for shutdown, then signs a checkpoint over every event committed, so the journal ends verified, and copies
/// it to the witness.
struct JournalCloser: Service {
    let services: GateServices

    func run() async throws {
        try? await gracefulShutdown()
        do {
            let checkpoint = try await services.recorder.journal.checkpointIfDue(force: true)
            if let witness = services.witness {
                services.logWitness(try await witness.catchUp(from: services.store.writer))
            }
            services.logger.info("journal closed", metadata: [
                "checkpoint": "\(checkpoint.map { String($0.sequence) } ?? "none needed")",
                "appended": "\(services.recorder.counts.appended)",
            ])
        } catch {
            services.logger.error("journal checkpoint at shutdown failed", metadata: ["error": "\(error)"])
        }
    }
}
