import LatentNN
import LatentTensor

/// The update rule of Hinton's RBM recipes: Δ ← μ·Δ − η·g; θ ← θ + Δ, with a momentum μ that
/// changes during the run (0.5 for the first epochs, then 0.9), which `SGD` keeps fixed. Weight
/// decay, when wanted, is already in g. The velocity Δ is an optimiser slot, so checkpoints
/// carry it and a resumed run continues exactly.
public final class MomentumUpdate: Optimizer {
    /// μ, set by the step function before each update.
    public var momentum: Float = 0

    public override func apply(_ parameter: Variable, gradient: Tensor, key: String) {
        let lr = learningRate, mu = momentum
        var velocity = takeSlot("velocity", key: key, shape: parameter.shape)
        velocity.makeUnique()
        parameter.value.makeUnique()
        let pv = velocity.unsafeBaseAddress, pp = parameter.value.unsafeBaseAddress, pg = gradient.unsafeBaseAddress
        parallelFor(gradient.count) { range in
            for i in range {
                pv[i] = mu * pv[i] - lr * pg[i]
                pp[i] += pv[i]
            }
        }
        setSlot("velocity", key: key, velocity)
    }
}
