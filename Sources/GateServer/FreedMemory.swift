#if canImport(Glibc)
import Glibc
#endif

/// Gives memory the allocator holds freed back to the system.
///
/// A policy rebuild or an administrative edit at a large site reads the whole model, hundreds of MB in short-lived
/// allocations spread over glibc's per-thread arenas, which keep the freed pages. Without a trim the daemon's
/// resident size grew with every administrative change (185 MB after start, 970 MB after 14 rebuilds at the
/// reference site of 100,000 people); with a trim after each rebuild it stayed near 500 MB, and with as many
/// arenas as cores (``limitArenas(to:environment:)``) near 340 MB. Most of what remained was live: the previous
/// compiled policy, which ``StorePolicySource`` now lets go as soon as the next one is published (about 230 MB).
public enum FreedMemory {
    static func release() {
        _ = mallocTrim?(0)
    }

    /// Caps glibc's arenas at `count` (its default is 8 per core), unless the environment already sets the cap
    /// (`MALLOC_ARENA_MAX`, or `glibc.malloc.arena_max` in `GLIBC_TUNABLES`).
    ///
    /// Freed memory stays in the arena that served it; with fewer arenas, the next rebuild reuses more of it. The
    /// daemon calls this first thing, before its threads start allocating. Measured at the reference site: 336 MB
    /// against 441 MB after 14 rebuilds, and the same UID and PIV decisions per second (Tools/LoadBench).
    public static func limitArenas(to count: Int, environment: [String: String]) {
        guard environment["MALLOC_ARENA_MAX"] == nil,
            environment["GLIBC_TUNABLES"]?.contains("glibc.malloc.arena_max") != true, count > 0
        else { return }
        _ = mallopt?(mallocArenaMaximum, Int32(clamping: count))
    }

    /// Fixes glibc's mmap threshold at `bytes` (1 MB by default), unless the environment sets it
    /// (`MALLOC_MMAP_THRESHOLD_`, or `glibc.malloc.mmap_threshold` in `GLIBC_TUNABLES`).
    ///
    /// glibc serves an allocation above the threshold with its own mapping and unmaps it when it is freed, but it
    /// raises the threshold to the size of every such block freed (up to 32 MB), after which the large arrays of a
    /// policy rebuild come from the arenas and stay there. A fixed threshold keeps them mapped and returned at
    /// once. Measured at the reference site (`Tools/LoadBench/admin-memory.sh`, seven pairs of changes): the peak
    /// of a person's renames 363 -> 250 MB, of a card's suspensions 268-307 -> 263 MB.
    public static func fixMmapThreshold(at bytes: Int = 1 << 20, environment: [String: String]) {
        guard environment["MALLOC_MMAP_THRESHOLD_"] == nil,
            environment["GLIBC_TUNABLES"]?.contains("glibc.malloc.mmap_threshold") != true, bytes > 0
        else { return }
        _ = mallopt?(mallocMmapThreshold, Int32(clamping: bytes))
    }

    private typealias MallocTrim = @convention(c) (Int) -> Int32
    private typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
    /// `M_ARENA_MAX` in glibc's `malloc.h`.
    private static let mallocArenaMaximum: Int32 = -8
    /// `M_MMAP_THRESHOLD` in glibc's `malloc.h`.
    private static let mallocMmapThreshold: Int32 = -3

    /// glibc's `int malloc_trim(size_t)` and `int mallopt(int, int)`: not in the Swift Glibc module's headers, so
    /// looked up by name once; nil on another C library.
    private static let mallocTrim = glibcFunction("malloc_trim", as: MallocTrim.self)
    private static let mallopt = glibcFunction("mallopt", as: MallOpt.self)

    private static func glibcFunction<Function>(_ name: String, as type: Function.Type) -> Function? {
        #if canImport(Glibc)
        // A null handle is `RTLD_DEFAULT`: every loaded library.
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), name).map { unsafeBitCast($0, to: type) }
        #else
        nil
        #endif
    }
}
