import LatentTensor

/// Limited-memory BFGS (Liu & Nocedal, 1989) with a strong-Wolfe line search (Nocedal & Wright,
/// *Numerical Optimization*, 2nd ed., algorithms 3.5, 3.6 and 7.4): a quasi-Newton method for
/// smooth objectives of many variables, such as the pixels of an image under a style loss.
///
/// Unlike `Adam` it re-evaluates the objective during a step (the line search tries step lengths
/// until the loss falls enough and the slope flattens enough), so it takes a closure rather than
/// one gradient, as PyTorch's `LBFGS.step(closure)` does:
///
/// ```swift
/// let x = Variable(Tensor([-1.2, 1]))
/// let lbfgs = try LBFGS()
/// for _ in 0..<100 {
///     let step = try lbfgs.step([x]) {
///         let (value, g) = valueAndGrad(parameters: [("x", x)]) { rosenbrock(x) }
///         return (value, [g["x"]!])
///     }
///     if step.converged { break }
/// }
/// ```
///
/// Each step: the direction −H·g from the two-loop recursion over the last `historySize` pairs
/// sₖ = xₖ₊₁ − xₖ, yₖ = gₖ₊₁ − gₖ, with H₀ = (sᵀy / yᵀy)·I; then a line search along it for a
/// step length satisfying the strong Wolfe conditions f(x + αd) ≤ f(x) + c₁α gᵀd and
/// |∇f(x + αd)ᵀd| ≤ c₂|gᵀd| (c₁ = 10⁻⁴, c₂ = 0.9), extrapolating by factors of 4 and zooming by
/// safeguarded cubic interpolation. A pair is stored only when sᵀy > 0, which keeps H positive
/// definite; a direction that is not downhill clears the history and falls back to −g.
public final class LBFGS {
    /// Pairs (s, y) remembered: the rank of the inverse-Hessian approximation.
    public let historySize: Int
    /// Objective evaluations one line search may spend.
    public let maxEvaluationsPerStep: Int
    /// The run has converged when the largest gradient component is at most this.
    public let gradientTolerance: Float
    /// Sufficient-decrease constant c₁ and curvature constant c₂ of the Wolfe conditions.
    public let c1: Double, c2: Double

    /// What one `step` did.
    public struct Step: Sendable {
        /// The objective at the point the step ended at.
        public var value: Float
        /// The objective's evaluations this step (the line search's, plus the first one of a run).
        public var evaluations: Int
        /// The accepted step length along the direction.
        public var stepLength: Float
        /// True when the gradient is below the tolerance or no step length decreased the objective.
        public var converged: Bool
    }

    /// The objective: its value at the parameters' current values and its gradient with respect
    /// to each parameter (in the order given to `step`).
    public typealias Objective = () throws -> (value: Float, gradients: [Tensor])

    private var s: [[Float]] = [], y: [[Float]] = [], rho: [Double] = []
    /// The objective and gradient at the current point, if known.
    private var current: (value: Float, gradient: [Float], point: [Float])?
    /// Steps taken so far.
    public private(set) var stepCount = 0

    /// - Parameters:
    ///   - historySize: pairs remembered (10 is the usual choice; 3–20 all work).
    ///   - maxEvaluationsPerStep: evaluations a line search may use before it settles for the
    ///     best sufficient decrease it found.
    ///   - gradientTolerance: stop when every gradient component is at most this in magnitude.
    ///   - c1: the Wolfe sufficient-decrease constant (1e-4, as in Nocedal and Wright).
    ///   - c2: the Wolfe curvature constant, between `c1` and 1 (0.9 suits quasi-Newton steps).
    public init(historySize: Int = 10, maxEvaluationsPerStep: Int = 20, gradientTolerance: Float = 1e-7,
                c1: Double = 1e-4, c2: Double = 0.9) throws(OptimizerError) {
        guard historySize >= 1 else { throw .invalid("L-BFGS history size", Float(historySize)) }
        guard maxEvaluationsPerStep >= 1 else { throw .invalid("L-BFGS evaluations per step", Float(maxEvaluationsPerStep)) }
        guard gradientTolerance >= 0, gradientTolerance.isFinite else { throw .invalid("L-BFGS gradient tolerance", gradientTolerance) }
        guard c1 > 0, c1 < c2, c2 < 1 else { throw .invalid("Wolfe constants c1 < c2 in (0, 1)", Float(c1)) }
        self.historySize = historySize
        self.maxEvaluationsPerStep = maxEvaluationsPerStep
        self.gradientTolerance = gradientTolerance
        self.c1 = c1
        self.c2 = c2
    }

    /// Forgets the curvature pairs and the cached objective (for example after the parameters
    /// were changed from outside).
    public func reset() {
        s = []; y = []; rho = []
        current = nil
    }

