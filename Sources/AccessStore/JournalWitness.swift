import Foundation
import GRDB
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A copy of the journal's signed checkpoints kept outside the database: the witness.
///
/// The hash chain and the checkpoints find every edit, deletion and insertion inside the journal, but not the
/// removal of its newest events together with the checkpoints that signed them: what is left is a valid, shorter
/// journal. The witness catches that. The daemon appends every new checkpoint it finds in the database to the
/// witness file (one JSON line each, `JournalWitnessRecorder`) and logs it, and `cardgate journal verify` checks that the
/// database still holds every witnessed checkpoint's event with the witnessed hash, except those retention pruned.
/// It is only as safe as its place: the default, beside the database, catches a careless edit with `sqlite3`; a
/// file on another disk or host, or the daemon's log shipped elsewhere, catches someone who knows of it.
///
/// A line: `{"seq":1000,"hash":"<64 hex>","signedAt":"2026-…Z","signedAtMs":…,"publicKey":"<base64>",
/// "signature":"<base64>"}`; the signature is the checkpoint's own (``JournalCheckpoint``), checked against the
/// trusted (or recorded) keys wherever a line would show damage, so a line that raises an alarm cannot be made up
/// without the journal key.
public enum JournalWitness {
    /// The witness file the daemon writes when the configuration names none: beside the database.
    public static func defaultPath(forDatabase databasePath: String) -> String { databasePath + ".witness" }

    private struct Line: Codable {
        var seq: Int64
        var hash: String
        var signedAt: String
        var signedAtMs: Int64
        var publicKey: String
        var signature: String
    }

    /// The witness line of `checkpoint`, without the line feed.
    public static func line(_ checkpoint: JournalCheckpoint) -> String {
        let line = Line(
            seq: checkpoint.sequence, hash: JournalEventJSON.hex(checkpoint.hash),
            signedAt: UTCTimestamp.format(milliseconds: checkpoint.signedAtMilliseconds),
            signedAtMs: checkpoint.signedAtMilliseconds, publicKey: checkpoint.publicKey.base64EncodedString(),
            signature: checkpoint.signature.base64EncodedString())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a struct of strings and integers cannot fail.
        return String(decoding: (try? encoder.encode(line)) ?? Data(), as: UTF8.self)
    }

    /// The checkpoints in a witness text, in sequence order.
    ///
    /// Signatures are checked where a line would show damage (``damage(_:lastSequence:anchor:in:)``): a line that
    /// agrees with the journal says nothing it does not, and checking 10 000 signatures would cost about a second.
    /// - Throws: `invalidInput` naming `source` and the line for a line that is not a witnessed checkpoint or whose
    ///   sequence does not grow.
    public static func parse(_ text: String, source: String) throws(AccessStoreError) -> [JournalCheckpoint] {
        try parse(Data(text.utf8), source: source)
    }

    /// The checkpoints in the bytes of a witness file: lines end with LF or CR LF. Read as bytes, not as a
    /// `String` split into characters, which cost most of the time (a year's witness: 263 000 lines, 84 MB).
    static func parse(_ bytes: Data, source: String) throws(AccessStoreError) -> [JournalCheckpoint] {
        var checkpoints: [JournalCheckpoint] = []
        let decoder = JSONDecoder()
        let base = bytes.startIndex
        for (index, line) in lines(of: bytes).enumerated() where !line.isEmpty {
            func refuse(_ why: String) -> AccessStoreError {
                AccessStoreError(.invalidInput, "\(source) line \(index + 1): \(why)")
            }
            let text = bytes[(base + line.lowerBound)..<(base + line.upperBound)]
            guard let parsed = try? decoder.decode(Line.self, from: text) else {
                throw refuse("not a witnessed checkpoint (a JSON object with seq, hash, signedAtMs, publicKey, signature)")
            }
            guard let hash = hexBytes(parsed.hash), hash.count == 32,
                let publicKey = Data(base64Encoded: parsed.publicKey), publicKey.count == 32,
                let signature = Data(base64Encoded: parsed.signature), signature.count == 64
            else {
                throw refuse("the hash must be 32 bytes in hex, the public key 32 and the signature 64 bytes in base64")
            }
            let checkpoint = JournalCheckpoint(
                sequence: parsed.seq, hash: hash, signedAtMilliseconds: parsed.signedAtMs, publicKey: publicKey,
                signature: signature)
            guard checkpoint.sequence >= 1 else { throw refuse("the sequence must be 1 or more") }
            if let previous = checkpoints.last, previous.sequence >= checkpoint.sequence {
                guard previous.sequence == checkpoint.sequence, previous.hash == checkpoint.hash else {
                    throw refuse("sequence \(checkpoint.sequence) does not follow \(previous.sequence)")
                }
                continue
            }
            checkpoints.append(checkpoint)
        }
        return checkpoints
    }

