import AccessStore
import Hummingbird
import NIOCore

/// The request context of CardGate's routes: the core context, the peer address and the authenticated caller.
public struct GateRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's address; nil in router tests, which have no socket.
    public let remoteAddress: SocketAddress?
    /// Completes when the connection closes: a long response (the live event stream) ends with it.
    public let connectionClosed: EventLoopFuture<Void>
    /// Set by ``AuthenticationMiddleware`` for routes under `/v1`.
    public var caller: Caller?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = CoreRequestContextStorage(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.connectionClosed = source.channel.closeFuture
        self.caller = nil
    }

    /// The key the failure limiter counts by: the peer's IP address, or `unknown`.
    var peerKey: String { remoteAddress?.ipAddress ?? "unknown" }
}
