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
///
/// The products go through `RBMProducts`: on 0/1 states (binarised data, Bernoulli samples) they
/// are sums of selected weight rows rather than GEMMs, the same update up to rounding.
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
        let products = RBMProducts(rbm)
        let pattern0 = RBMProducts.sparsePattern(v0)
        let (h0, hiddenEnergy0) = products.hiddenMean(hiddenInput: products.hiddenInput(v0, pattern: pattern0))
        var (h, hPattern): (Tensor, BinaryRows?)
        if let chains {
            h = chains.hidden.rows(0..<n)
            hPattern = BinaryRows(h.unsafeBaseAddress, rows: n, columns: rbm.hiddenCount)
        } else {
            (h, hPattern) = products.sampleHidden(mean: h0, using: &sampling.generator)
        }
        var vk = v0, hk = h0, patternK = pattern0, hiddenEnergyK = hiddenEnergy0
        var report = StepReport()
        for s in 0..<config.gibbsSteps {
            let last = s == config.gibbsSteps - 1
            let visibleMean = products.visibleMean(h, pattern: hPattern)
            if s == 0 && chains == nil { report.add("reconstruction_error", RBM.squaredErrorPerRow(visibleMean, v0)) }
            if last && chains == nil {
                (vk, patternK) = (visibleMean, nil)
            } else {
                (vk, patternK) = products.sampleVisible(mean: visibleMean, using: &sampling.generator)
            }
            (hk, hiddenEnergyK) = products.hiddenMean(hiddenInput: products.hiddenInput(vk, pattern: patternK))
            if !last || chains != nil { (h, hPattern) = products.sampleHidden(mean: hk, using: &sampling.generator) }
        }
        if let chains { Self.storeRows(h, into: &chains.hidden) }
        let energy0 = rbm.visibleEnergy(v0.unsafeBaseAddress, rows: n) + hiddenEnergy0
        let energyK = rbm.visibleEnergy(vk.unsafeBaseAddress, rows: n) + hiddenEnergyK
        report.figures.insert(("free_energy_gap", (energy0 - energyK) / Double(n)), at: 0)
        let gW = products.weightStatistics(v0: v0, h0: h0, vk: vk, hk: hk, scale: 1 / Float(n),
                                           patterns: (pattern0, patternK))
        optimizer.update(gradients(v0: v0, h0: h0, vk: vk, hk: hk, weightStatistics: gW))
        return report
    }

    /// The descent direction of every parameter: (negative − positive statistics) / n, plus
    /// weight decay on W and the sparsity term on W and c. `gW` holds W's statistics
    /// (`RBMProducts.weightStatistics`) and becomes its gradient.
    func gradients(v0: Tensor, h0: Tensor, vk: Tensor, hk: Tensor, weightStatistics gW: Tensor) -> Gradients {
        let n = v0.shape[0], visible = rbm.visibleCount, hidden = rbm.hiddenCount
        let scale = 1 / Float(n)
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
