import AccessStore
import Hummingbird
import NIOCore

/// The request context of CardGate's routes: the core context, the peer address and the authenticated caller.
public struct GateRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's address; nil in router tests, which have no socket.
    public let remoteAddress: SocketAddress?
    /// Set by ``AuthenticationMiddleware`` for routes under `/v1`.
    public var caller: Caller?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = CoreRequestContextStorage(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.caller = nil
    }

    /// The key the failure limiter counts by: the peer's IP address, or `unknown`.
    var peerKey: String { remoteAddress?.ipAddress ?? "unknown" }
}
