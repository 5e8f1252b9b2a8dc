import Hummingbird
import Logging

/// Builds CardGate's HTTP application: used by `cardgated` and by the tests (`app.test(.router)`).
///
/// - Parameter services: the store, journal and authority to serve; nil opens them from `configuration`.
public func buildApplication(
    _ configuration: GateServerConfiguration, services: GateServices? = nil, logger: Logger? = nil
) async throws -> some ApplicationProtocol {
    let resolved: GateServices
    if let services { resolved = services } else { resolved = try await GateServices.open(configuration) }
    let router = Router(context: GateRequestContext.self)
    router.add(middleware: ProblemMiddleware())
    GateRoutes(services: resolved).register(on: router)
    var log = logger ?? Logger(label: "cardgated")
    if logger == nil { log.logLevel = .info }
    return Application(
        router: router,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: "cardgated"),
        logger: log)
}
