import Foundation
import LatentTensor

/// Approximate k nearest neighbours by nearest-neighbour descent (Dong, Moses & Li 2011), the
/// search umap-learn uses (through pynndescent) for large data.
///
/// "A neighbour of a neighbour is likely a neighbour": every point keeps a bounded max-heap of
/// its best k candidates, started from random points. Each round, for every point, the
/// neighbours that joined since the last round ("new", up to `maxCandidates`, forward and
/// reverse) are compared with each other and with the older ones (the *local join*), and every
/// pair closer than either end's current k-th neighbour is offered to both heaps. Rounds stop
/// when fewer than `delta·n·k` heap entries changed, or after `iterations`.
///
/// Parallel and reproducible: a round first computes the candidate pairs and their distances in
/// parallel (reading the heaps only), then applies them to the heaps split by target point, in
/// a fixed order. Sampling uses hashed priorities of (seed, round, point, candidate), so the
/// result does not depend on the thread count.
public enum NNDescent {
    /// The `k` approximate nearest other rows of `x` (`[n, d]`), squared Euclidean distances,
    /// nearest first.
    public static func neighbors(_ x: Tensor, k: Int, seed: UInt64 = 1, maxCandidates: Int? = nil,
                                 iterations: Int? = nil, delta: Double = 0.001) -> NeighborList {
        let n = x.shape[0], d = x.shape[1]
        let k = Swift.min(k, n - 1)
        precondition(k >= 1, "NNDescent: k must be at least 1 with \(n) points")
        let cap = maxCandidates ?? Swift.max(k, 15)
        let rounds = iterations ?? Swift.max(5, Int(log2(Double(n)).rounded()))
        let base = UncheckedBox(x.unsafeBaseAddress)
        var heapD = [Float](repeating: .infinity, count: n * k)
        var heapI = [Int32](repeating: -1, count: n * k)
        var isNew = [Bool](repeating: true, count: n * k)
        var rng = RandomGenerator(seed: seed)
        // Random start: k distinct other points per row.
        for i in 0..<n {
            var size = 0
            while size < k {
                let j = rng.nextInt(below: n)
                if j == i { continue }
                let dist = distance(base.value + i * d, base.value + j * d, d)
                if push(&heapD, &heapI, &isNew, row: i, k: k, dist, Int32(j)) { size += 1 }
            }
        }
        let threads = n >= 2048 ? Threads.count : 1
        for round in 0..<rounds {
            // Candidate lists: new and old, forward and reverse, each sampled down to `cap` by a
            // hashed priority.
            var newCandidates = [[Int32]](repeating: [], count: n)
            var oldCandidates = [[Int32]](repeating: [], count: n)
            for i in 0..<n {
                for e in i * k..<(i + 1) * k {
                    let j = Int(heapI[e])
                    if j < 0 { continue }
                    if isNew[e] {
                        newCandidates[i].append(Int32(j)); newCandidates[j].append(Int32(i))
                    } else {
                        oldCandidates[i].append(Int32(j)); oldCandidates[j].append(Int32(i))
                    }
                }
            }
            let salt = seed &+ UInt64(round) &* 0x9E37_79B9
            for i in 0..<n {
                sample(&newCandidates[i], cap: cap, salt: salt, owner: i)
                sample(&oldCandidates[i], cap: cap, salt: salt ^ 0xABCD, owner: i)
            }
            // Entries that went into some new list are old from now on.
            for i in 0..<n {
                for e in i * k..<(i + 1) * k where isNew[e] && heapI[e] >= 0 {
                    if newCandidates[i].contains(heapI[e]) { isNew[e] = false }
                }
            }
            // Local join, in parallel, reading the heaps only.
            var updates = [[(Int32, Int32, Float)]](repeating: [], count: threads)
            updates.withUnsafeMutableBufferPointer { up in
                let out = UncheckedBox(up.baseAddress!)
                heapD.withUnsafeBufferPointer { hd in
                    let worst = UncheckedBox(hd.baseAddress!)
                    parallelChunks(n, chunks: threads) { c, range in
                        var local: [(Int32, Int32, Float)] = []
                        for i in range {
                            let fresh = newCandidates[i], old = oldCandidates[i]
                            for (a, p) in fresh.enumerated() {
                                let pp = Int(p)
                                for q in fresh[(a + 1)...] where q != p {
                                    offer(pp, Int(q), base.value, d, k, worst.value, &local)
                                }
                                for q in old where q != p { offer(pp, Int(q), base.value, d, k, worst.value, &local) }
                            }
                        }
                        out.value[c] = local
                    }
                }
            }
            // Apply, split by target point; every thread scans the updates in the same order.
            var changed = [Int](repeating: 0, count: threads)
            heapD.withUnsafeMutableBufferPointer { hd in
                heapI.withUnsafeMutableBufferPointer { hi in
                    isNew.withUnsafeMutableBufferPointer { nw in
                        changed.withUnsafeMutableBufferPointer { ch in
                            let heaps = UncheckedBox((hd.baseAddress!, hi.baseAddress!, nw.baseAddress!, ch.baseAddress!))
                            parallelChunks(n, chunks: threads) { c, range in
                                let (dd, ii, nn, cc) = heaps.value
                                var count = 0
                                for list in updates {
                                    for (p, q, dist) in list {
                                        if range.contains(Int(p)) && insert(dd, ii, nn, row: Int(p), k: k, dist, q) { count += 1 }
                                        if range.contains(Int(q)) && insert(dd, ii, nn, row: Int(q), k: k, dist, p) { count += 1 }
                                    }
                                }
                                cc[c] = count
                            }
                        }
                    }
                }
            }
            if Double(changed.reduce(0, +)) <= delta * Double(n * k) { break }
        }
        // Heaps → rows sorted by distance.
        var indices = [Int32](repeating: 0, count: n * k), distances = [Float](repeating: 0, count: n * k)
        for i in 0..<n {
            var pairs: [(Float, Int32)] = (0..<k).map { e in (heapD[i * k + e], heapI[i * k + e]) }
            pairs.sort { (l: (Float, Int32), r: (Float, Int32)) -> Bool in l.0 < r.0 || (l.0 == r.0 && l.1 < r.1) }
            for (j, pair) in pairs.enumerated() {
                distances[i * k + j] = pair.0
                indices[i * k + j] = pair.1
            }
        }
        return NeighborList(k: k, indices: indices, distances: distances)
    }

