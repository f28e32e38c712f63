import Foundation
import LatentIO
import LatentTensor

/// One record of training progress, for progress bars and logs.
public struct TrainingEvent: Sendable {
    public var epoch: Int, epochs: Int
    public var batch: Int, batches: Int
    public var loss: Float
    public var samplesPerSecond: Double
    public var elapsed: Double
    /// Estimated seconds left in the whole run.
    public var remaining: Double
    /// Set on the last event of an epoch: that epoch's mean loss and evaluation figures.
    public var epochSummary: [String: Double]?

    /// An event; other training loops (e.g. `GANTrainer`) report progress with the same type.
    public init(epoch: Int, epochs: Int, batch: Int, batches: Int, loss: Float, samplesPerSecond: Double,
                elapsed: Double, remaining: Double, epochSummary: [String: Double]?) {
        self.epoch = epoch; self.epochs = epochs
        self.batch = batch; self.batches = batches
        self.loss = loss
        self.samplesPerSecond = samplesPerSecond
        self.elapsed = elapsed
        self.remaining = remaining
        self.epochSummary = epochSummary
    }
}

/// The epoch loop shared by every gradient-trained model: seeded shuffled mini-batches, the
/// optimiser step, learning-rate schedule, optional clipping, a NaN guard, a checkpoint after
/// every epoch (model, optimiser, epoch and every random state), and resume from it.
///
/// A run resumed from its checkpoint ends with the same bits as an uninterrupted run with the
/// same seed and thread count, because everything that influences the next step is restored:
/// parameters, buffers, optimiser slots and step count, the shuffling RNG and every module's RNG.
public final class Trainer {
    /// Per-epoch figures, in order (each has "epoch" and "train_loss", plus what `evaluate` adds).
    public private(set) var history: [[String: Double]] = []
    public let model: Module
    public let config: TrainingConfig
    public let optimizer: Optimizer
    /// The run folder: `checkpoint.safetensors` (for resume) lives here.
    public let runDirectory: String
    public var rng: RandomGenerator
    /// Where gradients are combined across workers before each step. The default does nothing
    /// (one process); a data-parallel run installs an all-reduce here (e.g. over MPI) without
    /// touching the models.
    public var gradientSynchronizer: any GradientSynchronizer = LocalGradients()
    /// Extra metadata stored in `checkpoint.safetensors` (the model's kind and config, so a run
    /// folder describes itself).
    public var checkpointMetadata: [String: String] = [:]
    var completedEpochs = 0

    /// The file that holds everything needed to resume.
    public var checkpointPath: String { runDirectory + "/checkpoint.safetensors" }

    public init(model: Module, config: TrainingConfig, runDirectory: String) throws {
        try config.validate()
        self.model = model
        self.config = config
        self.runDirectory = runDirectory
        optimizer = try config.makeOptimizer(model.trainableParameters())
        rng = RandomGenerator(seed: config.seed ^ 0x5EED)
    }

    /// Runs the remaining epochs. `loss` computes a batch's loss (a scalar variable);
    /// `evaluate` returns figures after each epoch (in evaluation mode, gradients off);
    /// `saveModel` writes the user-facing model file; `onEvent` receives progress.
    public func fit(_ data: Dataset,
                    loss: (Dataset.Batch) -> Variable,
                    evaluate: (Int) throws -> [String: Double] = { _ in [:] },
                    saveModel: () throws -> Void = {},
                    onEvent: (TrainingEvent) -> Void = { _ in }) throws {
        let batchesPerEpoch = (data.count + config.batchSize - 1) / config.batchSize
        let totalSteps = batchesPerEpoch * config.epochs
        let start = Date()
        var samplesSeen = 0
        while completedEpochs < config.epochs {
            let epoch = completedEpochs + 1
            model.train()
            let batches = data.batches(size: config.batchSize, shuffle: true, rng: &rng)
            var lossSum = 0.0
            let epochStart = Date()
            for (b, batch) in batches.enumerated() {
                optimizer.learningRate = config.schedule.rate(base: config.learningRate, step: optimizer.stepCount,
                                                              totalSteps: totalSteps)
                let l = loss(batch)
                let value = l.value.scalar
                guard value.isFinite else { throw TrainingError.nonFinite(epoch: epoch, batch: b + 1, loss: value) }
                optimizer.zeroGrad()
                l.backward()
                gradientSynchronizer.synchronize(optimizer.parameters)
                if let c = config.clipNorm { clipGradientNorm(optimizer.parameters, maxNorm: c) }
                optimizer.step()
                lossSum += Double(value)
                samplesSeen += batch.indices.count
                let elapsed = Date().timeIntervalSince(start)
                let done = Double((epoch - 1) * batchesPerEpoch + b + 1 - (completedEpochsAtStart * batchesPerEpoch))
                let left = Double(totalSteps - (epoch - 1) * batchesPerEpoch - b - 1)
                onEvent(TrainingEvent(epoch: epoch, epochs: config.epochs, batch: b + 1, batches: batchesPerEpoch,
                                      loss: value, samplesPerSecond: Double(samplesSeen) / Swift.max(elapsed, 1e-9),
                                      elapsed: elapsed, remaining: elapsed / Swift.max(done, 1) * left, epochSummary: nil))
            }
            let trainSeconds = Date().timeIntervalSince(epochStart)
            model.eval()
            var figures = try withoutGradients { try evaluate(epoch) }
            figures["train_seconds"] = trainSeconds
            figures["epoch"] = Double(epoch)
            figures["train_loss"] = lossSum / Double(Swift.max(batchesPerEpoch, 1))
            figures["elapsed_seconds"] = Date().timeIntervalSince(start)
            history.append(figures)
            completedEpochs = epoch
            try saveCheckpoint()
            try saveModel()
            onEvent(TrainingEvent(epoch: epoch, epochs: config.epochs, batch: batchesPerEpoch, batches: batchesPerEpoch,
                                  loss: Float(figures["train_loss"]!), samplesPerSecond: Double(samplesSeen) / Swift.max(Date().timeIntervalSince(start), 1e-9),
                                  elapsed: Date().timeIntervalSince(start), remaining: 0, epochSummary: figures))
        }
    }

