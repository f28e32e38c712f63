import LatentTensor

/// A rule that updates parameters from their gradients.
///
/// An optimiser is not bound to a parameter list: `update(_:)` takes the `Gradients` of one
/// `valueAndGrad` pass and moves the parameters named there. Its per-parameter state (Adam's
/// moments, SGD's velocity) is keyed by the parameter's path in the module tree, so parameters
/// can join later (`unfreeze()`) and leave (`freeze()`) without losing anyone's state, and an
/// optimiser over a subset of a model is just the gradients of that subset.
///
/// Every update passes through the same seam: the gradients are first combined across
/// data-parallel workers by `synchronizer` (nothing to do in one process), then clipped to
/// `maxGradientNorm` when set, then applied. Subclasses write only `apply(_:gradient:key:)`.
open class Optimizer {
    /// The step size. Schedules change it between steps.
    public var learningRate: Float
    /// Updates taken so far (Adam's bias correction counts them).
    public var stepCount = 0
    /// Per-parameter state tensors, by "<parameter path>/<slot>".
    public var slots: [String: Tensor] = [:]
    /// Clip the joint gradient norm of each update to this value when set.
    public var maxGradientNorm: Float?
    /// Combines gradients across workers before every update. Defaults to the process-wide
    /// `GradientSynchronization.shared` (a single process unless a launcher installed another).
    public var synchronizer: any GradientSynchronizer = GradientSynchronization.shared
    /// The gradient norm before clipping of the last update (nil when clipping is off).
    public private(set) var lastGradientNorm: Float?
    /// The synchroniser's flat buffer, kept from one update to the next.
    public var flatGradientBuffer = Tensor(shape: [0])
    /// Parameter groups, as PyTorch's: a parameter whose path starts with a group's `prefix`
    /// (a module path such as `"features"` or `"encoder.0"`) steps with `learningRate × scale`;
    /// the first matching group wins, every other parameter uses `learningRate`. Transfer
    /// learning gives reused layers a smaller rate than a new head this way. Schedules change
    /// `learningRate` and the groups follow.
    public var learningRateScales: [(prefix: String, scale: Float)] = []

    public init(learningRate: Float) throws(OptimizerError) {
        guard learningRate > 0, learningRate.isFinite else { throw .invalid("learning rate", learningRate) }
        self.learningRate = learningRate
    }

    /// Synchronises, clips and applies `gradients`: one optimisation step.
    public func update(_ gradients: Gradients) {
        var g = gradients
        synchronizer.synchronize(&g, buffer: &flatGradientBuffer)
        if let maxGradientNorm { lastGradientNorm = g.clip(maxNorm: maxGradientNorm) }
        stepCount += 1
        let base = learningRate
        // Each group's rate is set for its parameters' step alone (subclasses read `learningRate`),
        // then the base rate is restored for the schedule and the checkpoint.
        defer { learningRate = base }
        for entry in g.parameters {
            learningRate = base * learningRateScale(for: entry.name)
            apply(entry.parameter, gradient: entry.gradient, key: entry.name)
        }
    }

    /// The factor `learningRateScales` gives the parameter at `path` (1 outside every group).
    public func learningRateScale(for path: String) -> Float {
        for group in learningRateScales where path == group.prefix || path.hasPrefix(group.prefix + ".") {
            return group.scale
        }
        return 1
    }

    /// Updates one parameter in place from its gradient. Subclasses override.
    open func apply(_ parameter: Variable, gradient: Tensor, key: String) {}

    /// Removes and returns the state tensor `slot` of the parameter at `key` (zeros of `shape` on
    /// first use). Taking it out of the dictionary leaves it uniquely referenced, so the
    /// subclass can update it in place before handing it back with `setSlot`.
    public func takeSlot(_ slot: String, key: String, shape: [Int]) -> Tensor {
        // A slot of another shape (a checkpoint that does not belong to this model; resume
        // refuses those) is never handed to a kernel that would index it by the parameter's size.
        if let t = slots.removeValue(forKey: key + "/" + slot), t.shape == shape { return t }
        return Tensor(shape: shape)
    }

    /// Stores state tensor `slot` of the parameter at `key`.
    public func setSlot(_ slot: String, key: String, _ value: Tensor) {
        slots[key + "/" + slot] = value
    }
}

/// A hyperparameter that cannot work.
public enum OptimizerError: Error, CustomStringConvertible {
    case invalid(String, Float)
    public var description: String {
        switch self { case .invalid(let name, let v): "invalid \(name): \(v)" }
    }
}
