import Crypto
import Foundation

/// A growable byte buffer reused across events, so hashing a journal allocates nothing per event.
///
/// Not `Sendable`: each verification thread owns its own buffer.
final class ScratchBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = max(64, capacity)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    func reset() { count = 0 }

    func append(_ source: UnsafeRawPointer?, count length: Int) {
        guard length > 0, let source else { return }
        reserve(length)
        memcpy(base + count, source, length)
        count += length
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        append(bytes.baseAddress, count: bytes.count)
    }

    func append(byte: UInt8) {
        reserve(1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    func append(bigEndian value: Int64) {
        withUnsafeBytes(of: value.bigEndian) { append($0) }
    }

    func append(bigEndian value: UInt32) {
        withUnsafeBytes(of: value.bigEndian) { append($0) }
    }

    /// SHA-256 of the bytes appended since the last `reset()`.
    func sha256() -> SHA256.Digest {
        var hasher = SHA256()
        hasher.update(bufferPointer: UnsafeRawBufferPointer(start: base, count: count))
        return hasher.finalize()
    }

    private func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        var newCapacity = capacity * 2
        while count + extra > newCapacity { newCapacity *= 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
