// Reductions and softmax.

extension Variable {
    /// Sum of all elements (a scalar).
    public func sum() -> Variable {
        let shape = self.shape
        return Variable.record(Tensor(scalar: value.sum()), parents: [self]) { g in
            [Tensor(shape: shape, repeating: g.scalar)]
        }
    }

    /// Mean of all elements (a scalar).
    public func mean() -> Variable {
        let shape = self.shape, n = Float(value.count)
        return Variable.record(Tensor(scalar: value.mean()), parents: [self]) { g in
            [Tensor(shape: shape, repeating: g.scalar / n)]
        }
    }

    /// Sum along `axis`.
    public func sum(axis: Int, keepDims: Bool = false) -> Variable {
        let shape = self.shape
        let a = axis < 0 ? axis + shape.count : axis
        return Variable.record(value.sum(axis: a, keepDims: keepDims), parents: [self]) { g in
            var kept = shape
            kept[a] = 1
            return [Tensor.zipMap(Tensor(shape: shape), g.reshaped(kept)) { _, v in v }]
        }
    }

    /// Mean along `axis`.
    public func mean(axis: Int, keepDims: Bool = false) -> Variable {
        let a = axis < 0 ? axis + shape.count : axis
        return sum(axis: a, keepDims: keepDims) * (1 / Float(shape[a]))
    }

    /// Softmax over the last axis; the pullback is y ⊙ (g − Σ g ⊙ y).
    public func softmax() -> Variable {
        let y = value.softmaxLastAxis()
        return Variable.record(y, parents: [self]) { g in
            let dot = (g * y).sum(axis: -1, keepDims: true)
            return [y * (g - dot)]
        }
    }

    /// Log-softmax over the last axis; the pullback is g − softmax ⊙ Σ g.
    public func logSoftmax() -> Variable {
        let y = value.logSoftmaxLastAxis()
        return Variable.record(y, parents: [self]) { g in
            let total = g.sum(axis: -1, keepDims: true)
            return [g - y.map { expf($0) } * total]
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Tensor {
    /// log-softmax over the last axis, shifted by each row's maximum so nothing overflows.
    public func logSoftmaxLastAxis() -> Tensor {
        let cols = shape.last ?? 1, rows = count / Swift.max(cols, 1)
        let out = Tensor(uninitializedShape: shape)
        let p = storage.pointer, po = out.storage.pointer
        parallelFor(rows, minChunk: 256) { range in
            for r in range {
                let x = p + r * cols, y = po + r * cols
                var m = -Float.infinity
                for j in 0..<cols { m = Swift.max(m, x[j]) }
                var s: Float = 0
                for j in 0..<cols { s += expf(x[j] - m) }
                let lse = m + logf(s)
                for j in 0..<cols { y[j] = x[j] - lse }
            }
        }
        return out
    }

    /// softmax over the last axis.
    public func softmaxLastAxis() -> Tensor {
        var t = logSoftmaxLastAxis()
        t.apply { expf($0) }
        return t
    }
}
