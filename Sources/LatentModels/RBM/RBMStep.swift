import LatentIO
import LatentNN
import LatentTensor

/// The state of the persistent chains of PCD: the hidden sample each chain stopped at. It is
/// checkpointed with the run, so a resumed run continues the same chains.
public final class PersistentChains: TrainingStateComponent {
    /// `[chains, hidden]`; zeros at the start, as scikit-learn starts them.
    public var hidden: Tensor

    public init(chains: Int, hidden: Int) { self.hidden = Tensor(shape: [chains, hidden]) }

    public func saveState(to writer: inout TrainingStateWriter) throws { writer.put("hidden", hidden) }

    public func loadState(from reader: TrainingStateReader) throws {
        guard let t = reader.tensor("hidden"), t.shape == hidden.shape else {
            throw CheckpointError.mismatch(reader.path, "the persistent chains are missing or have another shape than \(hidden.shape)")
        }
        hidden = t
    }
}

/// One contrastive-divergence update of an RBM as a step function for `TrainingLoop`.
///
/// The positive statistics come from the data (E[h | v₀] ⊗ v₀), the negative ones from the end of
/// a Gibbs chain: started at the data and run k steps (CD-k, Hinton 2002), or continued from where
/// it stopped at the last update (PCD, Tieleman 2008). Their difference, averaged over the batch,
/// is the approximate log-likelihood gradient; weight decay and the sparsity term are added, and
/// `MomentumUpdate` applies it. With CD the last visible state is left as probabilities (less
/// noise, Hinton's guide); persistent chains sample it, as they must stay a Markov chain.
public final class RBMStep {
    public let rbm: RBM
    public let config: RBMTrainingConfig
    public let optimizer: MomentumUpdate
    /// Draws every Gibbs sample.
    public let sampling: RandomStream
    /// The persistent chains (PCD only), one per example of a batch.
    public let chains: PersistentChains?

    public init(rbm: RBM, config: RBMTrainingConfig) throws {
        try config.validate()
        self.rbm = rbm
        self.config = config
        optimizer = try MomentumUpdate(learningRate: config.learningRate)
        sampling = RandomStream(seed: config.seed ^ 0x6199_5)
        chains = config.persistent ? PersistentChains(chains: config.batchSize, hidden: rbm.hiddenCount) : nil
    }

    /// Registers the machine, the optimiser, the sampling stream and the chains with `loop`.
    public func register(in loop: TrainingLoop) {
        loop.register(rbm)
        loop.register(optimizer)
        loop.register(sampling, as: "sampling")
        if let chains { loop.register(chains, as: "chains") }
    }

    /// One update on the step's batch. Figures: `free_energy_gap` (mean F(data) − mean F(chain
    /// ends): what CD lowers) and, for CD, `reconstruction_error` (squared error per example of
    /// the first Gibbs step's visible means).
    public func callAsFunction(_ step: TrainingStep) throws -> StepReport {
        let v0 = step.batch.inputs
        let n = v0.shape[0]
        optimizer.momentum = config.momentum(epoch: step.epoch)
        let x0 = rbm.hiddenInput(v0)
        let h0 = mean(hiddenInput: x0)
        var h = chains.map { $0.hidden.rows(0..<n) } ?? rbm.sampleHidden(mean: h0, using: &sampling.generator)
        var vk = v0, xk = x0, hk = h0
        var report = StepReport()
        for s in 0..<config.gibbsSteps {
            let last = s == config.gibbsSteps - 1
            let visibleMean = rbm.visibleMean(h)
            if s == 0 && chains == nil { report.add("reconstruction_error", RBM.squaredErrorPerRow(visibleMean, v0)) }
            vk = last && chains == nil ? visibleMean : rbm.sampleVisible(mean: visibleMean, using: &sampling.generator)
            xk = rbm.hiddenInput(vk)
            hk = mean(hiddenInput: xk)
            if !last || chains != nil { h = rbm.sampleHidden(mean: hk, using: &sampling.generator) }
        }
        if let chains { Self.storeRows(h, into: &chains.hidden) }
        let gap = rbm.freeEnergy(v0, hiddenInput: x0).reduce(0, +) / Double(n)
            - rbm.freeEnergy(vk, hiddenInput: xk).reduce(0, +) / Double(n)
        report.figures.insert(("free_energy_gap", gap), at: 0)
        optimizer.update(gradients(v0: v0, h0: h0, vk: vk, hk: hk))
        return report
    }

