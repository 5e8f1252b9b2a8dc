import Dispatch
import Foundation
import GRDB
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Appends the database's new checkpoints to the witness file (``JournalWitness``), for the daemon's maintenance.
///
/// On its first pass it reads the file and checks the database against it, which finds a journal whose newest
/// events were deleted while the daemon was stopped. After that it remembers the newest checkpoint witnessed and
/// appends only newer ones that are validly signed and vouch for events the journal holds (a checkpoint row planted
/// far ahead would otherwise stop the witnessing). A write that fails (a full disk) is cut back to where it started
/// and tried again on the next pass; a last line left unfinished by a crash is removed on the first pass, so lines
/// appended later never run into it.
///
/// A witness that cannot be read as one (edited by hand, or not CardGate's) or whose lines that show damage are not
/// signed with the journal's keys is reported once, as ``problem``, and left as it is: the daemon stops witnessing
/// until someone moves it aside. ``problem`` is also set when the journal disagrees with the witness, so one gauge
/// (`cardgate_journal_witness_mismatch`) raises the alarm either way.
public final class JournalWitnessRecorder: Sendable {
    public let path: String

    /// What one pass found and wrote.
    public struct Record: Sendable {
        /// The checkpoints appended to the witness.
        public var appended: [JournalCheckpoint] = []
        /// Where the journal disagrees with the witness (the first pass only).
        public var damage: JournalDamage?
        /// Why the witness cannot be used (the first pass only).
        public var unusable: String?
        /// Bytes of an unfinished last line removed before appending (the first pass only).
        public var removedBytes = 0
    }

    private struct State {
        /// The newest checkpoint in the file; nil until the first pass read it.
        var newest: Int64?
        var damage: JournalDamage?
        var unusable: String?
    }

    private let state = Mutex(State())
    /// Holds passes in turn (the maintenance and the checkpoint at shutdown), so a line is never written twice or
    /// out of order; ``state`` stays readable meanwhile.
    private let passes = NSLock()
    private let queue = DispatchQueue(label: "CardGate journal witness")

    public init(path: String) {
        self.path = path
    }

    /// The newest checkpoint in the witness, once a pass has read it.
    public var newestWitnessed: Int64? { state.withLock { $0.newest } }

    /// What is wrong, once a pass found it: the journal disagrees with the witness, or the witness cannot be used.
    public var problem: String? {
        state.withLock { state in state.damage.map { "\($0)" } ?? state.unusable }
    }

    /// ``record(from:)`` on a queue of its own, so that its file and database work never holds up a thread of Swift
    /// concurrency.
    public func catchUp(from reader: any DatabaseReader) async throws(AccessStoreError) -> Record {
        let result: Result<Record, AccessStoreError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(AccessStoreError) in try self.record(from: reader) })
            }
        }
        return try result.get()
    }

    /// Appends the checkpoints in `reader` newer than the newest witnessed one, after checking the journal against
    /// the witness on the first pass.
    public func record(from reader: any DatabaseReader) throws(AccessStoreError) -> Record {
        passes.lock()
        defer { passes.unlock() }
        var record = Record()
        let known = state.withLock { $0 }
        guard known.unusable == nil else { return record }
        var newest: Int64
        if let seen = known.newest {
            newest = seen
        } else {
            record.removedBytes = try removeUnfinishedLine()
            do {
                let witnessed = try JournalWitness.read(at: path)
                record.damage = try Self.damage(witnessed, in: reader)
                newest = witnessed.last?.sequence ?? 0
            } catch let error where error.code == .invalidInput {
                record.unusable = "the witness \(path) cannot be used: \(error.message)"
                state.withLock { $0.unusable = record.unusable }
                return record
            }
            state.withLock { [record] state in
                state.newest = newest
                state.damage = record.damage
            }
        }
        let fresh = try Self.vouchedCheckpoints(after: newest, in: reader)
        guard let last = fresh.last else { return record }
        try append(fresh.map { JournalWitness.line($0) + "\n" }.joined())
        newest = last.sequence
        state.withLock { $0.newest = newest }
        record.appended = fresh
        return record
    }

    private static func damage(_ witnessed: [JournalCheckpoint], in reader: any DatabaseReader)
        throws(AccessStoreError) -> JournalDamage?
    {
        do {
            return try reader.read { db in
                let anchor = try Int64.fetchOne(db, sql: "SELECT seq FROM journal_anchor WHERE id = 1")
                let last = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM journal_event")
                let keys = try Set(Data.fetchAll(db, sql: "SELECT public_key FROM journal_key"))
                return try JournalWitness.damage(witnessed, lastSequence: last, anchor: anchor, keys: keys, in: db)
            }
        } catch {
            throw AccessStoreError(error)
        }
    }

    /// The checkpoints after `sequence` that are validly signed and vouch for an event the journal holds (or for
    /// the retention anchor).
    private static func vouchedCheckpoints(after sequence: Int64, in reader: any DatabaseReader)
        throws(AccessStoreError) -> [JournalCheckpoint]
    {
        let end: Int64?
        do {
            end = try reader.read { db in
                try Int64.fetchOne(
                    db, sql: "SELECT coalesce((SELECT max(seq) FROM journal_event), (SELECT seq FROM journal_anchor))")
            }
        } catch {
            throw AccessStoreError(error)
        }
        guard let end else { return [] }
        return try JournalWitness.checkpoints(in: reader, after: sequence)
            .filter { $0.sequence <= end && $0.hasValidSignature }
    }

    /// Cuts an unfinished last line (a crash in the middle of a write) off the file; returns the bytes removed.
    private func removeUnfinishedLine() throws(AccessStoreError) -> Int {
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return 0 }
            throw failure("open")
        }
        defer { close(descriptor) }
        let size = lseek(descriptor, 0, SEEK_END)
        guard size > 0 else { return 0 }
        // Look back for the last line feed, a block at a time.
        var end = size
        var block = [UInt8](repeating: 0, count: 4096)
        while end > 0 {
            let start = max(0, end - off_t(block.count))
            let count = block.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, Int(end - start), start) }
            guard count == Int(end - start) else { throw failure("read") }
            if let index = block[0..<count].lastIndex(of: UInt8(ascii: "\n")) {
                let keep = start + off_t(index) + 1
                if keep == size { return 0 }
                end = keep
                break
            }
            end = start
        }
        guard ftruncate(descriptor, end) == 0, fsync(descriptor) == 0 else { throw failure("repair") }
        return Int(size - end)
    }

    /// Appends `text` and syncs it; a write that fails is cut back to where it started.
    private func append(_ text: String) throws(AccessStoreError) {
        let existed = FileManager.default.fileExists(atPath: path)
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("open") }
        defer { close(descriptor) }
        let start = lseek(descriptor, 0, SEEK_END)
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let error = failure("write")
                _ = ftruncate(descriptor, start)
                throw error
            }
            written += count
        }
        guard fsync(descriptor) == 0 else {
            let error = failure("sync")
            _ = ftruncate(descriptor, start)
            throw error
        }
        if !existed { syncDirectory() }
    }

    /// Makes a newly created file's name durable.
    private func syncDirectory() {
        let directory = (path as NSString).deletingLastPathComponent
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    private func failure(_ what: String) -> AccessStoreError {
        let code: AccessStoreError.Code = errno == ENOSPC ? .diskFull : (errno == ENOENT ? .cannotOpen : .ioError)
        return AccessStoreError(code, "cannot \(what) the witness \(path): \(String(cString: strerror(errno)))")
    }
}
