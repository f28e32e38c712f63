#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Elementwise nonlinearities. Each op's local derivative is written once, in its pullback,
// from whichever of input `x` or output `y` makes it cheapest.

extension Variable {
    /// max(x, 0).
    ///
    /// Hot in every network, so its loops are written out rather than passed to `map`/`zipMap`,
    /// whose closure argument is called per element (not inlined, not vectorised).
    public func relu() -> Variable {
        let x = value
        let y = Tensor(uninitializedShape: x.shape)
        let px = x.storage.pointer, py = y.storage.pointer
        parallelFor(x.count) { r in for i in r { py[i] = Swift.max(px[i], 0) } }
        return Variable.record(y, parents: [self]) { g in
            precondition(g.shape == y.shape, "relu: gradient \(g.shape) for output \(y.shape)")
            let dx = Tensor(uninitializedShape: y.shape)
            let pg = g.storage.pointer, pd = dx.storage.pointer
            parallelFor(y.count) { r in for i in r { pd[i] = py[i] > 0 ? pg[i] : 0 } }
            return [dx]
        }
    }

    /// x for x > 0, αx otherwise.
    /// Written out like `relu` (it follows every discriminator layer).
    public func leakyRelu(_ alpha: Float = 0.01) -> Variable {
        let x = value
        let y = Tensor(uninitializedShape: x.shape)
        let px = x.storage.pointer, py = y.storage.pointer
        parallelFor(x.count) { r in for i in r { py[i] = px[i] > 0 ? px[i] : alpha * px[i] } }
        return Variable.record(y, parents: [self]) { g in
            precondition(g.shape == x.shape, "leakyRelu: gradient \(g.shape) for output \(x.shape)")
            let dx = Tensor(uninitializedShape: x.shape)
            let pg = g.storage.pointer, pd = dx.storage.pointer
            parallelFor(x.count) { r in for i in r { pd[i] = px[i] > 0 ? pg[i] : alpha * pg[i] } }
            return [dx]
        }
    }

    /// 1 / (1 + e^(−x)); dy/dx = y(1 − y).
    public func sigmoid() -> Variable {
        let x = value
        let y = Tensor(uninitializedShape: x.shape)
        let px = x.storage.pointer, py = y.storage.pointer
        parallelFor(x.count) { r in for i in r { py[i] = stableSigmoid(px[i]) } }
        return Variable.record(y, parents: [self]) { g in
            precondition(g.shape == y.shape, "sigmoid: gradient \(g.shape) for output \(y.shape)")
            let dx = Tensor(uninitializedShape: y.shape)
            let pg = g.storage.pointer, pd = dx.storage.pointer
            parallelFor(y.count) { r in for i in r { pd[i] = pg[i] * py[i] * (1 - py[i]) } }
            return [dx]
        }
    }

    /// tanh x; dy/dx = 1 − y².
    public func tanh() -> Variable {
        let y = value.map { tanhf($0) }
        return Variable.record(y, parents: [self]) { g in [Tensor.zipMap(g, y) { $0 * (1 - $1 * $1) }] }
    }

    /// log(1 + eˣ), computed without overflow; dy/dx = σ(x).
    public func softplus() -> Variable {
        let x = value
        return Variable.record(x.map(stableSoftplus), parents: [self]) { g in
            [Tensor.zipMap(g, x) { $0 * stableSigmoid($1) }]
        }
    }

    /// eˣ.
    public func exp() -> Variable {
        let y = value.map { expf($0) }
        return Variable.record(y, parents: [self]) { g in [g * y] }
    }

    /// Natural logarithm.
    public func log() -> Variable {
        let x = value
        return Variable.record(x.map { logf($0) }, parents: [self]) { g in [g / x] }
    }

    /// x².
    public func square() -> Variable {
        let x = value
        return Variable.record(x.map { $0 * $0 }, parents: [self]) { g in [Tensor.zipMap(g, x) { 2 * $0 * $1 }] }
    }

    /// √x; dy/dx = 1 / (2y).
    public func sqrt() -> Variable {
        let y = value.map { $0.squareRoot() }
        return Variable.record(y, parents: [self]) { g in [Tensor.zipMap(g, y) { $0 / (2 * $1) }] }
    }

    /// |x| (subgradient 0 at 0).
    public func abs() -> Variable {
        let x = value
        return Variable.record(x.map { Swift.abs($0) }, parents: [self]) { g in
            [Tensor.zipMap(g, x) { $1 > 0 ? $0 : ($1 < 0 ? -$0 : 0) }]
        }
    }

    /// Identity forward, −λ·gradient backward: the gradient-reversal layer of domain-adversarial
    /// training (Ganin & Lempitsky, 2015).
    public func reversingGradient(scale lambda: Float = 1) -> Variable {
        Variable.record(value, parents: [self]) { g in [g * -lambda] }
    }
}

/// σ(x) without overflow for large |x|.
@inlinable public func stableSigmoid(_ x: Float) -> Float {
    x >= 0 ? 1 / (1 + expf(-x)) : { let e = expf(x); return e / (1 + e) }()
}

/// log(1 + eˣ) without overflow: max(x, 0) + log1p(e^(−|x|)).
@inlinable public func stableSoftplus(_ x: Float) -> Float {
    Swift.max(x, 0) + log1pf(expf(-Swift.abs(x)))
}
