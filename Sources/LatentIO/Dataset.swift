import LatentTensor

/// Examples for training: `inputs` with the examples along the first axis, and optionally one
/// integer label per example.
///
/// Batching gathers rows on demand, so iterating over an epoch holds one batch at a time rather
/// than a shuffled copy of the whole dataset.
public struct Dataset: Sendable {
    /// Examples along axis 0: `[n, d…]`.
    public let inputs: Tensor
    /// One label per example, or nil for unlabelled data.
    public let labels: [Int]?

    /// A mini-batch: the inputs, their labels (empty for unlabelled data) and which examples they are.
    public typealias Batch = (inputs: Tensor, labels: [Int], indices: [Int])

    /// Wraps `inputs` (rank ≥ 1) and optional `labels`, one per row. A count mismatch is a
    /// programming error (readers validate file data before it gets here) and stops.
    public init(inputs: Tensor, labels: [Int]? = nil) {
        precondition(inputs.rank >= 1, "Dataset: inputs need an example axis, got shape \(inputs.shape)")
        if let labels {
            precondition(labels.count == inputs.shape[0],
                         "Dataset: \(labels.count) labels for \(inputs.shape[0]) examples (shape \(inputs.shape))")
        }
        self.inputs = inputs
        self.labels = labels
    }

    /// The number of examples.
    public var count: Int { inputs.shape[0] }

    /// The examples at `indices`, in that order (repeats allowed).
    public func subset(_ indices: [Int]) -> Dataset {
        Dataset(inputs: inputs.gatherRows(indices), labels: labels.map { l in indices.map { l[$0] } })
    }

    /// The examples at `indices` as a mini-batch (labels empty for unlabelled data).
    public func batch(_ indices: [Int]) -> Batch {
        (inputs.gatherRows(indices), labels.map { l in indices.map { l[$0] } } ?? [], indices)
    }

    /// The first `n` examples and the rest (e.g. a validation hold-out); `n` is clamped to `0...count`.
    public func split(first n: Int) -> (first: Dataset, rest: Dataset) {
        let k = Swift.max(0, Swift.min(n, count))
        return (Dataset(inputs: inputs.rows(0..<k), labels: labels.map { Array($0[0..<k]) }),
                Dataset(inputs: inputs.rows(k..<count), labels: labels.map { Array($0[k...]) }))
    }

    /// The mini-batches of one epoch, in order or shuffled with `rng`.
    ///
    /// The last, partial batch is kept unless `dropLast` is true. The same generator state gives
    /// the same batches; `rng` advances only when shuffling.
    public func batches(size: Int, shuffle: Bool, rng: inout RandomGenerator, dropLast: Bool = false) -> Batches {
        precondition(size > 0, "Dataset.batches: batch size \(size) must be positive")
        let order = shuffle ? rng.permutation(count) : Array(0..<count)
        return Batches(dataset: self, order: order, size: size, dropLast: dropLast)
    }

    /// The mini-batches of one epoch in order.
    public func batches(size: Int, dropLast: Bool = false) -> Batches {
        precondition(size > 0, "Dataset.batches: batch size \(size) must be positive")
        return Batches(dataset: self, order: Array(0..<count), size: size, dropLast: dropLast)
    }

    /// The batches of one epoch; each is gathered when it is accessed.
    public struct Batches: RandomAccessCollection, Sendable {
        let dataset: Dataset
        /// The example order of the epoch.
        public let order: [Int]
        /// The batch size.
        public let size: Int
        let dropLast: Bool

        /// Always 0.
        public var startIndex: Int { 0 }
        /// The number of batches.
        public var endIndex: Int { dropLast ? order.count / size : (order.count + size - 1) / size }

        /// Batch number `position`.
        public subscript(position: Int) -> Batch {
            precondition(position >= 0 && position < endIndex, "Dataset.Batches: batch \(position) out of range 0..<\(endIndex)")
            return dataset.batch(Array(order[(position * size)..<Swift.min(order.count, (position + 1) * size)]))
        }
    }
}
