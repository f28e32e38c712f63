import LatentTensor

/// A rule that updates parameters from their gradients. Subclasses write only the per-parameter
/// step (`update(_:index:)`); the base walks the parameters, skips those without a gradient, and
/// keeps per-parameter state by name so it can be checkpointed and restored.
open class Optimizer {
    /// The parameters being optimised, with their paths in the model.
    public let parameters: [(String, Variable)]
    /// The step size. Schedules change it between steps.
    public var learningRate: Float
    /// Steps taken so far.
    public var stepCount = 0
    /// Per-parameter state tensors, by "<parameter name>/<slot>".
    public var slots: [String: Tensor] = [:]

    public init(_ parameters: [(String, Variable)], learningRate: Float) throws(OptimizerError) {
        guard learningRate > 0, learningRate.isFinite else { throw .invalid("learning rate", learningRate) }
        self.parameters = parameters
        self.learningRate = learningRate
    }

    /// Applies one update to every parameter that has a gradient.
    public func step() {
        stepCount += 1
        for (i, (_, p)) in parameters.enumerated() where p.grad != nil {
            update(p, index: i)
        }
    }

    /// Clears every parameter's gradient.
    public func zeroGrad() { for (_, p) in parameters { p.grad = nil } }

    /// Updates one parameter in place from its gradient. Subclasses override.
    open func update(_ parameter: Variable, index: Int) {}

    /// The state tensor `slot` of parameter `index`, created as zeros on first use.
    public func slot(_ slot: String, index: Int) -> Tensor {
        let key = parameters[index].0 + "/" + slot
        if let t = slots[key] { return t }
        let t = Tensor(shape: parameters[index].1.shape)
        slots[key] = t
        return t
    }

    /// Stores slot `slot` of parameter `index`.
    public func setSlot(_ slot: String, index: Int, _ value: Tensor) {
        slots[parameters[index].0 + "/" + slot] = value
    }
}

/// A hyperparameter that cannot work.
public enum OptimizerError: Error, CustomStringConvertible {
    case invalid(String, Float)
    public var description: String {
        switch self { case .invalid(let name, let v): "invalid \(name): \(v)" }
    }
}

/// Scales all gradients down so their joint L2 norm is at most `maxNorm`; returns the norm
/// before clipping (as PyTorch's `clip_grad_norm_` does).
@discardableResult
public func clipGradientNorm(_ parameters: [(String, Variable)], maxNorm: Float) -> Float {
    var total = 0.0
    for (_, p) in parameters {
        guard let g = p.grad else { continue }
        g.withUnsafeBufferPointer { b in for v in b { total += Double(v) * Double(v) } }
    }
    let norm = Float(total.squareRoot())
    if norm > maxNorm, norm > 0 {
        let k = maxNorm / (norm + 1e-6)
        for (_, p) in parameters where p.grad != nil { p.grad! *= k }
    }
    return norm
}
