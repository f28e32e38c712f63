import Foundation
import LatentIO
import LatentNN
import LatentTensor

/// The alternating game of a GAN, with the guarantees of `Trainer`: seeded everything, a NaN
/// guard, a checkpoint after every epoch and an exact resume from it.
///
/// `Trainer` drives one loss with one optimiser; a GAN has two of each, so this loop keeps two
/// Adam optimisers (β₁ = 0.5 by default) and follows Goodfellow et al.'s Algorithm 1: every real
/// mini-batch feeds one discriminator step (fresh noise for its fakes), and after every k
/// discriminator steps the generator takes m steps on fresh noise. The fakes of the k-th
/// discriminator step are reused for the first generator step, as PyTorch's DCGAN example does,
/// which saves one generator forward pass per round. During generator steps the
/// discriminator's parameters are frozen, so its backward pass computes only the gradient that
/// flows to the generator.
///
/// With `averageDecay` set, the trainer also keeps a running average of the generator's weights
/// after every generator step; `evaluate`, `afterEpoch` and `model.safetensors` see the averaged
/// generator (`withAveragedGenerator`), and the live generator's figures are recorded with a
/// `live_` prefix.
///
/// Everything that influences the next step is checkpointed (both networks, both optimisers'
/// moments and step counts, the data-shuffling and noise streams, every module's stream, the
/// generator's running average, the history), so a resumed run ends with the same bits as an
/// uninterrupted one for the same seed and thread count.
public final class GANTrainer {
    public let gan: GAN
    public let config: GANTrainingConfig
    public let generatorOptimizer: Adam
    public let discriminatorOptimizer: Adam
    /// The run folder for `checkpoint.safetensors` and `model.safetensors`; nil writes nothing.
    public let runDirectory: String?
    /// Shuffles the real data.
    public var rng: RandomGenerator
    /// Draws the generator's noise.
    public var noiseRNG: RandomGenerator
    /// The same noise vectors every epoch, so progress pictures show one sample evolving.
    public let fixedNoise: Tensor
    /// Per-epoch figures; entry 0 describes the networks at initialisation (when `evaluate` is given).
    public private(set) var history: [[String: Double]] = []
    /// Extra metadata for both files written (the model's kind and config are always added).
    public var checkpointMetadata: [String: String] = [:]
    /// Epochs finished so far (restored by `resume`).
    public private(set) var completedEpochs = 0
    /// The running average of the generator's parameters, by name (empty when averaging is off).
    private var averagedGenerator: [String: Tensor] = [:]
    /// Generator steps folded into the average.
    private var averageUpdates = 0
    private var averaging: Bool { (config.averageDecay ?? 0) > 0 }

    /// Name prefix of the running average's tensors in `checkpoint.safetensors`.
    static let averagePrefix = "average/generator."

    /// The file that holds everything needed to resume.
    public var checkpointPath: String? { runDirectory.map { $0 + "/checkpoint.safetensors" } }
    /// The user-facing model file (both networks and the config).
    public var modelPath: String? { runDirectory.map { $0 + "/model.safetensors" } }

    public init(gan: GAN, config: GANTrainingConfig, runDirectory: String? = nil) throws {
        try config.validate()
        if config.batchSize % gan.config.packSize != 0 {
            throw TrainingError.invalidConfig("batch size \(config.batchSize) is not a multiple of the discriminator's pack \(gan.config.packSize)")
        }
        self.gan = gan
        self.config = config
        self.runDirectory = runDirectory
        generatorOptimizer = try Adam(gan.generator.namedParameters(prefix: "generator."), learningRate: config.learningRate,
                                      beta1: config.beta1, beta2: config.beta2)
        discriminatorOptimizer = try Adam(gan.discriminator.namedParameters(prefix: "discriminator."),
                                          learningRate: config.learningRate, beta1: config.beta1, beta2: config.beta2)
        rng = RandomGenerator(seed: config.seed ^ 0x5EED)
        noiseRNG = RandomGenerator(seed: config.seed ^ 0x4015E)
        var fixed = RandomGenerator(seed: config.seed ^ 0xF1CED)
        fixedNoise = gan.generator.noise(config.fixedNoiseCount, using: &fixed)
        if averaging {
            for (name, p) in gan.generator.namedParameters() { averagedGenerator[name] = p.value }
        }
    }

