import Foundation
import LatentIO
import LatentTensor

/// What a step function is given: one mini-batch from each dataset of the run, and where it is.
public struct TrainingStep {
    /// One batch per dataset, in the order the datasets were passed to `run`.
    public let batches: [Dataset.Batch]
    /// The epoch (1-based).
    public let epoch: Int
    /// The batch within the epoch (1-based).
    public let index: Int
    /// Steps taken in the whole run before this one (0-based).
    public let globalStep: Int

    /// The batch of the first (or only) dataset.
    public var batch: Dataset.Batch { batches[0] }
}

/// The figures one step reports, in order: the first one is what progress lines show. The loop
/// averages each figure over the steps of an epoch that reported it (a GAN reports its generator
/// loss only on generator rounds) and stops the run if any of them is not finite.
public struct StepReport: ExpressibleByDictionaryLiteral {
    public var figures: [(String, Double)]

    public init(_ figures: [(String, Double)] = []) { self.figures = figures }
    public init(dictionaryLiteral elements: (String, Double)...) { figures = elements }

    /// Adds a figure.
    public mutating func add(_ name: String, _ value: Double) { figures.append((name, value)) }
}

/// The one epoch loop of every model Latent trains.
///
/// A model is trained by a *step function* — compute losses and gradients with `valueAndGrad`,
/// call `optimizer.update`, report figures — that the loop drives: seeded shuffled mini-batches
/// from one or several datasets, the learning-rate schedule of each optimiser, progress events, a
/// guard that stops the run on a non-finite figure, evaluation after every epoch (modules in
/// evaluation mode, no gradients), a checkpoint after every epoch and an exact resume from it.
///
/// ```swift
/// let loop = try TrainingLoop(epochs: 5, batchSize: 128, seed: 1, runDirectory: dir, settings: config)
/// let optimizer = try Adam(learningRate: 1e-3)
/// loop.register(model)
/// loop.register(optimizer)
/// try loop.run([train]) { step in
///     let (loss, gradients) = valueAndGrad(model) {
///         model(Variable(step.batch.inputs)).softmaxCrossEntropy(labels: step.batch.labels)
///     }
///     optimizer.update(gradients)
///     return ["train_loss": Double(loss)]
/// } evaluate: { _ in ["test_accuracy": model.accuracy(test.inputs, labels: testLabels)] }
/// ```
///
/// Everything that influences the next step is registered in `state` (modules, optimisers,
/// random streams, running averages) and written to `checkpoint.safetensors` after every epoch,
/// so a run resumed from it ends with the same bits as an uninterrupted run with the same seed and
/// thread count. With several datasets the first one sets the epoch's length and the others cycle
/// (reshuffled each time they run out), as domain-adaptation and multi-task loops need.
public final class TrainingLoop {
    /// Passes over the first dataset.
    public let epochs: Int
    /// Examples per batch, for every dataset.
    public let batchSize: Int
    /// Whether a last, smaller batch is dropped (batch norm on one example breaks).
    public let dropLast: Bool
    /// The run folder for `checkpoint.safetensors`; nil writes nothing.
    public let runDirectory: String?
    /// Everything checkpointed; register components with the `register` methods.
    public let state = TrainingState()
    /// Shuffles every dataset (one stream, drawn in dataset order).
    public let shuffling: RandomStream
    /// Extra metadata of `checkpoint.safetensors` (a model's kind and config, so the run folder
    /// describes itself). A resume refuses a checkpoint whose model config differs.
    public var checkpointMetadata: [String: String] = [:]
    /// Per-epoch figures, in order (entry 0 is the state before training when
    /// `evaluatesBeforeTraining`). Every epoch has "epoch", the step figures' means,
    /// "train_seconds", "elapsed_seconds" and what `evaluate` returned.
    public private(set) var history: [[String: Double]] = []
    /// Epochs finished (restored by `resume`).
    public private(set) var completedEpochs = 0
    /// Evaluate once before the first step (history entry with "epoch" 0) on a fresh run.
    public var evaluatesBeforeTraining = false
    /// The ranks of a data-parallel run (`DataParallel.communicator` when the loop is made): each
    /// computes its shard of every global batch, and only rank 0 writes the checkpoint.
    public var communicator: any Communicator = DataParallel.communicator
    /// Whether batch norm in a step uses the global batch's statistics rather than the shard's
    /// (`ExampleShard.synchronizeStatistics`); off by default, as in PyTorch's DDP.
    public var synchronizesBatchNorm = DataParallel.synchronizesBatchNorm
    /// The settings JSON a resume must match.
    private let settings: String
    private var schedules: [(optimizer: Optimizer, schedule: LearningRateSchedule, base: Float)] = []

