import AccessPolicy

/// What an apply changed, per collection, and the journal event that records it.
public struct SiteApplyReport: Sendable, Hashable {
    public var added: [SiteCollection: Int]
    public var changed: [SiteCollection: Int]
    public var removed: [SiteCollection: Int]
    /// Whether the time zone changed.
    public var timeZoneChanged: Bool
    /// The administrative event appended in the same transaction.
    public var event: JournalEvent

    /// Whether the apply found the store already as described.
    public var isUnchanged: Bool {
        !timeZoneChanged && added.isEmpty && changed.isEmpty && removed.isEmpty
    }

    /// `3 doors added, 1 zone changed` or `no changes`.
    public var summary: String {
        var parts: [String] = []
        for (counts, verb) in [(added, "added"), (changed, "changed"), (removed, "removed")] {
            for collection in SiteCollection.allCases {
                guard let count = counts[collection], count > 0 else { continue }
                parts.append("\(count) \(collection.rawValue) \(verb)")
            }
        }
        if timeZoneChanged { parts.append("time zone changed") }
        return parts.isEmpty ? "no changes" : parts.joined(separator: ", ")
    }
}