    /// Folds the generator's current parameters into the running average. The decay is
    /// min(`averageDecay`, (1 + t)/(10 + t)) after t updates, so the window grows with the run —
    /// about the last ninth of the steps so far — until it reaches 1/(1 − decay) steps (t ≈ 9,000
    /// for 0.999). Averaging the whole run instead (decay t/(t + 1) up to the same cap) measured
    /// worse on dcgan: it blends generators from too far apart (Fréchet 28.0 instead of 17.5
    /// after 4 epochs).
    private func updateAverage() {
        guard averaging, let target = config.averageDecay else { return }
        let decay = Swift.min(target, Float(1 + averageUpdates) / Float(10 + averageUpdates))
        let k = 1 - decay
        for (name, p) in gan.generator.namedParameters() {
            guard var average = averagedGenerator[name] else { continue }
            averagedGenerator[name] = nil    // keep the buffer uniquely referenced: updated in place
            average.update(with: p.value) { a, x in a + k * (x - a) }
            averagedGenerator[name] = average
        }
        averageUpdates += 1
    }

    /// Runs `body` with the averaged generator's weights in place of the live ones (or with the
    /// live ones when averaging is off), then puts the live weights back. The batch-norm running
    /// statistics are re-estimated for the averaged weights first (`statisticsBatches` batches of
    /// noise from a stream of their own, the same every call) and the live ones restored after:
    /// statistics gathered for the live weights normalise the average's activations wrongly
    /// (measured on dcgan after 5 epochs, seed 1: Fréchet distance 14.8 and smallest digit
    /// share 4.2 % with the live generator's statistics, 14.3 and 4.7 % with the average's own).
    public func withAveragedGenerator<R>(_ body: () throws -> R) rethrows -> R {
        guard averaging else { return try body() }
        let generator = gan.generator
        let parameters = generator.namedParameters()
        let buffers = generator.namedBuffers()
        let live = parameters.map { $0.1.value }
        let liveStatistics = buffers.map { $0.1.value }
        for (name, p) in parameters { if let a = averagedGenerator[name] { p.value = a } }
        defer {
            for ((_, p), value) in zip(parameters, live) { p.value = value }
            for ((_, b), value) in zip(buffers, liveStatistics) { b.value = value }
        }
        if !buffers.isEmpty {
            var noise = RandomGenerator(seed: config.seed ^ 0xBA7C4)
            generator.recomputeBatchNormStatistics(batches: Self.statisticsBatches) { _ in
                _ = generator(Variable(generator.noise(config.batchSize, using: &noise)))
            }
        }
        return try body()
    }

    /// Noise batches over which the averaged generator's batch-norm statistics are estimated.
    static let statisticsBatches = 32