    /// The file that holds everything needed to resume.
    public var checkpointPath: String? { runDirectory.map { $0 + "/checkpoint.safetensors" } }

    /// A loop of `epochs` passes in batches of `batchSize`, shuffled by a stream seeded from
    /// `seed`. `settings` (typically the model and training configs) is stored in the checkpoint
    /// and must be equal when resuming.
    public init(epochs: Int, batchSize: Int, seed: UInt64, runDirectory: String?, settings: some Encodable,
                dropLast: Bool = false) throws {
        guard epochs >= 1 else { throw TrainingError.invalidConfig("epochs must be at least 1, got \(epochs)") }
        guard batchSize >= 1 else { throw TrainingError.invalidConfig("batch size must be at least 1, got \(batchSize)") }
        self.epochs = epochs
        self.batchSize = batchSize
        self.dropLast = dropLast
        self.runDirectory = runDirectory
        self.settings = try Checkpoint.encodeJSON(settings)
        shuffling = RandomStream(seed: seed ^ 0x5EED)
        state.register(shuffling, as: "shuffling")
    }

    /// Checkpoints `module` with the run (its tensors under `name.` — or at the top level when
    /// `name` is empty — its random streams and frozen flags); the loop switches it between
    /// training and evaluation mode.
    public func register(_ module: Module, as name: String = "") {
        state.register(module, as: name)
    }

    /// Checkpoints `optimizer` with the run and sets its learning rate before every step from
    /// `schedule`, starting from its current rate.
    public func register(_ optimizer: Optimizer, as name: String = "optimizer", schedule: LearningRateSchedule = .constant) {
        state.register(optimizer, as: name)
        schedules.append((optimizer, schedule, optimizer.learningRate))
    }

    /// Checkpoints any other component (a random stream, a running average) under `name`.
    public func register(_ component: any TrainingStateComponent, as name: String) {
        state.register(component, as: name)
    }

    /// Batches per epoch for a first dataset of `count` examples.
    public func batchesPerEpoch(count: Int) -> Int {
        dropLast ? count / batchSize : (count + batchSize - 1) / batchSize
    }

