import LatentTensor

/// The matrix products and samples of one contrastive-divergence update, each product taken as
/// a sum of selected weight rows when its state operand is 0/1 and sparse enough (`BinaryRows`),
/// as a dense GEMM otherwise.
///
/// Every product of an update has a state operand: the data, a sampled visible state or a sampled
/// hidden state. Binarised images and Bernoulli samples are 0/1 (on MNIST about a seventh of the
/// visible states are 1), so summing the selected rows of W, or of Wᵀ (transposed once per
/// update), does a fraction of a GEMM's arithmetic. The result is the same product up to
/// rounding. Bernoulli samples are drawn together with their pattern of ones.
struct RBMProducts {
    let rbm: RBM
    /// Wᵀ, `[visible, hidden]`: the rows that v·Wᵀ sums.
    let transposedWeight: Tensor

    /// Above this fraction of ones a dense GEMM is as fast as the sum of rows. Measured on the
    /// `rbm` workload (one thread): at the hidden samples' ~40 % ones the two take the same time,
    /// and the visible states' ~13 % take a third of the GEMM's.
    static let maximumDensity = 0.45

    init(_ rbm: RBM) {
        self.rbm = rbm
        transposedWeight = rbm.weight.value.transposed()
    }

    /// `pattern` when it is sparse enough to pay.
    static func worthwhile(_ pattern: BinaryRows?) -> BinaryRows? {
        guard let pattern, pattern.density <= maximumDensity else { return nil }
        return pattern
    }

    /// The ones of `x` when every entry is 0 or 1 and few enough are 1.
    static func sparsePattern(_ x: Tensor) -> BinaryRows? {
        guard x.rank == 2 else { return nil }
        return worthwhile(BinaryRows(x.unsafeBaseAddress, rows: x.shape[0], columns: x.shape[1]))
    }

    /// Wv + c, `[N, hidden]`, from the ones of `v` when given.
    func hiddenInput(_ v: Tensor, pattern: BinaryRows?) -> Tensor {
        guard let pattern = Self.worthwhile(pattern) else { return rbm.hiddenInput(v) }
        let hidden = rbm.hiddenCount
        let out = Tensor(uninitializedShape: [v.shape[0], hidden])
        pattern.multiply(transposedWeight.unsafeBaseAddress, ldb: hidden, width: hidden,
                         bias: rbm.hiddenBias.value.unsafeBaseAddress, into: out.unsafeBaseAddress, ldc: hidden)
        return out
    }

    /// Wᵀh + b, `[N, visible]`, from the ones of `h` when given.
    func visibleInput(_ h: Tensor, pattern: BinaryRows?) -> Tensor {
        guard let pattern = Self.worthwhile(pattern) else { return rbm.visibleInput(h) }
        let visible = rbm.visibleCount
        let out = Tensor(uninitializedShape: [h.shape[0], visible])
        pattern.multiply(rbm.weight.value.unsafeBaseAddress, ldb: visible, width: visible,
                         bias: rbm.visibleBias.value.unsafeBaseAddress, into: out.unsafeBaseAddress, ldc: visible)
        return out
    }

    /// E[h | v] from the hidden inputs x, and the hidden part of the free energy of those rows
    /// summed (`RBM.hiddenEnergy`): for Bernoulli units both come from one pass over x.
    func hiddenMean(hiddenInput x: Tensor) -> (mean: Tensor, energy: Double) {
        guard rbm.config.hiddenUnits == .bernoulli else {
            return (x, rbm.hiddenEnergy(x.unsafeBaseAddress, rows: x.shape[0]))
        }
        var mean = x
        mean.makeUnique()
        let softplus = sigmoidInPlaceSummingSoftplus(mean.unsafeBaseAddress, count: mean.count)
        return (mean, -softplus)
    }

    /// E[v | h] from the ones of `h` when given.
    func visibleMean(_ h: Tensor, pattern: BinaryRows?) -> Tensor {
        var x = visibleInput(h, pattern: pattern)
        if rbm.config.visibleUnits == .bernoulli { RBM.sigmoidInPlace(&x) }
        return x
    }

    /// A sample of the hidden units given their means, with its ones for Bernoulli units.
    func sampleHidden(mean: Tensor, using rng: inout RandomGenerator) -> (Tensor, BinaryRows?) {
        guard rbm.config.hiddenUnits == .bernoulli else { return (rbm.sampleHidden(mean: mean, using: &rng), nil) }
        return Self.bernoulli(mean, using: &rng)
    }

    /// A sample of the visible units given their means, with its ones for Bernoulli units.
    func sampleVisible(mean: Tensor, using rng: inout RandomGenerator) -> (Tensor, BinaryRows?) {
        guard rbm.config.visibleUnits == .bernoulli else { return (rbm.sampleVisible(mean: mean, using: &rng), nil) }
        return Self.bernoulli(mean, using: &rng)
    }

    /// Bernoulli draws with their ones; too large a matrix for `BinaryRows` is drawn without.
    static func bernoulli(_ mean: Tensor, using rng: inout RandomGenerator) -> (Tensor, BinaryRows?) {
        let out = Tensor(uninitializedShape: mean.shape)
        guard let pattern = BinaryRows.sample(probabilities: mean.unsafeBaseAddress, rows: mean.shape[0], columns: mean.shape[1],
                                              using: &rng, into: out.unsafeBaseAddress) else {
            return (mean.bernoulliSample(using: &rng), nil)
        }
        return (out, pattern)
    }

    /// (hₖᵀvₖ − h₀ᵀv₀)·scale, `[hidden, visible]`. With the ones of both visible states known,
    /// it is Gᵀ = [vₖ; v₀]ᵀ[hₖ; −h₀]·scale, one sum of rows of the stacked hidden states per
    /// visible unit, transposed; otherwise one GEMM over the stacked batches (one call, one
    /// thread hand-off, longer inner products than two).
    func weightStatistics(v0: Tensor, h0: Tensor, vk: Tensor, hk: Tensor, scale: Float,
                          patterns: (v0: BinaryRows?, vk: BinaryRows?)) -> Tensor {
        let n = v0.shape[0], visible = rbm.visibleCount, hidden = rbm.hiddenCount
        let stackedHidden = Tensor(uninitializedShape: [2 * n, hidden])
        let sh = stackedHidden.unsafeBaseAddress
        sh.update(from: hk.unsafeBaseAddress, count: n * hidden)
        let positive = h0.unsafeBaseAddress
        for i in 0..<(n * hidden) { sh[n * hidden + i] = -positive[i] }
        if let onesK = Self.worthwhile(patterns.vk), let ones0 = Self.worthwhile(patterns.v0),
           let stacked = onesK.stacked(above: ones0) {
            let transposed = Tensor(uninitializedShape: [visible, hidden])
            stacked.transposed().multiply(sh, ldb: hidden, width: hidden, alpha: scale,
                                          into: transposed.unsafeBaseAddress, ldc: hidden)
            return transposed.transposed()
        }
        let stackedVisible = Tensor(uninitializedShape: [2 * n, visible])
        let sv = stackedVisible.unsafeBaseAddress
        sv.update(from: vk.unsafeBaseAddress, count: n * visible)
        (sv + n * visible).update(from: v0.unsafeBaseAddress, count: n * visible)
        let gW = Tensor(uninitializedShape: [hidden, visible])
        gemm(transA: true, m: hidden, n: visible, k: 2 * n, alpha: scale, a: sh, lda: hidden,
             b: sv, ldb: visible, beta: 0, c: gW.unsafeBaseAddress, ldc: visible)
        return gW
    }
}
