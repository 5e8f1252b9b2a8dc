internal import CPCSCLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A PC/SC resource-manager context (`SCardEstablishContext` / `SCardReleaseContext`).
///
/// Every connection opened from a context keeps it alive; the context is released when the last user lets go.
/// Calls that may block (`SCardGetStatusChange`, `SCardTransmit`) must run on a dedicated thread, never on the
/// Swift concurrency pool; `cancel()` may be called from any thread to end a blocking wait.
public final class PCSCContext: Sendable {
    /// Name of the pseudo-reader whose state changes when readers are added or removed.
    public static let plugAndPlayReader = "\\\\?PnP?\\Notification"

    let handle: SCARDCONTEXT
    private let released = Mutex(false)

    /// Establishes a system-scope context (`SCardEstablishContext`).
    /// - Throws: `PCSCError` with `.noService` when pcscd is not running.
    public init() throws(PCSCError) {
        var context: SCARDCONTEXT = 0
        let result = SCardEstablishContext(DWORD(SCARD_SCOPE_SYSTEM), nil, nil, &context)
        try PCSCCall.check(result, "SCardEstablishContext")
        handle = context
    }

    deinit { release() }

    /// Releases the context (`SCardReleaseContext`); later calls on it fail with an invalid-handle error.
    public func release() {
        let first = released.withLock { done in
            defer { done = true }
            return !done
        }
        if first { _ = SCardReleaseContext(handle) }
    }

    /// Whether pcscd still knows this context (`SCardIsValidContext`).
    public var isValid: Bool { SCardIsValidContext(handle) == PCSCCall.success }

    /// Ends a blocking `SCardGetStatusChange` on this context from another thread (`SCardCancel`).
    public func cancel() { _ = SCardCancel(handle) }

    /// The names of the readers pcscd knows (`SCardListReaders`). No readers is an empty list, not an error.
    public func readerNames() throws(PCSCError) -> [String] {
        var length: DWORD = 0
        var result = SCardListReaders(handle, nil, nil, &length)
        if PCSCError.Code(result) == .noReadersAvailable { return [] }
        try PCSCCall.check(result, "SCardListReaders")
        var buffer = [CChar](repeating: 0, count: Int(length))
        result = SCardListReaders(handle, nil, &buffer, &length)
        if PCSCError.Code(result) == .noReadersAvailable { return [] }
        try PCSCCall.check(result, "SCardListReaders")
        return PCSCCall.multiString(buffer)
    }

    /// One snapshot or wait on reader states (`SCardGetStatusChange`).
    /// - Parameters:
    ///   - states: the readers and the state the caller believes they are in; updated in place.
    ///   - timeoutMilliseconds: `nil` waits until something changes or `cancel()` is called.
    func statusChange(_ states: inout [ReaderStateEntry], timeoutMilliseconds: UInt32?) throws(PCSCError) {
        let timeout = DWORD(timeoutMilliseconds ?? 0xFFFF_FFFF)
        let names = states.map { strdup($0.name) }
        defer { names.forEach { free($0) } }
        var raw = states.enumerated().map { index, entry in
            var state = SCARD_READERSTATE()
            state.szReader = UnsafePointer(names[index])
            state.dwCurrentState = DWORD(entry.currentState)
            return state
        }
        let result = SCardGetStatusChange(handle, timeout, &raw, DWORD(raw.count))
        try PCSCCall.check(result, "SCardGetStatusChange")
        for index in states.indices {
            states[index].eventState = UInt32(truncatingIfNeeded: raw[index].dwEventState)
            let count = min(Int(raw[index].cbAtr), Int(MAX_ATR_SIZE))
            states[index].atr = withUnsafeBytes(of: raw[index].rgbAtr) { Array($0.prefix(count)) }
        }
    }
}

/// One reader's entry in a `SCardGetStatusChange` call, without C types.
struct ReaderStateEntry: Sendable {
    var name: String
    var currentState: UInt32 = 0
    var eventState: UInt32 = 0
    var atr: [UInt8] = []

    static let stateChanged: UInt32 = UInt32(SCARD_STATE_CHANGED)
    static let stateUnknown: UInt32 = UInt32(SCARD_STATE_UNKNOWN)
    static let stateUnavailable: UInt32 = UInt32(SCARD_STATE_UNAVAILABLE)
    static let statePresent: UInt32 = UInt32(SCARD_STATE_PRESENT)
    static let stateExclusive: UInt32 = UInt32(SCARD_STATE_EXCLUSIVE)
    static let stateMute: UInt32 = UInt32(SCARD_STATE_MUTE)

    var cardPresent: Bool { eventState & Self.statePresent != 0 && eventState & Self.stateMute == 0 }
    var eventCount: UInt16 { UInt16(truncatingIfNeeded: eventState >> 16) }
    var changed: Bool { eventState & Self.stateChanged != 0 }
}
