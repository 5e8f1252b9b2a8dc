internal import CPCSCLite

/// Helpers shared by the PC/SC wrappers: result checking and string decoding.
enum PCSCCall {
    static let success = LONG(0)

    /// Throws a `PCSCError` naming `function` unless `result` is `SCARD_S_SUCCESS`.
    static func check(_ result: LONG, _ function: String, file: String = #fileID, line: Int = #line)
        throws(PCSCError)
    {
        guard result != success else { return }
        throw PCSCError(PCSCError.Code(result), function: function, file: file, line: line)
    }

    /// Splits a PC/SC multi-string (NUL-separated, double-NUL-terminated) into strings, decoding UTF-8
    /// and replacing invalid sequences rather than failing on odd reader names.
    static func multiString(_ buffer: [CChar]) -> [String] {
        var names: [String] = []
        var current: [UInt8] = []
        for char in buffer {
            if char == 0 {
                if current.isEmpty { break }
                names.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            } else {
                current.append(UInt8(bitPattern: char))
            }
        }
        return names
    }
}

extension PCSCError.Code {
    init(_ result: LONG) { self.init(rawValue: UInt32(truncatingIfNeeded: result)) }
}
