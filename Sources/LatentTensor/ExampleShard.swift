/// The rows of a global mini-batch that this process computes, in data-parallel training.
///
/// Every worker of a data-parallel run sees the same global batch (same seed, same order) and
/// takes a contiguous shard of its rows. Per-example noise — a VAE's ε, a GAN's z, dropout masks,
/// the corruption of a denoising autoencoder — must then be the noise a single process would have
/// drawn for those rows, or a seed would mean a different run at each worker count. Sites that
/// draw per-example noise call `ExampleShard.draw(rows:)`: inside `withValue`, a draw of the local
/// row count draws the whole global batch's noise (every worker's generator advances exactly as a
/// single process's does) and keeps this worker's rows. Outside a data-parallel step it is a
/// plain draw.
public struct ExampleShard: Sendable {
    /// The first global row of this worker's shard.
    public let offset: Int
    /// Rows in this worker's shard.
    public let count: Int
    /// Rows in the global batch.
    public let total: Int

    /// Synchronised batch normalisation (PyTorch's SyncBatchNorm), when set: an element-wise sum
    /// over the ranks, with which batch norm in a training step uses the statistics of the global
    /// batch instead of this shard's (one all-reduce of per-channel sums in the forward pass, one
    /// of gradient sums in the backward pass). Nil by default, as in DDP: each rank normalises its
    /// own shard.
    public var synchronizeStatistics: (@Sendable (UnsafeMutableBufferPointer<Double>) -> Void)?

    public init(offset: Int, count: Int, total: Int,
                synchronizeStatistics: (@Sendable (UnsafeMutableBufferPointer<Double>) -> Void)? = nil) {
        self.offset = offset
        self.count = count
        self.total = total
        self.synchronizeStatistics = synchronizeStatistics
    }

    /// This worker's share of the global batch, `count / total`: the weight of its mean loss (and
    /// of its gradients) in the global batch mean.
    public var weight: Float { total == 0 ? 0 : Float(count) / Float(total) }

    /// The shard of a global batch of `total` rows that worker `rank` of `size` computes: rows
    /// split as evenly as possible, the first `total % size` workers taking one more.
    public static func of(total: Int, rank: Int, size: Int) -> ExampleShard {
        let base = total / size, extra = total % size
        let count = base + (rank < extra ? 1 : 0)
        let offset = rank * base + Swift.min(rank, extra)
        return ExampleShard(offset: offset, count: count, total: total)
    }

    /// The shard of the step being computed, if any.
    @TaskLocal public static var current: ExampleShard?

    /// Noise for `rows` examples: `generate(n)` must return a tensor of `n` rows drawn from a
    /// generator. Inside a data-parallel step whose shard has `rows` rows, the noise of the whole
    /// global batch is drawn and this worker's rows are returned; otherwise `generate(rows)`.
    public static func draw(rows: Int, _ generate: (Int) -> Tensor) -> Tensor {
        guard let shard = current, shard.count == rows, shard.total != rows else { return generate(rows) }
        return generate(shard.total).rows(shard.offset..<(shard.offset + shard.count))
    }
}

