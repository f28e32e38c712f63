/// A hash table from byte strings to dense ids `0..<count`, in flat memory.
///
/// The vocabulary scan and every training epoch look up each token of the corpus here, so it
/// avoids making a `String` per token: keys are the raw (already lowercased) UTF-8 bytes, stored
/// back to back in one arena, and the table is open addressing over 32-bit ids. Lookups from
/// several threads at once are safe as long as nobody inserts.
final class WordTable: @unchecked Sendable {
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCapacity: Int
    private var arenaUsed = 0
    private var starts: [Int] = []
    private var lengths: [Int32] = []
    private var hashes: [UInt64] = []
    private var slots: UnsafeMutablePointer<Int32>
    private var mask: Int

    /// Number of distinct keys.
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = .allocate(capacity: size)
        slots.initialize(repeating: -1, count: size)
        mask = size - 1
        arenaCapacity = Swift.max(64, capacity * 8)
        arena = .allocate(capacity: arenaCapacity)
    }

    deinit {
        slots.deallocate()
        arena.deallocate()
    }

    /// FNV-1a: short keys, so a byte loop is as fast as anything cleverer.
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// The id of `key`, or -1.
    @inline(__always)
    func find(_ key: UnsafeBufferPointer<UInt8>) -> Int32 {
        find(key, hash: WordTable.hash(key))
    }

    @inline(__always)
    private func find(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int32 {
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let id = slots[i]
            if id < 0 { return -1 }
            if hashes[Int(id)] == h && equal(Int(id), key) { return id }
            i = (i + 1) & mask
        }
    }

    @inline(__always)
    private func equal(_ id: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = Int(lengths[id])
        guard n == key.count else { return false }
        guard n > 0, let base = key.baseAddress else { return true }
        return memcmp(arena + starts[id], base, n) == 0
    }

    /// The id of `key`, inserting it with the next id when absent.
    @discardableResult
    func insert(_ key: UnsafeBufferPointer<UInt8>) -> (id: Int32, inserted: Bool) {
        let h = WordTable.hash(key)
        let found = find(key, hash: h)
        if found >= 0 { return (found, false) }
        if (count + 1) * 2 > mask + 1 { grow() }
        if arenaUsed + key.count > arenaCapacity {
            var c = arenaCapacity * 2
            while arenaUsed + key.count > c { c *= 2 }
            let a = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
            a.update(from: arena, count: arenaUsed)
            arena.deallocate()
            arena = a
            arenaCapacity = c
        }
        if let base = key.baseAddress { (arena + arenaUsed).update(from: base, count: key.count) }
        let id = Int32(count)
        starts.append(arenaUsed)
        lengths.append(Int32(key.count))
        hashes.append(h)
        arenaUsed += key.count
        count += 1
        place(id, hash: h)
        return (id, true)
    }

    /// Inserts the UTF-8 bytes of `word`.
    @discardableResult
    func insert(_ word: String) -> (id: Int32, inserted: Bool) {
        var w = word
        return w.withUTF8 { insert($0) }
    }

    /// The id of `word`, or -1.
    func find(_ word: String) -> Int32 {
        var w = word
        return w.withUTF8 { find($0) }
    }

    /// Whether the key with id `id` is valid UTF-8 (`key` would have to repair it otherwise).
    func isValidUTF8(_ id: Int) -> Bool {
        String(validating: UnsafeBufferPointer(start: arena + starts[id], count: Int(lengths[id])), as: UTF8.self) != nil
    }

    /// The key with id `id`, decoded as UTF-8 (invalid sequences are repaired).
    func key(_ id: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: arena + starts[id], count: Int(lengths[id])), as: UTF8.self)
    }

    private func place(_ id: Int32, hash h: UInt64) {
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] >= 0 { i = (i + 1) & mask }
        slots[i] = id
    }

    private func grow() {
        let size = (mask + 1) * 2
        slots.deallocate()
        slots = .allocate(capacity: size)
        slots.initialize(repeating: -1, count: size)
        mask = size - 1
        for id in 0..<count { place(Int32(id), hash: hashes[id]) }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