    /// Keeps the `cap` entries with the smallest hashed priority (order within kept entries:
    /// by priority), after removing duplicates.
    static func sample(_ list: inout [Int32], cap: Int, salt: UInt64, owner: Int) {
        if list.count <= 1 { return }
        list.sort()
        var unique: [Int32] = []
        unique.reserveCapacity(list.count)
        for v in list where v != unique.last { unique.append(v) }
        if unique.count > cap {
            let key: UInt64 = salt ^ (UInt64(owner) << 32)
            func priority(_ v: Int32) -> UInt64 {
                let low = UInt64(UInt32(bitPattern: v))
                return mix(key ^ low)
            }
            unique.sort { priority($0) < priority($1) }
            unique.removeLast(unique.count - cap)
        }
        list = unique
    }

    /// SplitMix64's finaliser.
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Records (p, q, d²) when it would improve either heap as it stood at the round's start.
    @inline(__always)
    static func offer(_ p: Int, _ q: Int, _ x: UnsafePointer<Float>, _ d: Int, _ k: Int, _ worst: UnsafePointer<Float>,
                      _ out: inout [(Int32, Int32, Float)]) {
        let dist = distance(x + p * d, x + q * d, d)
        if dist < worst[p * k] || dist < worst[q * k] { out.append((Int32(p), Int32(q), dist)) }
    }

    /// Squared Euclidean distance of two rows, eight lanes at a time.
    @inline(__always)
    static func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var j = 0
        while j + 8 <= d {
            let t = UnsafeRawPointer(a + j).loadUnaligned(as: SIMD8<Float>.self)
                - UnsafeRawPointer(b + j).loadUnaligned(as: SIMD8<Float>.self)
            acc += t * t
            j += 8
        }
        var s = acc.sum()
        while j < d { let t = a[j] - b[j]; s += t * t; j += 1 }
        return s
    }

    /// Offers (dist, idx) to row `row`'s max-heap of size `k` (entries −1 are empty and at ∞);
    /// returns whether it entered.
    @inline(__always)
    static func insert(_ hd: UnsafeMutablePointer<Float>, _ hi: UnsafeMutablePointer<Int32>, _ nw: UnsafeMutablePointer<Bool>,
                       row: Int, k: Int, _ dist: Float, _ idx: Int32) -> Bool {
        let d = hd + row * k, ix = hi + row * k, fl = nw + row * k
        if Int(idx) == row || !(dist < d[0]) { return false }
        for e in 0..<k where ix[e] == idx { return false }
        var c = 0
        while true {
            let l = 2 * c + 1
            if l >= k { break }
            var big = l
            if l + 1 < k && d[l + 1] > d[l] { big = l + 1 }
            if d[big] <= dist { break }
            d[c] = d[big]; ix[c] = ix[big]; fl[c] = fl[big]
            c = big
        }
        d[c] = dist; ix[c] = idx; fl[c] = true
        return true
    }

    /// `insert` on arrays (the random start).
    static func push(_ hd: inout [Float], _ hi: inout [Int32], _ nw: inout [Bool], row: Int, k: Int,
                     _ dist: Float, _ idx: Int32) -> Bool {
        hd.withUnsafeMutableBufferPointer { d in
            hi.withUnsafeMutableBufferPointer { i in
                nw.withUnsafeMutableBufferPointer { f in insert(d.baseAddress!, i.baseAddress!, f.baseAddress!, row: row, k: k, dist, idx) }
            }
        }
    }
}
