import AccessPolicy
import AccessStore
import Foundation

// admin-bench --db FILE [--people N] [--edits N] [--no-kept-model] [--model-cost]
// Loads the reference site into a fresh store (once: an existing FILE is reused), follows it with a
// PolicySnapshotProvider, then makes single administrative changes through AdminEditor and times each change
// and the wait until the rebuilt policy shows it.

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func memory() -> String {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return "?" }
    return status.split(separator: "\n").filter { $0.hasPrefix("VmRSS") || $0.hasPrefix("VmHWM") }
        .map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        .joined(separator: ", ")
}

let path = option("--db") ?? "/tmp/admin-bench.sqlite"
let people = Int(option("--people") ?? "") ?? ReferenceSite.Scale.reference.people
let edits = Int(option("--edits") ?? "") ?? 10
var scale = ReferenceSite.Scale.reference
scale.people = people

let fresh = !FileManager.default.fileExists(atPath: path)
let store = try AccessStore.open(at: path)
if fresh {
    let model = ReferenceSite.generate(scale: scale, seed: 1)
    let start = ContinuousClock.now
    let report = try await store.apply(model, scope: .all, actor: "admin-bench", journal: JournalWriter(key: nil))
    print(String(format: "loaded the reference site (%d people, %d credentials, %d doors): %.1f s; %@",
        model.people.count, model.credentials.count, model.doors.count, seconds(since: start), report.summary))
}

var start = ContinuousClock.now
let provider = try await PolicySnapshotProvider(store: store)
print(String(format: "first policy snapshot: %.2f s; %@", seconds(since: start), memory()))

if CommandLine.arguments.contains("--model-cost") {
    let before = memory()
    start = ContinuousClock.now
    let model = try await store.siteModel()
    let loaded = seconds(since: start)
    start = ContinuousClock.now
    let problems = model.validate()
    print(String(format: "model read: %.2f s, validation: %.2f s (%d problems); memory before %@, after %@", loaded,
        seconds(since: start), problems.count, before, memory()))
}

let editor = AdminEditor(store: store, journal: JournalWriter(key: nil))
let catalog = AdminCatalog(store: store)

/// Waits until the provider's policy shows the change.
func waitForPolicy(_ change: AdminModelChange) async {
    let updates = provider.updates()
    if change.isReflected(in: provider.current.model) { return }
    for await update in updates {
        if case .rebuilt(let snapshot, _) = update, change.isReflected(in: snapshot.model) { return }
    }
}

var editTimes: [Double] = []
var totalTimes: [Double] = []
for number in 0..<edits {
    let id = "c" + String(repeating: "0", count: 6 - String(number).count) + String(number) + "1"
    guard let previous = try await catalog.entity(.credentials, id: id), case .card(var card) = previous else {
        print("no card \(id)")
        continue
    }
    card.status = card.status == .active ? .suspended : .active
    start = ContinuousClock.now
    let result = try await editor.apply(
        AdminEdit(.update(.card(card), previous: previous), fields: ["status"]), actor: "admin-bench")
    let edited = seconds(since: start)
    await waitForPolicy(result.change)
    let total = seconds(since: start)
    editTimes.append(edited)
    totalTimes.append(total)
    print(String(format: "edit %2d (card %@ -> %@): change %.3f s, change + policy rebuild %.3f s; %@",
        number + 1, id, card.status.rawValue, edited, total, memory()))
}
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}
print(String(format: "median of %d edits: change %.3f s (first, with the model read: %.3f s), change + rebuild %.3f s",
    editTimes.count, median(editTimes), editTimes.first ?? 0, median(totalTimes)))
print("memory: \(memory())")
provider.stop()
