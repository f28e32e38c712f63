import LatentTensor

#if canImport(Glibc)
import Glibc
#endif

/// An estimate of log Z of a binary RBM by annealed importance sampling (Neal 2001), as
/// Salakhutdinov & Murray (2008) apply it to RBMs.
///
/// The path runs from a base-rate model A (no weights, visible biases b_A from the data's pixel
/// means, so Z_A is known in closed form) to the RBM B through
/// p*_β(v) = exp((1 − β) b_Aᵀv + β b_Bᵀv) · Πⱼ (1 + exp(β (Wv + c)ⱼ)), for β from 0 to 1. Each of
/// `runs` independent chains starts from an exact sample of A, adds log p*_βₖ(v) − log p*_βₖ₋₁(v)
/// to its log weight and moves by one Gibbs step that leaves p_βₖ invariant. The mean weight
/// estimates Z_B / Z_A without bias; its logarithm is slightly biased low, so Ẑ tends to
/// underestimate and the log-likelihood to overestimate (the paper's caveat).
public struct RBMAnnealedImportanceSampling: Sendable {
    /// Independent annealing runs (the paper: 100).
    public var runs = 100
    /// Intermediate distributions (the paper: 14,500, spaced 500 in [0, 0.5], 4,000 in
    /// [0.5, 0.9] and 10,000 in [0.9, 1]; the same proportions are kept for any count).
    public var steps = 14_500
    public var seed: UInt64 = 1

    public init(runs: Int = 100, steps: Int = 14_500, seed: UInt64 = 1) {
        self.runs = runs
        self.steps = steps
        self.seed = seed
    }

    /// The estimate: log Ẑ and its standard error (delta method on the weights' spread:
    /// sd(w) / (mean(w) √runs)).
    public struct Estimate: Sendable, Equatable {
        public var logPartition: Double
        public var standardError: Double
        /// log Z of the base-rate model.
        public var baseLogPartition: Double
    }

    /// The inverse temperatures β₀ = 0 < … < β_K = 1.
    public func betas() -> [Double] {
        let k = Swift.max(steps, 3)
        let first = Swift.max(1, k * 500 / 14_500), second = Swift.max(1, k * 4000 / 14_500)
        let third = Swift.max(1, k - first - second)
        var b: [Double] = [0]
        for i in 1...first { b.append(0.5 * Double(i) / Double(first)) }
        for i in 1...second { b.append(0.5 + 0.4 * Double(i) / Double(second)) }
        for i in 1...third { b.append(0.9 + 0.1 * Double(i) / Double(third)) }
        return b
    }

    /// Estimates log Z of `rbm` (Bernoulli visible and hidden units), with the base rates taken
    /// from `data` (the training images; nil: b_A = 0). Returns nil for other unit types.
    public func estimate(_ rbm: RBM, data: Tensor?) -> Estimate? {
        guard rbm.config.visibleUnits == .bernoulli, rbm.config.hiddenUnits == .bernoulli, runs >= 2 else { return nil }
        let width = rbm.config.visible, hidden = rbm.config.hidden
        // Base rates: log-odds of the pixel means, smoothed so an always-off pixel stays finite.
        var baseBias = [Float](repeating: 0, count: width)
        if let data, data.shape[0] > 0 {
            let mean = data.mean(axis: 0).scalars
            for i in 0..<width {
                let p = (Double(mean[i]) * Double(data.shape[0]) + 0.05) / (Double(data.shape[0]) + 0.1)
                baseBias[i] = Float(log(p / (1 - p)))
            }
        }
        var baseLogZ = Double(hidden) * log(2.0)
        for a in baseBias { baseLogZ += Double(stableSoftplus(a)) }

        var rng = RandomGenerator(seed: seed)
        // Per-unit constants as flat buffers: the loops below run K × runs × units times.
        let base = Tensor(shape: [width], scalars: baseBias)
        let gap = rbm.visibleBias.value - base
        let pBase = base.unsafeBaseAddress, pGap = gap.unsafeBaseAddress, pTarget = rbm.visibleBias.value.unsafeBaseAddress
        var v = Tensor(shape: [runs, width])
        var pv = v.unsafeBaseAddress
        for e in 0..<(runs * width) { pv[e] = rng.nextFloat() < stableSigmoid(pBase[e % width]) ? 1 : 0 }
        var logWeights = [Double](repeating: 0, count: runs)
        let schedule = betas()
        for k in 1..<schedule.count {
            let previous = Float(schedule[k - 1]), beta = Float(schedule[k])
            let x = rbm.hiddenInput(v)
            let px = x.unsafeBaseAddress
            for r in 0..<runs {
                // log p*_β(v) − log p*_β'(v): the visible terms are linear in β.
                var visibleDot: Float = 0
                let row = pv + r * width
                for i in 0..<width where row[i] != 0 { visibleDot += pGap[i] }
                var hiddenTerms: Float = 0
                let xr = px + r * hidden
                for j in 0..<hidden { hiddenTerms += stableSoftplus(beta * xr[j]) - stableSoftplus(previous * xr[j]) }
                logWeights[r] += Double((beta - previous) * visibleDot) + Double(hiddenTerms)
            }
            if k == schedule.count - 1 { break }
            // One Gibbs step at β: h ~ σ(β (Wv + c)), v ~ σ((1 − β) b_A + β (Wᵀh + b_B)).
            let h = Tensor(uninitializedShape: [runs, hidden])
            let ph = h.unsafeBaseAddress
            for e in 0..<(runs * hidden) { ph[e] = rng.nextFloat() < stableSigmoid(beta * px[e]) ? 1 : 0 }
            let y = h.matmul(rbm.weight.value)
            let py = y.unsafeBaseAddress
            for e in 0..<(runs * width) {
                let i = e % width
                py[e] = rng.nextFloat() < stableSigmoid((1 - beta) * pBase[i] + beta * (py[e] + pTarget[i])) ? 1 : 0
            }
            v = y
            pv = v.unsafeBaseAddress
        }
        let logMean = RBM.logSumExp(logWeights) - log(Double(runs))
        // Spread of the weights relative to their mean, on a scale where the largest is 1.
        let top = logWeights.max() ?? 0
        let w = logWeights.map { exp($0 - top) }
        let mean = w.reduce(0, +) / Double(runs)
        let variance = w.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(runs - 1)
        return Estimate(logPartition: baseLogZ + logMean, standardError: variance.squareRoot() / (mean * Double(runs).squareRoot()),
                        baseLogPartition: baseLogZ)
    }
}