    /// Runs the remaining epochs.
    ///
    /// - Parameters:
    ///   - data: the datasets; each step gets one batch of each. The first sets the epoch length.
    ///   - step: one training step (see `TrainingStep`, `StepReport`).
    ///   - evaluate: figures after epoch e (e = 0: before training, see `evaluatesBeforeTraining`),
    ///     with the registered modules in evaluation mode and no gradients recorded.
    ///   - afterEpoch: runs after each epoch's checkpoint is written (model files, pictures), still
    ///     in evaluation mode.
    ///   - onEvent: progress, after every step and at the end of every epoch.
    public func run(_ data: [Dataset],
                    step: (TrainingStep) throws -> StepReport,
                    evaluate: (Int) throws -> [String: Double] = { _ in [:] },
                    afterEpoch: (Int) throws -> Void = { _ in },
                    onEvent: (TrainingEvent) -> Void = { _ in }) throws {
        guard let first = data.first else { throw TrainingError.invalidConfig("no training data") }
        if let empty = data.firstIndex(where: { $0.count == 0 || ($0.count < batchSize && dropLast) }) {
            throw TrainingError.invalidConfig("dataset \(empty + 1) has \(data[empty].count) examples, fewer than one batch of \(batchSize)")
        }
        let perEpoch = batchesPerEpoch(count: first.count)
        let totalSteps = perEpoch * epochs
        let modules = state.modules.map(\.1)
        try checkRanks(data)
        let start = Date()
        var samplesSeen = 0, stepsThisRun = 0
        if evaluatesBeforeTraining && completedEpochs == 0 && history.isEmpty {
            var figures = try evaluated(modules) { try evaluate(0) }
            figures["epoch"] = 0
            history.append(figures)
            try withoutGradients { try afterEpoch(0) }
        }
        // A checkpoint of the starting state, so a run killed in its first epoch resumes (from the
        // start of that epoch, with the same weights and random streams) instead of being lost.
        if completedEpochs == 0 { try saveCheckpoint() }
        while completedEpochs < epochs {
            let epoch = completedEpochs + 1
            for m in modules { m.train() }
            let epochStart = Date()
            let communicationStart = communicator.tally.seconds
            var streams = data.map { BatchStream($0, size: batchSize, dropLast: dropLast, shuffling: shuffling) }
            var sums: [String: (total: Double, count: Int)] = [:]
            var order: [String] = []
            for b in 0..<perEpoch {
                let globalStep = (epoch - 1) * perEpoch + b
                for s in schedules {
                    s.optimizer.learningRate = s.schedule.rate(base: s.base, step: s.optimizer.stepCount, totalSteps: totalSteps)
                }
                // Each rank gathers only its own rows of every dataset's global batch.
                let global = streams.indices.map { streams[$0].nextIndices() }
                let shards = global.map { ExampleShard.of(total: $0.count, rank: communicator.rank, size: communicator.size) }
                let batches = zip(data, zip(global, shards)).map { d, g in d.batch(Array(g.0[g.1.offset..<(g.1.offset + g.1.count)])) }
                // The first dataset's shard weighs the losses and draws the per-example noise.
                var shard = shards[0]
                if synchronizesBatchNorm { shard.synchronizeStatistics = { [communicator] in communicator.allReduceSum($0) } }
                let current = TrainingStep(batches: batches, epoch: epoch, index: b + 1, globalStep: globalStep)
                let report = try communicator.size == 1 ? step(current) : ExampleShard.$current.withValue(shard) { try step(current) }
                // Each rank's figures are means over its shard; weighted by the shard's share they
                // add up, over the ranks, to the global batch's mean.
                let weight = Double(shard.weight)
                for (name, value) in report.figures {
                    guard value.isFinite else { throw TrainingError.nonFinite(epoch: epoch, batch: b + 1, loss: Float(value)) }
                    if sums[name] == nil { order.append(name) }
                    sums[name, default: (0, 0)].total += value * weight
                    sums[name, default: (0, 0)].count += 1
                }
                samplesSeen += global[0].count
                stepsThisRun += 1
                let elapsed = Date().timeIntervalSince(start)
                onEvent(TrainingEvent(epoch: epoch, epochs: epochs, batch: b + 1, batches: perEpoch,
                                      loss: Float(report.figures.first?.1 ?? .nan),
                                      samplesPerSecond: Double(samplesSeen) / Swift.max(elapsed, 1e-9), elapsed: elapsed,
                                      remaining: elapsed / Double(stepsThisRun) * Double(totalSteps - globalStep - 1),
                                      epochSummary: nil))
            }
            let trainSeconds = Date().timeIntervalSince(epochStart)
            if communicator.size > 1 {
                let totals = communicator.allReduceSum(order.map { sums[$0]?.total ?? 0 })
                for (name, total) in zip(order, totals) { sums[name]?.total = total }
            }
            var figures = try evaluated(modules) { try evaluate(epoch) }
            for name in order { if let s = sums[name] { figures[name] = s.total / Double(Swift.max(s.count, 1)) } }
            figures["epoch"] = Double(epoch)
            figures["train_seconds"] = trainSeconds
            if communicator.size > 1 {
                // Time in the gradient (and statistics) all-reduces, waiting for other ranks included.
                figures["allreduce_seconds"] = communicator.tally.seconds - communicationStart
                figures["ranks"] = Double(communicator.size)
            }
            figures["elapsed_seconds"] = Date().timeIntervalSince(start)
            history.append(figures)
            completedEpochs = epoch
            try saveCheckpoint()
            try withoutGradients { try afterEpoch(epoch) }
            let elapsed = Date().timeIntervalSince(start)
            onEvent(TrainingEvent(epoch: epoch, epochs: epochs, batch: perEpoch, batches: perEpoch,
                                  loss: Float(order.first.flatMap { figures[$0] } ?? .nan),
                                  samplesPerSecond: Double(samplesSeen) / Swift.max(elapsed, 1e-9), elapsed: elapsed,
                                  remaining: 0, epochSummary: figures))
        }
    }

