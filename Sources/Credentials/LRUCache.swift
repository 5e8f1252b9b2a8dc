/// A fixed-capacity map that forgets its least recently used entry when full; every operation is O(1).
///
/// Entries live in an array threaded by a doubly linked recency list of indices, so no node is allocated after
/// the array reaches capacity.
struct LRUCache<Key: Hashable, Value> {
    fileprivate struct Node {
        var key: Key
        var value: Value
        var newer: Int?
        var older: Int?
    }

    let capacity: Int
    private var nodes: [Node] = []
    private var index: [Key: Int] = [:]
    private var newest: Int?
    private var oldest: Int?
    private var free: [Int] = []

    /// - Parameter capacity: at least 1.
    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { index.count }

    /// The value for `key`, marking it most recently used.
    mutating func value(for key: Key) -> Value? {
        guard let slot = index[key] else { return nil }
        moveToNewest(slot)
        return nodes[slot].value
    }

    /// Stores `value` for `key` as the most recently used entry, evicting the oldest when full.
    mutating func set(_ value: Value, for key: Key) {
        if let slot = index[key] {
            nodes[slot].value = value
            moveToNewest(slot)
            return
        }
        if index.count >= capacity, let victim = oldest {
            removeSlot(victim)
        }
        let node = Node(key: key, value: value, newer: nil, older: newest)
        let slot: Int
        if let reused = free.popLast() {
            nodes[reused] = node
            slot = reused
        } else {
            nodes.append(node)
            slot = nodes.count - 1
        }
        if let previous = newest { nodes[previous].newer = slot }
        newest = slot
        if oldest == nil { oldest = slot }
        index[key] = slot
    }

    /// Forgets `key`.
    mutating func removeValue(for key: Key) {
        if let slot = index[key] { removeSlot(slot) }
    }

    /// Forgets everything.
    mutating func removeAll() {
        nodes.removeAll()
        index.removeAll()
        free.removeAll()
        newest = nil
        oldest = nil
    }

    private mutating func unlink(_ slot: Int) {
        let node = nodes[slot]
        if let newer = node.newer { nodes[newer].older = node.older } else { newest = node.older }
        if let older = node.older { nodes[older].newer = node.newer } else { oldest = node.newer }
        nodes[slot].newer = nil
        nodes[slot].older = nil
    }

    private mutating func moveToNewest(_ slot: Int) {
        guard newest != slot else { return }
        unlink(slot)
        nodes[slot].older = newest
        if let previous = newest { nodes[previous].newer = slot }
        newest = slot
        if oldest == nil { oldest = slot }
    }

    private mutating func removeSlot(_ slot: Int) {
        unlink(slot)
        index[nodes[slot].key] = nil
        free.append(slot)
    }
}

extension LRUCache: Sendable where Key: Sendable, Value: Sendable {}
extension LRUCache.Node: Sendable where Key: Sendable, Value: Sendable {}
