#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Variable {
    /// log Σ exp(x) along `axis`, computed as m + log Σ exp(x − m) with m the largest element so
    /// no term overflows; the pullback is g · softmax(x) along that axis.
    ///
    /// Mixture densities and importance-weighted bounds are sums of exponentials of very
    /// different size; this keeps them finite where the naive composition `exp().sum().log()`
    /// overflows or underflows.
    public func logSumExp(axis: Int, keepDims: Bool = false) -> Variable {
        let shape = self.shape
        let a = axis < 0 ? axis + shape.count : axis
        precondition(a >= 0 && a < shape.count, "logSumExp: axis \(axis) outside shape \(shape)")
        // An all −∞ slice has maximum −∞; shifting by 0 instead keeps its result −∞ rather than NaN.
        let m = value.max(axis: a, keepDims: true).map { $0.isFinite ? $0 : 0 }
        let total = Tensor.zipMap(value, m) { expf($0 - $1) }.sum(axis: a, keepDims: true)
        let kept = Tensor.zipMap(m, total) { $0 + logf($1) }
        var reduced = shape
        reduced.remove(at: a)
        let x = value
        return Variable.record(keepDims ? kept : kept.reshaped(reduced), parents: [self]) { g in
            let gk = g.reshaped(kept.shape)
            let weights = Tensor.zipMap(x, kept) { expf($0 - $1) }
            return [weights * gk]
        }
    }
}