    /// A single-dataset `run`.
    public func run(_ data: Dataset,
                    step: (TrainingStep) throws -> StepReport,
                    evaluate: (Int) throws -> [String: Double] = { _ in [:] },
                    afterEpoch: (Int) throws -> Void = { _ in },
                    onEvent: (TrainingEvent) -> Void = { _ in }) throws {
        try run([data], step: step, evaluate: evaluate, afterEpoch: afterEpoch, onEvent: onEvent)
    }

    /// `body` with `modules` in evaluation mode and no graph recorded.
    private func evaluated(_ modules: [Module], _ body: () throws -> [String: Double]) throws -> [String: Double] {
        for m in modules { m.eval() }
        return try withoutGradients { try body() }
    }

    /// Writes every registered component and the loop's own state to `checkpoint.safetensors`,
    /// atomically. Does nothing without a run directory.
    public func saveCheckpoint() throws {
        guard let checkpointPath, communicator.isPrimary else { return }
        var metadata = checkpointMetadata
        metadata[LoopState.key] = try Checkpoint.encodeJSON(LoopState(completedEpochs: completedEpochs, history: history,
                                                                      settings: settings))
        try state.save(to: checkpointPath, metadata: metadata)
    }

    /// Restores the run saved in `runDirectory`: every registered component and the loop state.
    /// The checkpoint's settings (and model config, when `checkpointMetadata` names one) must
    /// equal this loop's.
    public func resume() throws {
        guard let runDirectory, let checkpointPath else { throw CheckpointError.noRun("(no run directory)") }
        let file = try SafeTensors.parse(bytes: try readCheckpoint(runDirectory: runDirectory, path: checkpointPath), path: checkpointPath)
        guard let json = file.metadata[LoopState.key] else {
            if file.metadata["latent.resume"] != nil || file.metadata["latent.gan.resume"] != nil {
                throw TrainingError.resumeMismatch("\(checkpointPath): written by an earlier version of Latent, whose training state this version cannot resume; its model.safetensors still loads")
            }
            throw CheckpointError.notLatent(checkpointPath)
        }
        if let mine = checkpointMetadata[Checkpoint.configKey], let theirs = file.metadata[Checkpoint.configKey], mine != theirs {
            throw TrainingError.resumeMismatch("\(checkpointPath): the checkpoint holds a different model (\(theirs)) than this run (\(mine))")
        }
        let loop = try Checkpoint.config(LoopState.self, from: json, path: checkpointPath)
        // Settings must match, except the epoch count: a run resumed with more epochs trains longer.
        guard Self.withoutEpochs(loop.settings) == Self.withoutEpochs(settings) else {
            throw TrainingError.resumeMismatch("\(checkpointPath): the run was started with other training settings; resume with the same flags")
        }
        guard (0...epochs).contains(loop.completedEpochs), loop.history.count <= loop.completedEpochs + 1 else {
            throw CheckpointError.badConfig(checkpointPath, "the loop state says \(loop.completedEpochs) epochs of \(epochs) are done, with \(loop.history.count) recorded")
        }
        try state.restore(from: file, path: checkpointPath)
        try checkOptimizerSlots(path: checkpointPath)
        history = loop.history
        completedEpochs = loop.completedEpochs
    }
}

