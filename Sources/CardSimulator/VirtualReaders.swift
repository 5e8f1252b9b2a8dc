/// The virtual readers of CardGate's pcscd configuration (`Hardware/pcscd/`) and their vpcd ports.
///
/// Debian's `/etc/reader.conf.d/vpcd` gives "Virtual PCD 00 00" and "… 00 01" on ports 35963 and 35964;
/// CardGate's `vpcd-cardgate` adds "CardGate Virtual Door 00 00" and "… 00 01" on 35965 and 35966.
public enum VirtualReaders {
    public static let all: [(name: String, port: UInt16)] = [
        ("Virtual PCD 00 00", 35963),
        ("Virtual PCD 00 01", 35964),
        ("CardGate Virtual Door 00 00", 35965),
        ("CardGate Virtual Door 00 01", 35966),
    ]

    /// The vpcd port that serves `reader`, if it is one of CardGate's virtual readers.
    public static func port(forReader reader: String) -> UInt16? {
        all.first { $0.name == reader }?.port
    }

    /// Parses `HOST:PORT` (or just `PORT`, meaning 127.0.0.1).
    public static func endpoint(_ text: String) -> (host: String, port: UInt16)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return UInt16(parts[0]).map { ("127.0.0.1", $0) }
        case 2: return UInt16(parts[1]).map { (parts[0].isEmpty ? "127.0.0.1" : String(parts[0]), $0) }
        default: return nil
        }
    }
}
