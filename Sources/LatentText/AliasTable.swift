/// Draws word ids from a fixed discrete distribution in O(1) with one memory read (Walker's alias
/// method, Vose's construction).
///
/// Negative sampling draws several noise words per training pair, so how a draw touches memory
/// matters: the C tool's 10^8-entry table (400 MB) and smaller variants of it miss the cache on
/// nearly every draw. The alias table is one 8-byte entry per word (72 KB for 9,000 words, 800 KB
/// for 100,000), stays in L2, and is exact. Entry `i` packs the probability of keeping `i` (as a
/// 32-bit threshold) with the alias to take otherwise.
struct AliasTable {
    /// `alias << 32 | threshold`, one per outcome.
    let entries: [UInt64]

    /// A table for weights (need not be normalised; at least one must be positive).
    init(weights: [Double]) {
        let n = weights.count
        let total = weights.reduce(0, +)
        var scaled = weights.map { $0 * Double(n) / total }
        var small: [Int] = [], large: [Int] = []
        for i in 0..<n { if scaled[i] < 1 { small.append(i) } else { large.append(i) } }
        var threshold = [Double](repeating: 1, count: n)
        var alias = Array(0..<n)
        while let s = small.popLast(), let l = large.last {
            threshold[s] = scaled[s]
            alias[s] = l
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 {
                large.removeLast()
                small.append(l)
            }
        }
        // Whatever is left (rounding) keeps itself with certainty.
        entries = (0..<n).map { i in
            let t = threshold[i] >= 1 ? UInt64(UInt32.max) : UInt64(threshold[i] * 4_294_967_296)
            return UInt64(alias[i]) << 32 | t
        }
    }

    /// The weights of `counts^power` (word2vec's noise distribution with power 0.75).
    init(counts: [Int], power: Double) {
        self.init(weights: counts.map { pow(Double($0), power) })
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