    /// Runs the remaining epochs on `data` (`[N, dataSize]`, already scaled to the generator's
    /// range). `evaluate` returns figures for the networks after epoch e (e = 0: at
    /// initialisation, called once on a fresh run), in evaluation mode without gradients;
    /// `afterEpoch` runs after the checkpoint is written (pictures); `onEvent` gets progress,
    /// with the discriminator's loss as `loss`.
    public func fit(_ data: Dataset,
                    evaluate: (Int) throws -> [String: Double] = { _ in [:] },
                    afterEpoch: (Int) throws -> Void = { _ in },
                    onEvent: (TrainingEvent) -> Void = { _ in }) throws {
        guard data.inputs.rank == 2, data.inputs.shape[1] == gan.config.dataSize else {
            throw ModelError.invalidConfig("data has shape \(data.inputs.shape), the GAN generates \(gan.config.dataSize) values per example")
        }
        guard data.count >= config.batchSize else {
            throw ModelError.invalidConfig("need at least one full batch of \(config.batchSize) examples, got \(data.count)")
        }
        let start = Date()
        if completedEpochs == 0 && history.isEmpty {
            gan.eval()
            var figures = try withoutGradients { try evaluate(0) }
            figures["epoch"] = 0
            history.append(figures)
            try withAveragedGenerator { try afterEpoch(0) }
        }
        // Whole batches only: a last batch of one example would break batch norm.
        let batchesPerEpoch = data.count / config.batchSize
        let totalBatches = batchesPerEpoch * (config.epochs - completedEpochs)
        var batchesDone = 0
        while completedEpochs < config.epochs {
            let epoch = completedEpochs + 1
            let epochStart = Date()
            gan.train()
            var stats = EpochStatistics()
            let batches = data.batches(size: config.batchSize, shuffle: true, rng: &rng, dropLast: true)
            for (b, batch) in batches.enumerated() {
                let roundEnds = (b + 1) % config.discriminatorSteps == 0
                let fake = try discriminatorStep(real: batch.inputs, keepGeneratorGraph: roundEnds,
                                                 stats: &stats, epoch: epoch, batch: b + 1)
                if roundEnds {
                    for j in 0..<config.generatorSteps {
                        let f = j == 0 ? fake : gan.generator(Variable(gan.generator.noise(config.batchSize, using: &noiseRNG)))
                        try generatorStep(fake: f, stats: &stats, epoch: epoch, batch: b + 1)
                    }
                }
                batchesDone += 1
                let elapsed = Date().timeIntervalSince(start)
                onEvent(TrainingEvent(epoch: epoch, epochs: config.epochs, batch: b + 1, batches: batchesPerEpoch,
                                      loss: stats.lastDiscriminatorLoss,
                                      samplesPerSecond: Double(batchesDone * config.batchSize) / Swift.max(elapsed, 1e-9),
                                      elapsed: elapsed,
                                      remaining: elapsed / Double(batchesDone) * Double(totalBatches - batchesDone),
                                      epochSummary: nil))
            }
            let trainSeconds = Date().timeIntervalSince(epochStart)
            gan.eval()
            var figures = try withoutGradients { try withAveragedGenerator { try evaluate(epoch) } }
            if averaging {
                // The live generator's figures too, so the average's effect is on record.
                for (key, value) in try withoutGradients({ try evaluate(epoch) }) { figures["live_" + key] = value }
            }
            figures.merge(stats.figures) { a, _ in a }
            figures["epoch"] = Double(epoch)
            figures["train_seconds"] = trainSeconds
            figures["elapsed_seconds"] = Date().timeIntervalSince(start)
            history.append(figures)
            completedEpochs = epoch
            try saveCheckpoint()
            try withAveragedGenerator {
                if let modelPath { try gan.save(to: modelPath, extraMetadata: checkpointMetadata) }
                try afterEpoch(epoch)
            }
            onEvent(TrainingEvent(epoch: epoch, epochs: config.epochs, batch: batchesPerEpoch, batches: batchesPerEpoch,
                                  loss: Float(figures["d_loss"] ?? .nan),
                                  samplesPerSecond: Double(batchesDone * config.batchSize) / Swift.max(Date().timeIntervalSince(start), 1e-9),
                                  elapsed: Date().timeIntervalSince(start), remaining: 0, epochSummary: figures))
        }
    }

    /// One discriminator update on a real batch and a fresh fake batch. Returns the fakes, with
    /// the generator's graph kept when `keepGeneratorGraph` (they feed the next generator step).
    private func discriminatorStep(real: Tensor, keepGeneratorGraph: Bool, stats: inout EpochStatistics,
                                   epoch: Int, batch: Int) throws -> Variable {
        let n = real.shape[0]
        let z = Variable(gan.generator.noise(n, using: &noiseRNG))
        let fake = keepGeneratorGraph ? gan.generator(z) : withoutGradients { gan.generator(z) }
        let realLogits = gan.discriminator(Variable(real))
        let fakeLogits = gan.discriminator(fake.detached())
        let loss = GANLoss.discriminatorLoss(real: realLogits, fake: fakeLogits, realTarget: 1 - config.labelSmoothing)
        let value = loss.value.scalar
        guard value.isFinite else { throw TrainingError.nonFinite(epoch: epoch, batch: batch, loss: value) }
        discriminatorOptimizer.zeroGrad()
        loss.backward()
        discriminatorOptimizer.step()
        stats.addDiscriminator(loss: value, real: realLogits.value, fake: fakeLogits.value)
        return fake
    }

