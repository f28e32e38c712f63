import CLatentBLAS
import LatentTensor

/// The k nearest neighbours of a set of query points: for query `i`, `indices[i*k ..< (i+1)*k]`
/// are reference rows by increasing distance and `distances` the matching squared Euclidean
/// distances.
public struct NeighborList: Sendable {
    /// Neighbours per query.
    public let k: Int
    /// Reference row of each neighbour, `[queries × k]`, nearest first.
    public var indices: [Int32]
    /// Squared Euclidean distance of each neighbour, same layout.
    public var distances: [Float]
    /// Number of queries.
    public var count: Int { k == 0 ? 0 : indices.count / k }
}

/// Exact k-nearest-neighbour search by brute force through BLAS.
///
/// Squared distances come from `‖q‖² + ‖r‖² − 2 q·r`, with the products for a block of 128
/// queries against 2,048 reference rows done by one `sgemm`, so the flops run at BLAS speed and
/// the block stays in cache while a bounded max-heap per query keeps the k best. The scan compares
/// eight candidates at a time against the current k-th distance, so most candidates cost one SIMD
/// compare. Query blocks are split across threads (BLAS runs single-threaded inside them).
public enum NearestNeighbors {
    /// The `k` nearest other rows of every row of `x` (`[n, d]`); a row is never its own
    /// neighbour, but exact duplicates of it are (at distance 0).
    public static func exact(_ x: Tensor, k: Int) -> NeighborList {
        exact(queries: x, reference: x, k: k, excludeSelf: true)
    }

    /// The `k` nearest rows of `reference` for each row of `queries` (same feature count).
    /// With `excludeSelf`, query `i` skips reference row `i` (queries and reference are one set).
    public static func exact(queries: Tensor, reference: Tensor, k: Int, excludeSelf: Bool = false) -> NeighborList {
        precondition(queries.rank == 2 && reference.rank == 2 && queries.shape[1] == reference.shape[1],
                     "NearestNeighbors: shapes \(queries.shape) and \(reference.shape) differ in features")
        let m = queries.shape[0], n = reference.shape[0], d = queries.shape[1]
        let k = Swift.min(k, n - (excludeSelf ? 1 : 0))
        precondition(k >= 1, "NearestNeighbors: k must be at least 1 with \(n) reference rows")
        var indices = [Int32](repeating: 0, count: m * k)
        var distances = [Float](repeating: 0, count: m * k)
        let refNorms = squaredNorms(reference)
        let queryNorms = squaredNorms(queries)
        let blockQ = 128, blockR = 2048
        let blocks = (m + blockQ - 1) / blockQ
        let threads = Threads.count
        let qBase = UncheckedBox(queries.unsafeBaseAddress), rBase = UncheckedBox(reference.unsafeBaseAddress)
        // BLAS single-threaded inside our own workers, so two cores are not oversubscribed.
        Threads.withSingleThreadedBLAS {
        indices.withUnsafeMutableBufferPointer { ip in
            distances.withUnsafeMutableBufferPointer { dp in
                let out = UncheckedBox((ip.baseAddress!, dp.baseAddress!))
                parallelChunks(blocks, chunks: threads) { _, blockRange in
                    var dots = [Float](repeating: 0, count: blockQ * blockR)
                    var heapD = [Float](repeating: 0, count: blockQ * k)
                    var heapI = [Int32](repeating: 0, count: blockQ * k)
                    var filled = [Int](repeating: 0, count: blockQ)
                    for b in blockRange {
                        let q0 = b * blockQ, rows = Swift.min(blockQ, m - q0)
                        for r in 0..<rows { filled[r] = 0 }
                        var r0 = 0
                        while r0 < n {
                            let cols = Swift.min(blockR, n - r0)
                            dots.withUnsafeMutableBufferPointer { dd in
                                gemm(transB: true, m: rows, n: cols, k: d, a: qBase.value + q0 * d, lda: d,
                                     b: rBase.value + r0 * d, ldb: d, c: dd.baseAddress!, ldc: cols)
                                heapD.withUnsafeMutableBufferPointer { hd in
                                    heapI.withUnsafeMutableBufferPointer { hi in
                                        for r in 0..<rows {
                                            let q = q0 + r
                                            scanRow(dots: dd.baseAddress! + r * cols, count: cols, offset: r0,
                                                    queryNorm: queryNorms[q], refNorms: refNorms,
                                                    skip: excludeSelf ? q : -1, k: k,
                                                    heapD: hd.baseAddress! + r * k, heapI: hi.baseAddress! + r * k,
                                                    filled: &filled[r])
                                        }
                                    }
                                }
                            }
                            r0 += cols
                        }
                        // Heaps → rows sorted by distance.
                        for r in 0..<rows {
                            var pairs = (0..<k).map { (heapD[r * k + $0], heapI[r * k + $0]) }
                            pairs.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                            for (j, pair) in pairs.enumerated() {
                                out.value.1[(q0 + r) * k + j] = pair.0
                                out.value.0[(q0 + r) * k + j] = pair.1
                            }
                        }
                    }
                }
            }
        }
        }
        return NeighborList(k: k, indices: indices, distances: distances)
    }