    /// One L-BFGS iteration over `parameters`, moving their values in place. The objective is
    /// called with the parameters set to each point the line search tries.
    @discardableResult
    public func step(_ parameters: [Variable], _ objective: Objective) throws -> Step {
        let sizes = parameters.map(\.value.count)
        let n = sizes.reduce(0, +)
        var x = flatten(parameters.map(\.value), count: n)
        var evaluations = 0
        func evaluate(_ point: [Float]) throws -> (Float, [Float]) {
            write(point, into: parameters)
            let (value, gradients) = try objective()
            precondition(gradients.count == parameters.count && zip(gradients, parameters).allSatisfy { $0.shape == $1.shape },
                         "LBFGS: the objective must return one gradient per parameter, of its shape")
            evaluations += 1
            return (value, flatten(gradients, count: n))
        }
        // The objective at x is known from the last step unless the values changed since.
        if current == nil || current!.point != x {
            let (f, g) = try evaluate(x)
            current = (f, g, x)
        }
        let (f0, g0, _) = current!
        stepCount += 1
        if !f0.isFinite || maxAbs(g0) <= gradientTolerance {
            return Step(value: f0, evaluations: evaluations, stepLength: 0, converged: true)
        }
        var d = direction(g0)
        var slope = dot(g0, d)
        if !(slope < 0) {
            // Not downhill (the history no longer describes the function): start again from −g.
            s = []; y = []; rho = []
            d = g0.map { -$0 }
            slope = dot(g0, d)
        }
        // A step with no curvature pairs to size it (the first, or after a reset) moves the
        // variable with the largest gradient component by 1: the objective's scale (a loss of
        // 1e-4 or 1e4) then does not decide how many evaluations the line search spends
        // extrapolating or backtracking. After that, H's scaling makes α = 1 the natural step.
        let initial: Double = s.isEmpty ? 1 / Swift.max(Double(maxAbs(g0)), 1e-30) : 1
        let search = try lineSearch(x: x, f0: Double(f0), slope: slope, d: d, initial: initial,
                                    budget: maxEvaluationsPerStep) { alpha in
            let point = axpy(Float(alpha), d, x)
            let (f, g) = try evaluate(point)
            return (Double(f), dot(g, d), g)
        }
        guard let accepted = search else {
            // No step length decreased the objective: we are at a minimum to the precision of
            // Float, or the function is not smooth here. Stay put.
            write(x, into: parameters)
            s = []; y = []; rho = []
            return Step(value: f0, evaluations: evaluations, stepLength: 0, converged: true)
        }
        let newX = axpy(Float(accepted.alpha), d, x)
        write(newX, into: parameters)
        let sk = zip(newX, x).map { $0 - $1 }
        let yk = zip(accepted.gradient, g0).map { $0 - $1 }
        let sy = dot(sk, yk)
        if sy > 1e-10 * Swift.max(1, dot(yk, yk)) {
            s.append(sk); y.append(yk); rho.append(1 / sy)
            if s.count > historySize { s.removeFirst(); y.removeFirst(); rho.removeFirst() }
        }
        x = newX
        current = (Float(accepted.value), accepted.gradient, x)
        let converged = maxAbs(accepted.gradient) <= gradientTolerance
        return Step(value: Float(accepted.value), evaluations: evaluations, stepLength: Float(accepted.alpha),
                    converged: converged)
    }

    /// −H·g by the two-loop recursion.
    private func direction(_ g: [Float]) -> [Float] {
        var q = g.map { -$0 }
        let k = s.count
        var alpha = [Double](repeating: 0, count: k)
        for i in stride(from: k - 1, through: 0, by: -1) {
            alpha[i] = rho[i] * dot(s[i], q)
            q = axpy(Float(-alpha[i]), y[i], q)
        }
        if let last = k > 0 ? k - 1 : nil {
            let gamma = Float(dot(s[last], y[last]) / dot(y[last], y[last]))
            for i in q.indices { q[i] *= gamma }
        }
        for i in 0..<k {
            let beta = rho[i] * dot(y[i], q)
            q = axpy(Float(alpha[i] - beta), s[i], q)
        }
        return q
    }

    /// A point tried by the line search: step length, objective, slope along the direction, gradient.
    private struct Trial {
        var alpha: Double, value: Double, slope: Double, gradient: [Float]
    }

