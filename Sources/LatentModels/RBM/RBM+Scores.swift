import LatentTensor

#if canImport(Glibc)
import Glibc
#endif

/// The figures that say how well an RBM models data, none of which needs the partition function
/// except `exactLogPartition` (and `RBMAnnealedImportanceSampling`, which estimates it).
extension RBM {
    /// The free energy F(v) of each row, `[N]` (in Double): p(v) = e^(−F(v)) / Z.
    ///
    /// F(v) = −bᵀv − Σⱼ softplus(Wⱼ·v + cⱼ) for Bernoulli units; Gaussian visible units replace
    /// −bᵀv by ½‖v − b‖², linear-Gaussian hidden units replace the softplus sum by ½‖Wv + c‖²
    /// (constants that do not depend on v are dropped).
    public func freeEnergy(_ v: Tensor, batchSize: Int = 1000) -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(v.shape[0])
        var start = 0
        while start < v.shape[0] {
            let end = Swift.min(v.shape[0], start + batchSize)
            let block = v.rows(start..<end)
            result += freeEnergy(block, hiddenInput: hiddenInput(block))
            start = end
        }
        return result
    }

    /// F(v) of each row of `v`, given its hidden input Wv + c.
    func freeEnergy(_ v: Tensor, hiddenInput x: Tensor) -> [Double] {
        (0..<v.shape[0]).map { r in
            visibleEnergy(v.unsafeBaseAddress + r * config.visible, rows: 1)
                + hiddenEnergy(x.unsafeBaseAddress + r * config.hidden, rows: 1)
        }
    }

    /// The visible part of F summed over `rows` rows of visible states: −bᵀv for Bernoulli
    /// units, ½‖v − b‖² for Gaussian ones.
    func visibleEnergy(_ v: UnsafePointer<Float>, rows: Int) -> Double {
        let width = config.visible, b = visibleBias.value.unsafeBaseAddress
        var total = 0.0
        for r in 0..<rows {
            let row = v + r * width
            total += config.visibleUnits == .gaussian ? 0.5 * squaredDistanceSum(row, b, count: width)
                                                      : -dotSum(row, b, count: width)
        }
        return total
    }

    /// The hidden part of F summed over `rows` rows of hidden inputs x: −Σ softplus(x) for
    /// Bernoulli units, −½‖x‖² for linear ones.
    func hiddenEnergy(_ x: UnsafePointer<Float>, rows: Int) -> Double {
        let count = rows * config.hidden
        return config.hiddenUnits == .linear ? -0.5 * dotSum(x, x, count: count) : -softplusSum(x, count: count)
    }

    /// Mean over rows of the squared error, summed over units, between `v` and its mean-field
    /// reconstruction E[v | E[h | v]].
    public func reconstructionError(_ v: Tensor) -> Double {
        Self.squaredErrorPerRow(reconstruct(v), v)
    }

    /// Σ over elements of (a − b)², divided by the rows.
    static func squaredErrorPerRow(_ a: Tensor, _ b: Tensor) -> Double {
        var total = 0.0
        let pa = a.unsafeBaseAddress, pb = b.unsafeBaseAddress
        for i in 0..<a.count { let d = Double(pa[i] - pb[i]); total += d * d }
        return total / Double(Swift.max(a.shape[0], 1))
    }

    /// The stochastic pseudo-log-likelihood of each row, as scikit-learn's
    /// `BernoulliRBM.score_samples` defines it: one visible unit i per row, drawn uniformly
    /// (seeded), is flipped to give ṽ, and the score is D · log σ(F(ṽ) − F(v)), D the number of
    /// visible units: an unbiased estimate of Σᵢ log p(vᵢ | v₋ᵢ) for binary data. Only for
    /// Bernoulli visible units (nil otherwise); data should be binary.
    public func pseudoLikelihood(_ v: Tensor, seed: UInt64) -> [Double]? {
        guard config.visibleUnits == .bernoulli else { return nil }
        var rng = RandomGenerator(seed: seed)
        let n = v.shape[0], width = config.visible
        var flipped = v
        flipped.makeUnique()
        let p = flipped.unsafeBaseAddress
        for r in 0..<n {
            let i = r * width + rng.nextInt(below: width)
            p[i] = 1 - p[i]
        }
        let f = freeEnergy(v), g = freeEnergy(flipped)
        // log σ(d) = −softplus(−d), computed without overflow.
        return zip(f, g).map { fv, fFlipped in
            let d = fFlipped - fv
            return -Double(width) * (Swift.max(-d, 0) + log1p(exp(-Swift.abs(d))))
        }
    }

    /// Whether the exact partition function can be computed by enumerating the hidden states
    /// (Bernoulli units both sides, at most `maximumEnumeratedHidden` hidden units).
    public var hasEnumerablePartition: Bool {
        config.visibleUnits == .bernoulli && config.hiddenUnits == .bernoulli && config.hidden <= Self.maximumEnumeratedHidden
    }

    /// The largest hidden layer whose 2^H states `exactLogPartition` enumerates (16 M states).
    public static let maximumEnumeratedHidden = 24

    /// log Z exactly, by summing over every hidden state h ∈ {0, 1}^H:
    /// Z = Σₕ exp(cᵀh) Πᵢ (1 + exp(bᵢ + (Wᵀh)ᵢ)). Nil unless `hasEnumerablePartition`.
    public func exactLogPartition() -> Double? {
        guard hasEnumerablePartition else { return nil }
        let hidden = config.hidden, states = 1 << hidden, block = 4096
        let c = hiddenBias.value.scalars
        var terms: [Double] = []
        terms.reserveCapacity(states)
        var first = 0
        while first < states {
            let count = Swift.min(block, states - first)
            let h = Tensor(shape: [count, hidden])
            let ph = h.unsafeBaseAddress
            for s in 0..<count {
                let state = first + s
                for j in 0..<hidden where state & (1 << j) != 0 { ph[s * hidden + j] = 1 }
            }
            let x = visibleInput(h)
            let px = x.unsafeBaseAddress, width = config.visible
            for s in 0..<count {
                var t = 0.0
                let state = first + s
                for j in 0..<hidden where state & (1 << j) != 0 { t += Double(c[j]) }
                for i in 0..<width { t += Double(stableSoftplus(px[s * width + i])) }
                terms.append(t)
            }
            first += count
        }
        return Self.logSumExp(terms)
    }

    /// The mean log-likelihood of the rows of `v` under log Z = `logPartition`.
    public func meanLogLikelihood(_ v: Tensor, logPartition: Double) -> Double {
        let f = freeEnergy(v)
        return -f.reduce(0, +) / Double(Swift.max(f.count, 1)) - logPartition
    }

    /// log Σ exp(xᵢ), stable.
    static func logSumExp(_ x: [Double]) -> Double {
        guard let m = x.max(), m.isFinite else { return x.max() ?? -.infinity }
        return m + log(x.reduce(0) { $0 + exp($1 - m) })
    }
}
