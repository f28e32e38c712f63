import LatentIO
import LatentTensor

/// Data-parallel training, process-wide: which communicator this process belongs to.
///
/// A launcher (the `latent` command under `mpirun`) calls `start(_:)` once, before any optimiser
/// or training loop is made. From then on:
/// - every `TrainingLoop` gives each rank its shard of every global batch (the batch a single
///   process would use with the same seed) and runs the step with `ExampleShard.current` set, so
///   per-example noise is the noise a single process would draw;
/// - every optimiser update sums the ranks' gradients, each weighted by its shard's share of the
///   batch (`AllReduceGradients`), so the update is the single-process update up to the order of
///   the sums;
/// - rank 0 alone writes checkpoints; a checkpoint written under N ranks resumes under any other
///   N, since every rank holds the same weights, optimiser state and random streams.
public enum DataParallel {
    nonisolated(unsafe) private static var current: any Communicator = SingleProcess()

    /// The run's communicator (`SingleProcess` unless a launcher started another).
    public static var communicator: any Communicator { current }

    /// Whether this process is rank 0 (always, in a plain run).
    public static var isPrimary: Bool { current.rank == 0 }

    /// Makes `communicator` the process's and installs the gradient all-reduce for every
    /// optimiser created afterwards. `syncBatchNorm` normalises every batch-norm layer in a
    /// training step with the global batch's statistics (PyTorch's SyncBatchNorm); by default each
    /// rank normalises its own shard, as DDP does.
    public static func start(_ communicator: any Communicator, syncBatchNorm: Bool = false) {
        current = communicator
        GradientSynchronization.shared = communicator.size > 1 ? AllReduceGradients(communicator) : LocalGradients()
        synchronizesBatchNorm = syncBatchNorm
    }

    /// Whether training loops made from now on synchronise batch norm across the ranks.
    nonisolated(unsafe) public private(set) static var synchronizesBatchNorm = false
}

/// Sums gradients over the ranks of a data-parallel run in one all-reduce of one flat buffer.
///
/// Each rank's loss is the mean over its shard; the global batch's mean loss is the shards' means
/// weighted by their share of the batch, so each rank scales its gradients by that share
/// (`ExampleShard.current.weight`, 1/size outside a training step) before the sum.
public struct AllReduceGradients: GradientSynchronizer {
    public let communicator: any Communicator

    public init(_ communicator: any Communicator) { self.communicator = communicator }

    public func synchronize(_ gradients: inout Gradients, buffer: inout Tensor) {
        let weight = ExampleShard.current?.weight ?? 1 / Float(communicator.size)
        gradients.withFlatBuffer(&buffer) { flat in
            if weight != 1 { for i in flat.indices { flat[i] *= weight } }
            communicator.allReduceSum(flat)
        }
    }
}

/// A 64-bit FNV-1a hash, the same in every process (Swift's `Hasher` is seeded per process).
public struct Fingerprint {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func add(_ bytes: some Sequence<UInt8>) {
        for b in bytes { value = (value ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    }

    public mutating func add(_ string: String) { add(string.utf8) }

    public mutating func add(_ int: Int) { withUnsafeBytes(of: Int64(int).littleEndian) { add($0) } }

    /// Shape, labels and a strided sample of `dataset`'s values (every value of a small one): different
    /// files give different fingerprints without hashing hundreds of megabytes.
    public mutating func add(_ dataset: Dataset) {
        for d in dataset.inputs.shape { add(d) }
        for l in dataset.labels ?? [] { add(l) }
        dataset.inputs.withUnsafeBufferPointer { p in
            let stride = Swift.max(1, p.count / 100_000)
            for i in Swift.stride(from: 0, to: p.count, by: stride) { withUnsafeBytes(of: p[i].bitPattern) { add($0) } }
        }
    }

    /// The hash's eight bytes.
    public var bytes: [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
}
