import Synchronization

/// oneDNN primitives made once per key and shared by every caller (making one JIT-compiles its
/// kernels, a few milliseconds). A failed make is kept too, as `nil`, so a shape oneDNN refuses
/// is not retried on every call. Past `capacity` keys the table starts over: a model uses a
/// handful of shapes, plus one per odd last batch.
final class DNNLPrimitiveCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let table = Mutex<[Key: Value?]>([:])
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// The value for `key`, made with `make` on first use. Two threads missing at once may both
    /// make it; the second result replaces the first, and both are valid.
    func value(for key: Key, make: (Key) -> Value?) -> Value? {
        if let hit = table.withLock({ $0[key] }) { return hit }
        let made = make(key)
        table.withLock { entries in
            if entries.count >= capacity { entries.removeAll() }
            entries[key] = made
        }
        return made
    }
}