extension TrainingLoop {
    /// A settings JSON object with its top-level `epochs` removed and keys sorted (the text itself
    /// when it is not a JSON object).
    static func withoutEpochs(_ json: String) -> String {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else { return json }
        object["epochs"] = nil
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return json }
        return String(decoding: data, as: UTF8.self)
    }

    /// The checkpoint's bytes: read by rank 0 and sent to every rank, so the other ranks need not
    /// see the run folder (other hosts, or a folder only rank 0 writes).
    func readCheckpoint(runDirectory: String, path: String) throws -> [UInt8] {
        guard communicator.size > 1 else {
            guard FileManager.default.fileExists(atPath: path) else { throw CheckpointError.noRun(runDirectory) }
            return try SafeTensors.readBytes(path: path)
        }
        var bytes: [UInt8] = [], failure: Error?
        if communicator.isPrimary {
            do {
                guard FileManager.default.fileExists(atPath: path) else { throw CheckpointError.noRun(runDirectory) }
                bytes = try SafeTensors.readBytes(path: path)
            } catch { failure = error }
        }
        // An empty message tells the other ranks that rank 0 failed (it throws its own error).
        let received = communicator.broadcast(bytes, root: 0)
        if let failure { throw failure }
        guard !received.isEmpty else { throw DistributedError.peerFailed }
        return received
    }

    /// Before a data-parallel run: every rank has the same settings and data, and every batch
    /// (the last, partial one too) has at least one example per rank.
    func checkRanks(_ data: [Dataset]) throws {
        let size = communicator.size
        guard size > 1 else { return }
        var fingerprint = Fingerprint()
        fingerprint.add(settings)
        fingerprint.add(epochs)
        fingerprint.add(batchSize)
        try communicator.checkAgreement(on: "training settings", fingerprint: fingerprint.bytes)
        var dataPrint = Fingerprint()
        for d in data { dataPrint.add(d) }
        try communicator.checkAgreement(on: "training data", fingerprint: dataPrint.bytes)
        guard batchSize >= size else {
            throw DistributedError.unsplittable("a batch of \(batchSize) cannot be split across \(size) ranks")
        }
        for (i, d) in data.enumerated() where !dropLast {
            let last = d.count % batchSize
            if last > 0 && last < size {
                throw DistributedError.unsplittable("the last batch of dataset \(i + 1) has \(last) example\(last == 1 ? "" : "s"), fewer than the \(size) ranks; use a batch size that leaves more")
            }
        }
    }

    /// Every optimiser slot restored from `path` belongs to a parameter of a registered module and
    /// has its shape (a slot of another shape would be indexed out of bounds by the update).
    func checkOptimizerSlots(path: String) throws {
        var shapes: [String: [Int]] = [:]
        for (name, module) in state.modules {
            for (p, v) in module.namedParameters(prefix: name.isEmpty ? "" : name + ".") { shapes[p] = v.shape }
        }
        for case let optimizer as Optimizer in state.components {
            for (key, tensor) in optimizer.slots {
                guard let slash = key.lastIndex(of: "/"), let shape = shapes[String(key[..<slash])] else {
                    throw CheckpointError.mismatch(path, "optimiser state '\(key)' belongs to no parameter of the model")
                }
                guard tensor.shape == shape else {
                    throw CheckpointError.mismatch(path, "optimiser state '\(key)' has shape \(tensor.shape), its parameter \(shape)")
                }
            }
        }
    }
}

/// The loop's own part of a checkpoint.
struct LoopState: Codable {
    static let key = "latent.loop"
    var completedEpochs: Int
    var history: [[String: Double]]
    var settings: String
}

/// Batches of one dataset for one epoch: a shuffled pass, started again (reshuffled) when a
/// secondary dataset runs out before the first one does.
struct BatchStream {
    let data: Dataset
    let size: Int
    let dropLast: Bool
    let shuffling: RandomStream
    var batches: Dataset.Batches
    var position = 0

    init(_ data: Dataset, size: Int, dropLast: Bool, shuffling: RandomStream) {
        self.data = data
        self.size = size
        self.dropLast = dropLast
        self.shuffling = shuffling
        batches = data.batches(size: size, shuffle: true, rng: &shuffling.generator, dropLast: dropLast)
    }

    /// The example indices of the next batch (gathered by the caller, which may want only some).
    mutating func nextIndices() -> [Int] {
        if position == batches.count {
            batches = data.batches(size: size, shuffle: true, rng: &shuffling.generator, dropLast: dropLast)
            position = 0
        }
        defer { position += 1 }
        let start = position * size
        return Array(batches.order[start..<Swift.min(batches.order.count, start + size)])
    }
}