    private var completedEpochsAtStart = 0

    /// Random streams held by modules (dropout, noise), by module path.
    func moduleRandomStates() -> [String: [UInt64]] {
        var states: [String: [UInt64]] = [:]
        for (path, m) in model.namedModules() {
            if let d = m as? any RandomStateful { states[path] = d.rng.state }
        }
        return states
    }

    /// Writes model, optimiser and loop state to `checkpoint.safetensors`, atomically.
    public func saveCheckpoint() throws {
        var tensors = model.stateDict()
        for key in optimizer.slots.keys.sorted() { tensors.append(("optimizer/" + key, optimizer.slots[key]!)) }
        let state = ResumeState(completedEpochs: completedEpochs, optimizerSteps: optimizer.stepCount,
                                rng: rng.state, moduleRNGs: moduleRandomStates(), history: history, config: config)
        var metadata = checkpointMetadata
        metadata["latent.resume"] = try Checkpoint.encodeJSON(state)
        try SafeTensors.write(tensors: tensors, metadata: metadata, to: checkpointPath)
    }

    /// Restores the state written by `saveCheckpoint` from this trainer's run directory.
    public func resume() throws {
        guard FileManager.default.fileExists(atPath: checkpointPath) else { throw CheckpointError.noRun(runDirectory) }
        let file = try SafeTensors.read(path: checkpointPath)
        guard let json = file.metadata["latent.resume"] else { throw CheckpointError.notLatent(checkpointPath) }
        let state = try Checkpoint.config(ResumeState.self, from: json, path: checkpointPath)
        guard state.config == config else {
            throw TrainingError.resumeMismatch("\(checkpointPath): the run was started with other training settings; resume with the same flags")
        }
        var modelTensors: [String: Tensor] = [:], slots: [String: Tensor] = [:]
        for t in file.tensors {
            if t.name.hasPrefix("optimizer/") { slots[String(t.name.dropFirst(10))] = t.tensor } else { modelTensors[t.name] = t.tensor }
        }
        try Checkpoint.load(modelTensors, into: model, path: checkpointPath)
        optimizer.slots = slots
        optimizer.stepCount = state.optimizerSteps
        guard let r = RandomGenerator(state: state.rng) else { throw CheckpointError.badConfig(checkpointPath, "bad RNG state") }
        rng = r
        for (path, m) in model.namedModules() {
            if let d = m as? any RandomStateful, let s = state.moduleRNGs[path], let r = RandomGenerator(state: s) { d.rng = r }
        }
        history = state.history
        completedEpochs = state.completedEpochs
        completedEpochsAtStart = state.completedEpochs
    }
}

/// Loop state stored in a checkpoint's metadata.
struct ResumeState: Codable {
    var completedEpochs: Int
    var optimizerSteps: Int
    var rng: [UInt64]
    var moduleRNGs: [String: [UInt64]]
    var history: [[String: Double]]
    var config: TrainingConfig
}

/// Combines parameter gradients across data-parallel workers (averaging them), in place.
public protocol GradientSynchronizer {
    func synchronize(_ parameters: [(String, Variable)])
}

/// A single process: gradients are already complete.
public struct LocalGradients: GradientSynchronizer {
    public init() {}
    public func synchronize(_ parameters: [(String, Variable)]) {}
}
