import Synchronization

/// Lets one run of a costly operation go at a time; a caller arriving while it runs is turned away.
final class SingleFlight: Sendable {
    private let running = Atomic<Bool>(false)

    /// True when the caller may run (and must call ``end()``), false while another run is going.
    func begin() -> Bool {
        running.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }

    func end() {
        running.store(false, ordering: .releasing)
    }
}
