#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a loss turns per-element terms into one number.
public enum LossReduction: String, Sendable, Codable, CaseIterable {
    /// Mean over every element.
    case mean
    /// Sum over every element.
    case sum
    /// Sum over all but the first axis, mean over the first (per-example loss, e.g. squared error
    /// summed over pixels and averaged over images).
    case batchMean
}

extension LossReduction {
    func divisor(_ shape: [Int]) -> Float {
        switch self {
        case .mean: Float(Swift.max(Tensor.elementCount(shape), 1))
        case .sum: 1
        case .batchMean: Float(Swift.max(shape.first ?? 1, 1))
        }
    }
}

// Losses are fused ops: their forward and backward are written in closed form for numerical
// stability (no log of a sigmoid, no exp of a large logit) and to spare passes over the data.

extension Variable {
    /// Squared error between `self` and a constant `target`.
    public func mseLoss(_ target: Tensor, reduction: LossReduction = .mean) -> Variable {
        precondition(shape == target.shape, "mseLoss: prediction \(shape) and target \(target.shape) differ")
        let d = reduction.divisor(shape)
        // Loops written out (not `-`, `zipMap`, `*`, whose closures are called per element).
        let diff = Tensor(uninitializedShape: shape), squares = Tensor(uninitializedShape: shape)
        let pv = value.storage.pointer, pt = target.storage.pointer
        let pd = diff.storage.pointer, ps = squares.storage.pointer
        parallelFor(diff.count) { r in
            for i in r {
                let e = pv[i] - pt[i]
                pd[i] = e
                ps[i] = e * e
            }
        }
        let loss = Tensor(scalar: squares.sum() / d)
        return Variable.record(loss, parents: [self]) { g in
            let k = 2 * g.scalar / d
            let dx = Tensor(uninitializedShape: diff.shape)
            let po = dx.storage.pointer
            parallelFor(diff.count) { r in for i in r { po[i] = pd[i] * k } }
            return [dx]
        }
    }

    /// Binary cross-entropy between sigmoid(`self`) and `target` ∈ [0, 1], computed from logits as
    /// max(z, 0) − z·t + log(1 + e^(−|z|)), which never overflows; its gradient is σ(z) − t.
    public func binaryCrossEntropyWithLogits(_ target: Tensor, reduction: LossReduction = .mean) -> Variable {
        precondition(shape == target.shape, "binaryCrossEntropyWithLogits: logits \(shape) and target \(target.shape) differ")
        let z = value, d = reduction.divisor(shape)
        // Terms and σ(z) in one vectorised pass (this loss runs on every pixel of a VAE's batch).
        let terms = Tensor(uninitializedShape: z.shape), sigmoid = Tensor(uninitializedShape: z.shape)
        binaryCrossEntropyTerms(logits: z.storage.pointer, targets: target.storage.pointer, count: z.count,
                                terms: terms.storage.pointer, sigmoid: sigmoid.storage.pointer)
        return Variable.record(Tensor(scalar: terms.sum() / d), parents: [self]) { g in
            let k = g.scalar / d
            let dz = Tensor(uninitializedShape: z.shape)
            let ps = sigmoid.storage.pointer, pt = target.storage.pointer, pd = dz.storage.pointer
            parallelFor(z.count) { r in for i in r { pd[i] = (ps[i] - pt[i]) * k } }
            return [dz]
        }
    }

    /// Softmax cross-entropy of logits `[N, K]` against class indices, averaged over the N rows
    /// (or summed with `.sum`); the gradient is (softmax − one-hot) / N.
    public func softmaxCrossEntropy(labels: [Int], reduction: LossReduction = .mean) -> Variable {
        precondition(shape.count == 2 && labels.count == shape[0],
                     "softmaxCrossEntropy: logits \(shape) need one label per row, got \(labels.count)")
        let k = shape[1]
        let logp = value.logSoftmaxLastAxis()
        let lp = logp.storage.pointer
        var total: Double = 0
        for (i, y) in labels.enumerated() {
            precondition(y >= 0 && y < k, "softmaxCrossEntropy: label \(y) outside 0..<\(k)")
            total -= Double(lp[i * k + y])
        }
        let d: Float = reduction == .sum ? 1 : Float(labels.count)
        return Variable.record(Tensor(scalar: Float(total) / d), parents: [self]) { g in
            var grad = logp.map { expf($0) }
            grad.withUnsafeMutableBufferPointer { p in
                for (i, y) in labels.enumerated() { p[i * k + y] -= 1 }
            }
            return [grad * (g.scalar / d)]
        }
    }
}
