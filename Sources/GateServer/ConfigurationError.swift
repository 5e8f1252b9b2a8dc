/// A configuration file, environment variable or flag that cannot be used: the daemon says why and does not start.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Hashable {
    public var description: String

    public init(_ description: String) { self.description = description }
}