    /// One generator update through the (frozen) discriminator.
    private func generatorStep(fake: Variable, stats: inout EpochStatistics, epoch: Int, batch: Int) throws {
        try gan.discriminator.withFrozenParameters {
            let loss = config.loss.generatorLoss(fake: gan.discriminator(fake))
            let value = loss.value.scalar
            guard value.isFinite else { throw TrainingError.nonFinite(epoch: epoch, batch: batch, loss: value) }
            generatorOptimizer.zeroGrad()
            loss.backward()
            generatorOptimizer.step()
            updateAverage()
            stats.generatorLosses += Double(value)
            stats.generatorSteps += 1
        }
    }

    /// Random streams held by modules, by module path.
    private func moduleRandomStates() -> [String: [UInt64]] {
        var states: [String: [UInt64]] = [:]
        for (path, m) in gan.namedModules() {
            if let r = m as? any RandomStateful { states[path] = r.rng.state }
        }
        return states
    }

    private var metadata: [String: String] {
        get throws {
            var m = checkpointMetadata
            m[Checkpoint.kindKey] = GAN.kind
            m[Checkpoint.configKey] = try Checkpoint.encodeJSON(gan.config)
            return m
        }
    }

    /// Writes both networks, both optimisers and the loop state to `checkpoint.safetensors`,
    /// atomically. Does nothing without a run directory.
    public func saveCheckpoint() throws {
        guard let checkpointPath else { return }
        var tensors = gan.stateDict()
        for optimizer in [generatorOptimizer, discriminatorOptimizer] {
            for key in optimizer.slots.keys.sorted() { tensors.append(("optimizer/" + key, optimizer.slots[key]!)) }
        }
        for key in averagedGenerator.keys.sorted() { tensors.append((Self.averagePrefix + key, averagedGenerator[key]!)) }
        let state = GANResumeState(completedEpochs: completedEpochs, generatorSteps: generatorOptimizer.stepCount,
                                   discriminatorSteps: discriminatorOptimizer.stepCount, rng: rng.state,
                                   noiseRNG: noiseRNG.state, moduleRNGs: moduleRandomStates(), history: history,
                                   config: config, averageUpdates: averageUpdates)
        var m = try metadata
        m[GANResumeState.key] = try Checkpoint.encodeJSON(state)
        m["format"] = "pt"
        try SafeTensors.write(tensors: tensors, metadata: m, to: checkpointPath)
    }

    /// Restores the state written by `saveCheckpoint` from this trainer's run directory. The
    /// checkpoint's networks must match this trainer's GAN (same kind, latent size and widths)
    /// and its training settings must equal this trainer's.
    public func resume() throws {
        guard let runDirectory, let checkpointPath else { throw CheckpointError.noRun("(no run directory)") }
        guard FileManager.default.fileExists(atPath: checkpointPath) else { throw CheckpointError.noRun(runDirectory) }
        let file = try SafeTensors.read(path: checkpointPath)
        guard file.metadata[Checkpoint.kindKey] == GAN.kind, let json = file.metadata[GANResumeState.key],
              let configJSON = file.metadata[Checkpoint.configKey] else {
            throw CheckpointError.notLatent(checkpointPath)
        }
        let saved = try Checkpoint.config(GAN.Config.self, from: configJSON, path: checkpointPath)
        if saved.latentSize != gan.config.latentSize {
            throw TrainingError.resumeMismatch("\(checkpointPath): the checkpoint's generator takes \(saved.latentSize)-dimensional latent codes, this run asks for \(gan.config.latentSize)")
        }
        if saved != gan.config {
            throw TrainingError.resumeMismatch("\(checkpointPath): the checkpoint holds a different GAN (\(saved.kind.rawValue), latent \(saved.latentSize)) than this run (\(gan.config.kind.rawValue), latent \(gan.config.latentSize))")
        }
        let state = try Checkpoint.config(GANResumeState.self, from: json, path: checkpointPath)
        guard state.config == config else {
            throw TrainingError.resumeMismatch("\(checkpointPath): the run was started with other training settings; resume with the same flags")
        }
        var modelTensors: [String: Tensor] = [:], slots: [String: Tensor] = [:], average: [String: Tensor] = [:]
        for t in file.tensors {
            if t.name.hasPrefix("optimizer/") {
                slots[String(t.name.dropFirst(10))] = t.tensor
            } else if t.name.hasPrefix(Self.averagePrefix) {
                average[String(t.name.dropFirst(Self.averagePrefix.count))] = t.tensor
            } else {
                modelTensors[t.name] = t.tensor
            }
        }
        if averaging {
            for (name, p) in gan.generator.namedParameters() {
                guard let a = average[name], a.shape == p.value.shape else {
                    throw CheckpointError.mismatch(checkpointPath, "the generator's running average lacks '\(name)'")
                }
                averagedGenerator[name] = a
            }
            averageUpdates = state.averageUpdates ?? 0
        }
        try Checkpoint.load(modelTensors, into: gan, path: checkpointPath)
        generatorOptimizer.slots = slots.filter { $0.key.hasPrefix("generator.") }
        discriminatorOptimizer.slots = slots.filter { $0.key.hasPrefix("discriminator.") }
        generatorOptimizer.stepCount = state.generatorSteps
        discriminatorOptimizer.stepCount = state.discriminatorSteps
        guard let r = RandomGenerator(state: state.rng), let nr = RandomGenerator(state: state.noiseRNG) else {
            throw CheckpointError.badConfig(checkpointPath, "bad RNG state")
        }
        rng = r
        noiseRNG = nr
        for (path, m) in gan.namedModules() {
            if let d = m as? any RandomStateful, let s = state.moduleRNGs[path], let r = RandomGenerator(state: s) { d.rng = r }
        }
        history = state.history
        completedEpochs = state.completedEpochs
    }
}

