import LatentTensor

extension Module {
    /// Runs `body` in evaluation mode (dropout off, running batch-norm statistics) with no graph
    /// recorded, then restores the mode the module was in.
    public func withEvaluation<R>(_ body: () throws -> R) rethrows -> R {
        let wasTraining = isTraining
        eval()
        defer { if wasTraining { train() } }
        return try withoutGradients { try body() }
    }

    /// `forward` over the rows of `inputs` in batches of `batchSize`, in evaluation mode without
    /// gradients, the results stacked along the first axis. `emptyShape` is the result for no
    /// rows (the width of `forward`'s output cannot be known without running it).
    public func inferInBatches(_ inputs: Tensor, batchSize: Int = 500, emptyShape: [Int],
                               _ forward: (Variable) -> Variable) -> Tensor {
        withEvaluation {
            let n = inputs.shape[0]
            guard n > 0 else { return Tensor(shape: emptyShape) }
            if n <= batchSize { return forward(Variable(inputs)).value }
            var parts: [Tensor] = []
            for start in stride(from: 0, to: n, by: batchSize) {
                parts.append(forward(Variable(inputs.rows(start..<Swift.min(start + batchSize, n)))).value)
            }
            return Tensor.concat(parts, axis: 0)
        }
    }
}