    /// Hidden means from hidden inputs.
    private func mean(hiddenInput x: Tensor) -> Tensor {
        var m = x
        if rbm.config.hiddenUnits == .bernoulli { RBM.sigmoidInPlace(&m) }
        return m
    }

    /// The descent direction of every parameter: (negative − positive statistics) / n, plus
    /// weight decay on W and the sparsity term on W and c.
    func gradients(v0: Tensor, h0: Tensor, vk: Tensor, hk: Tensor) -> Gradients {
        let n = v0.shape[0], visible = rbm.visibleCount, hidden = rbm.hiddenCount
        let scale = 1 / Float(n)
        // G = (hₖᵀvₖ − h₀ᵀv₀) / n = [hₖ; −h₀]ᵀ[vₖ; v₀] / n: one GEMM over 2n rows, which runs
        // faster than two over n (one call, one thread hand-off, longer inner products).
        let stackedHidden = Tensor(uninitializedShape: [2 * n, hidden])
        let stackedVisible = Tensor(uninitializedShape: [2 * n, visible])
        let sh = stackedHidden.unsafeBaseAddress, sv = stackedVisible.unsafeBaseAddress
        sh.update(from: hk.unsafeBaseAddress, count: n * hidden)
        let p0 = h0.unsafeBaseAddress
        for i in 0..<(n * hidden) { sh[n * hidden + i] = -p0[i] }
        sv.update(from: vk.unsafeBaseAddress, count: n * visible)
        (sv + n * visible).update(from: v0.unsafeBaseAddress, count: n * visible)
        let gW = Tensor(uninitializedShape: [hidden, visible])
        gemm(transA: true, m: hidden, n: visible, k: 2 * n, alpha: scale, a: sh, lda: hidden,
             b: sv, ldb: visible, beta: 0, c: gW.unsafeBaseAddress, ldc: visible)
        var gc = (hk.sum(axis: 0) - h0.sum(axis: 0)) * scale
        let gb = (vk.sum(axis: 0) - v0.sum(axis: 0)) * scale
        let pW = gW.unsafeBaseAddress, w = rbm.weight.value.unsafeBaseAddress
        if config.weightDecay > 0 {
            let decay = config.weightDecay
            for i in 0..<gW.count { pW[i] += decay * w[i] }
        }
        if let target = config.sparsityTarget, config.sparsityCost > 0 {
            // The derivative of the cross-entropy between the target and each unit's mean
            // activation q with respect to its total input is q − target (Hinton's guide, §11).
            let q = h0.mean(axis: 0), meanVisible = v0.mean(axis: 0)
            let pq = q.unsafeBaseAddress, pv = meanVisible.unsafeBaseAddress
            gc.makeUnique()
            let pc = gc.unsafeBaseAddress
            for j in 0..<hidden {
                let d = config.sparsityCost * (pq[j] - target)
                pc[j] += d
                for i in 0..<visible { pW[j * visible + i] += d * pv[i] }
            }
        }
        return Gradients(parameters: [
            .init(name: "weight", parameter: rbm.weight, gradient: gW),
            .init(name: "h_bias", parameter: rbm.hiddenBias, gradient: gc),
            .init(name: "v_bias", parameter: rbm.visibleBias, gradient: gb),
        ])
    }

    /// Writes the rows of `rows` over the first rows of `target`.
    static func storeRows(_ rows: Tensor, into target: inout Tensor) {
        target.makeUnique()
        let p = target.unsafeBaseAddress, q = rows.unsafeBaseAddress
        for i in 0..<rows.count { p[i] = q[i] }
    }
}