/// Loop state stored in a GAN checkpoint's metadata.
struct GANResumeState: Codable {
    static let key = "latent.gan.resume"
    var completedEpochs: Int
    var generatorSteps: Int
    var discriminatorSteps: Int
    var rng: [UInt64]
    var noiseRNG: [UInt64]
    var moduleRNGs: [String: [UInt64]]
    var history: [[String: Double]]
    var config: GANTrainingConfig
    /// Generator steps in the running average (nil in runs saved before averaging existed).
    var averageUpdates: Int?
}

/// Running sums over one epoch's steps.
struct EpochStatistics {
    var discriminatorLosses = 0.0, generatorLosses = 0.0
    var discriminatorSteps = 0, generatorSteps = 0
    var realCorrect = 0, fakeCorrect = 0, realSeen = 0, fakeSeen = 0
    var realProbability = 0.0, fakeProbability = 0.0
    var lastDiscriminatorLoss: Float = .nan

    /// Records a discriminator step: its loss and how its logits (before the update) classified
    /// the real and fake batches.
    mutating func addDiscriminator(loss: Float, real: Tensor, fake: Tensor) {
        discriminatorLosses += Double(loss)
        discriminatorSteps += 1
        lastDiscriminatorLoss = loss
        real.withUnsafeBufferPointer { p in
            for z in p {
                if z > 0 { realCorrect += 1 }
                realProbability += Double(stableSigmoid(z))
            }
        }
        fake.withUnsafeBufferPointer { p in
            for z in p {
                if z < 0 { fakeCorrect += 1 }
                fakeProbability += Double(stableSigmoid(z))
            }
        }
        realSeen += real.count
        fakeSeen += fake.count
    }

    /// The epoch's means, under the keys of `metrics.json`.
    var figures: [String: Double] {
        let r = Double(Swift.max(realSeen, 1)), f = Double(Swift.max(fakeSeen, 1))
        return [
            "d_loss": discriminatorLosses / Double(Swift.max(discriminatorSteps, 1)),
            "g_loss": generatorLosses / Double(Swift.max(generatorSteps, 1)),
            "d_accuracy_real": Double(realCorrect) / r,
            "d_accuracy_fake": Double(fakeCorrect) / f,
            "d_accuracy": Double(realCorrect + fakeCorrect) / (r + f),
            "d_real_probability": realProbability / r,
            "d_fake_probability": fakeProbability / f,
            "discriminator_steps": Double(discriminatorSteps),
            "generator_steps": Double(generatorSteps),
        ]
    }
}
