/// A card that exists only in software: it takes command APDUs and returns response APDUs.
///
/// Implementations keep their own state (selected application, PIN counters, keys) and must be safe to
/// call from any task; the mock reader and the vpcd bridge deliver one command at a time.
public protocol SimulatedCard: AnyObject, Sendable {
    /// The answer-to-reset the card presents when powered.
    var atr: [UInt8] { get }

    /// Processes one command APDU and returns the response APDU bytes (data and status word).
    ///
    /// Malformed commands are answered with an error status word, never a crash.
    func respond(to command: [UInt8]) -> [UInt8]

    /// Power-on or warm reset: volatile state (selection, verified PINs, pending chains) is cleared.
    func reset()
}