    /// ‖row‖² of every row.
    static func squaredNorms(_ x: Tensor) -> [Float] {
        let n = x.shape[0], d = x.shape[1]
        return x.withUnsafeBufferPointer { p in
            (0..<n).map { i in
                var s: Float = 0
                for j in 0..<d { s += p[i * d + j] * p[i * d + j] }
                return s
            }
        }
    }

    /// Offers `count` candidates (dot products with reference rows `offset…`) to one query's
    /// max-heap of size `k` (`heapD[0]` is the worst kept distance).
    @inline(__always)
    static func scanRow(dots: UnsafeMutablePointer<Float>, count: Int, offset: Int, queryNorm: Float,
                        refNorms: [Float], skip: Int, k: Int, heapD: UnsafeMutablePointer<Float>,
                        heapI: UnsafeMutablePointer<Int32>, filled: inout Int) {
        refNorms.withUnsafeBufferPointer { norms in
            var j = 0
            // Fill the heap first.
            while filled < k && j < count {
                let idx = offset + j
                if idx != skip {
                    let dist = Swift.max(0, queryNorm + norms[idx] - 2 * dots[j])
                    heapPush(heapD, heapI, &filled, dist, Int32(idx))
                }
                j += 1
            }
            var worst = filled == k ? heapD[0] : .infinity
            // Four vectors at a time: any candidate below the k-th distance makes `d − worst`
            // negative, so OR-ing the four differences' bit patterns and testing the sign bit of
            // the eight lanes finds one with plain vector ops. (`.<` masks, `pointwiseMin` and
            // `.min()` compile to scalar loops or uninlined generic calls here: 10× slower.)
            let qn = SIMD8<Float>(repeating: queryNorm)
            let base = norms.baseAddress! + offset
            while j + 32 <= count {
                let w = SIMD8<Float>(repeating: worst)
                let d0 = qn + UnsafeRawPointer(base + j).loadUnaligned(as: SIMD8<Float>.self)
                    - 2 * UnsafeRawPointer(dots + j).loadUnaligned(as: SIMD8<Float>.self)
                let d1 = qn + UnsafeRawPointer(base + j + 8).loadUnaligned(as: SIMD8<Float>.self)
                    - 2 * UnsafeRawPointer(dots + j + 8).loadUnaligned(as: SIMD8<Float>.self)
                let d2 = qn + UnsafeRawPointer(base + j + 16).loadUnaligned(as: SIMD8<Float>.self)
                    - 2 * UnsafeRawPointer(dots + j + 16).loadUnaligned(as: SIMD8<Float>.self)
                let d3 = qn + UnsafeRawPointer(base + j + 24).loadUnaligned(as: SIMD8<Float>.self)
                    - 2 * UnsafeRawPointer(dots + j + 24).loadUnaligned(as: SIMD8<Float>.self)
                let bits = unsafeBitCast(d0 - w, to: SIMD8<UInt32>.self) | unsafeBitCast(d1 - w, to: SIMD8<UInt32>.self)
                    | unsafeBitCast(d2 - w, to: SIMD8<UInt32>.self) | unsafeBitCast(d3 - w, to: SIMD8<UInt32>.self)
                let folded = bits[0] | bits[1] | bits[2] | bits[3] | bits[4] | bits[5] | bits[6] | bits[7]
                if folded >> 31 != 0 {
                    for l in 0..<32 {
                        let idx = offset + j + l
                        let v = Swift.max(0, queryNorm + norms[idx] - 2 * dots[j + l])
                        if idx != skip && v < heapD[0] { heapReplaceTop(heapD, heapI, k, v, Int32(idx)) }
                    }
                    worst = heapD[0]
                }
                j += 32
            }
            while j < count {
                let idx = offset + j
                let v = Swift.max(0, queryNorm + norms[idx] - 2 * dots[j])
                if idx != skip && v < heapD[0] { heapReplaceTop(heapD, heapI, k, v, Int32(idx)) }
                j += 1
            }
        }
    }

    /// Inserts into a max-heap that is not yet full.
    @inline(__always)
    static func heapPush(_ hd: UnsafeMutablePointer<Float>, _ hi: UnsafeMutablePointer<Int32>, _ size: inout Int,
                         _ v: Float, _ idx: Int32) {
        var c = size
        size += 1
        while c > 0 {
            let parent = (c - 1) / 2
            if hd[parent] >= v { break }
            hd[c] = hd[parent]; hi[c] = hi[parent]
            c = parent
        }
        hd[c] = v; hi[c] = idx
    }

    /// Replaces the largest element of a full max-heap of size `k` and sifts down.
    @inline(__always)
    static func heapReplaceTop(_ hd: UnsafeMutablePointer<Float>, _ hi: UnsafeMutablePointer<Int32>, _ k: Int,
                               _ v: Float, _ idx: Int32) {
        var c = 0
        while true {
            let l = 2 * c + 1
            if l >= k { break }
            var big = l
            if l + 1 < k && hd[l + 1] > hd[l] { big = l + 1 }
            if hd[big] <= v { break }
            hd[c] = hd[big]; hi[c] = hi[big]
            c = big
        }
        hd[c] = v; hi[c] = idx
    }
}