    /// The byte range of each line of `bytes` (offsets from its start), without the line end and the spaces, tabs
    /// and carriage returns around it: empty for a blank line.
    private static func lines(of bytes: Data) -> [Range<Int>] {
        bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [Range<Int>] in
            func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
            var lines: [Range<Int>] = []
            var start = 0
            while start < raw.count {
                var end = start
                while end < raw.count, raw[end] != 0x0A { end += 1 }
                var first = start
                var last = end
                while first < last, isBlank(raw[first]) { first += 1 }
                while last > first, isBlank(raw[last - 1]) { last -= 1 }
                lines.append(first..<last)
                start = end + 1
            }
            return lines
        }
    }

    /// The checkpoints in the witness file at `path`; none when the file does not exist.
    public static func read(at path: String) throws(AccessStoreError) -> [JournalCheckpoint] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw AccessStoreError(.ioError, "cannot read the witness \(path): \(error.localizedDescription)")
        }
        return try parse(bytes, source: path)
    }

    /// The checkpoints in the database after `sequence`, in order: what a witness of it holds.
    public static func checkpoints(in reader: any DatabaseReader, after sequence: Int64 = 0)
        throws(AccessStoreError) -> [JournalCheckpoint]
    {
        do {
            return try reader.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT seq, hash, signed_at_ms, public_key, signature FROM journal_checkpoint"
                        + " WHERE seq > ? ORDER BY seq", arguments: [sequence]
                ).map { JournalVerifier.checkpoint(row: $0).verified }
            }
        } catch {
            throw AccessStoreError(error)
        }
    }

    /// The first place where the journal in `db` disagrees with `witnessed`, or nil when it holds every witnessed
    /// checkpoint that retention has not pruned.
    ///
    /// - Parameters:
    ///   - lastSequence: the journal's newest event (nil when it holds none).
    ///   - anchor: the retention anchor; witnessed checkpoints below it were pruned.
    ///   - keys: the keys a witnessed checkpoint that shows damage must be signed with.
    /// - Throws: `invalidInput` when the witnessed checkpoint that would show damage is not validly signed with one of
    ///   `keys`: such a witness was not written from the journal's checkpoints, and proves nothing.
    static func damage(
        _ witnessed: [JournalCheckpoint], lastSequence: Int64?, anchor: Int64?, keys: Set<Data>, in db: Database
    ) throws -> JournalDamage? {
        var lastAgreed = anchor ?? 0
        for checkpoint in witnessed {
            if let anchor, checkpoint.sequence < anchor { continue }
            let end = lastSequence ?? anchor ?? 0
            guard checkpoint.sequence <= end else {
                try requireSignature(checkpoint, keys: keys)
                let signed = UTCTimestamp.format(milliseconds: checkpoint.signedAtMilliseconds)
                return JournalDamage(
                    sequence: end.saturatingAdding(1), throughSequence: checkpoint.sequence, kind: .deleted,
                    detail: "the journal ends at \(end), but the witness holds a checkpoint for event "
                        + "\(checkpoint.sequence) signed \(signed): the newest events were deleted with their checkpoints")
            }
            let held = try Data.fetchOne(
                db, sql: "SELECT hash FROM journal_event WHERE seq = ? UNION ALL SELECT hash FROM journal_checkpoint "
                    + "WHERE seq = ? AND seq = (SELECT seq FROM journal_anchor WHERE id = 1)",
                arguments: [checkpoint.sequence, checkpoint.sequence])
            if let held, held != checkpoint.hash {
                try requireSignature(checkpoint, keys: keys)
                let from = lastAgreed.saturatingAdding(1)
                return JournalDamage(
                    sequence: from, throughSequence: checkpoint.sequence, kind: .rewritten,
                    detail: "event \(checkpoint.sequence) differs from the witnessed checkpoint for it: the events "
                        + "\(from) to \(checkpoint.sequence) were rewritten")
            }
            lastAgreed = checkpoint.sequence
        }
        return nil
    }

    private static func requireSignature(_ checkpoint: JournalCheckpoint, keys: Set<Data>) throws(AccessStoreError) {
        guard keys.contains(checkpoint.publicKey) else {
            throw AccessStoreError(
                .invalidInput, "the witnessed checkpoint for event \(checkpoint.sequence) is signed by a key that is "
                    + "not trusted: the witness was not written from this journal's checkpoints")
        }
        guard checkpoint.hasValidSignature else {
            throw AccessStoreError(
                .invalidInput, "the witnessed checkpoint for event \(checkpoint.sequence) is not validly signed: the "
                    + "witness was not written from the journal's checkpoints")
        }
    }

    static func hexBytes(_ text: String) -> Data? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return Data(bytes)
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