    /// Finds a step length satisfying the strong Wolfe conditions (Nocedal & Wright, algorithms
    /// 3.5 and 3.6); nil when none decreased the objective within `budget` evaluations. When the
    /// budget runs out after some decrease, returns the best point satisfying sufficient decrease.
    private func lineSearch(x: [Float], f0: Double, slope: Double, d: [Float], initial: Double, budget: Int,
                            phi: (Double) throws -> (Double, Double, [Float])) throws -> Trial? {
        let origin = Trial(alpha: 0, value: f0, slope: slope, gradient: [])
        var previous = origin
        var alpha = initial
        var used = 0
        var best: Trial?
        func sufficient(_ t: Trial) -> Bool { t.value <= f0 + c1 * t.alpha * slope }
        func consider(_ t: Trial) {
            if t.value.isFinite, t.value < f0, sufficient(t), best == nil || t.value < best!.value { best = t }
        }
        while used < budget {
            let (f, df, g) = try phi(alpha)
            used += 1
            let trial = Trial(alpha: alpha, value: f, slope: df, gradient: g)
            consider(trial)
            if !f.isFinite || !sufficient(trial) || (used > 1 && f >= previous.value) {
                return try zoom(low: previous, high: trial, f0: f0, slope: slope, remaining: budget - used, best: best, phi: phi)
            }
            if Swift.abs(df) <= -c2 * slope { return trial }
            if df >= 0 {
                return try zoom(low: trial, high: previous, f0: f0, slope: slope, remaining: budget - used, best: best, phi: phi)
            }
            // Still descending steeply: extrapolate (a larger factor than N&W's doubling costs
            // fewer evaluations when the first guess was far too short).
            previous = trial
            alpha *= 4
        }
        return best
    }

    /// The zoom phase: `low` satisfies sufficient decrease and has the lower objective, the
    /// interval between `low` and `high` holds a point satisfying the strong Wolfe conditions.
    private func zoom(low lowIn: Trial, high highIn: Trial, f0: Double, slope: Double, remaining: Int, best bestIn: Trial?,
                      phi: (Double) throws -> (Double, Double, [Float])) throws -> Trial? {
        var low = lowIn, high = highIn, best = bestIn
        var left = remaining
        while left > 0 {
            let (a, b) = (Swift.min(low.alpha, high.alpha), Swift.max(low.alpha, high.alpha))
            let width = b - a
            if width <= 1e-12 * Swift.max(1, b) { break }
            var alpha = high.value.isFinite ? cubicMinimizer(low, high) : nil
            // Safeguard: stay inside the interval, away from its ends; else bisect.
            if let candidate = alpha, !(candidate > a + 0.1 * width && candidate < b - 0.1 * width) { alpha = nil }
            let trialAlpha = alpha ?? (a + b) / 2
            let (f, df, g) = try phi(trialAlpha)
            left -= 1
            let trial = Trial(alpha: trialAlpha, value: f, slope: df, gradient: g)
            if f.isFinite, f < f0, f <= f0 + c1 * trialAlpha * slope, best == nil || f < best!.value { best = trial }
            if !f.isFinite || f > f0 + c1 * trialAlpha * slope || f >= low.value {
                high = trial
            } else {
                if Swift.abs(df) <= -c2 * slope { return trial }
                if df * (high.alpha - low.alpha) >= 0 { high = low }
                low = trial
            }
        }
        return best
    }

    /// The minimiser of the cubic through two trials' values and slopes (Nocedal & Wright, 3.59),
    /// or nil when the cubic has none.
    private func cubicMinimizer(_ p: Trial, _ q: Trial) -> Double? {
        let d1 = p.slope + q.slope - 3 * (p.value - q.value) / (p.alpha - q.alpha)
        let disc = d1 * d1 - p.slope * q.slope
        guard disc >= 0 else { return nil }
        let d2 = (q.alpha > p.alpha ? 1.0 : -1.0) * disc.squareRoot()
        let denominator = q.slope - p.slope + 2 * d2
        guard denominator != 0 else { return nil }
        let alpha = q.alpha - (q.alpha - p.alpha) * (q.slope + d2 - d1) / denominator
        return alpha.isFinite ? alpha : nil
    }

    // MARK: Flat vectors

    private func flatten(_ tensors: [Tensor], count n: Int) -> [Float] {
        var out = [Float](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { dst in
            var offset = 0
            for t in tensors {
                t.withUnsafeBufferPointer { src in (dst.baseAddress! + offset).update(from: src.baseAddress!, count: src.count) }
                offset += t.count
            }
        }
        return out
    }

    private func write(_ flat: [Float], into parameters: [Variable]) {
        flat.withUnsafeBufferPointer { src in
            var offset = 0
            for p in parameters {
                p.value.makeUnique()
                p.value.unsafeBaseAddress.update(from: src.baseAddress! + offset, count: p.value.count)
                offset += p.value.count
            }
        }
    }
}

// Dense vector helpers on flat Float arrays; dot products accumulate in Double, since the
// two-loop recursion divides by them.

private func dot(_ a: [Float], _ b: [Float]) -> Double {
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            var total = 0.0
            for i in 0..<pa.count { total += Double(pa[i]) * Double(pb[i]) }
            return total
        }
    }
}

/// a·x + y.
private func axpy(_ a: Float, _ x: [Float], _ y: [Float]) -> [Float] {
    var out = y
    out.withUnsafeMutableBufferPointer { po in
        x.withUnsafeBufferPointer { px in for i in 0..<po.count { po[i] += a * px[i] } }
    }
    return out
}

private func maxAbs(_ a: [Float]) -> Float { a.reduce(0) { Swift.max($0, Swift.abs($1)) } }
