import LatentTensor

/// Stochastic gradient descent with optional momentum (Polyak, or Nesterov) and L2 weight decay,
/// with PyTorch's update rule:
/// g ← ∇ + λ·θ;  v ← μ·v + g;  θ ← θ − η·(nesterov ? g + μ·v : v).
public final class SGD: Optimizer {
    public let momentum: Float, weightDecay: Float, nesterov: Bool

    public init(learningRate: Float, momentum: Float = 0,
                weightDecay: Float = 0, nesterov: Bool = false) throws(OptimizerError) {
        guard momentum >= 0, momentum < 1 else { throw .invalid("momentum", momentum) }
        guard weightDecay >= 0 else { throw .invalid("weight decay", weightDecay) }
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        try super.init(learningRate: learningRate)
    }

    public override func apply(_ parameter: Variable, gradient grad: Tensor, key: String) {
        let lr = learningRate, mu = momentum, wd = weightDecay, nesterov = nesterov
        if mu == 0 {
            parameter.value.update(with: grad) { p, g in p - lr * (g + wd * p) }
            return
        }
        var v = takeSlot("momentum", key: key, shape: parameter.shape)
        let gp = grad.unsafeBaseAddress
        v.makeUnique()
        parameter.value.makeUnique()
        let pv = v.unsafeBaseAddress, pp = parameter.value.unsafeBaseAddress
        parallelFor(grad.count) { r in
            for i in r {
                let g = gp[i] + wd * pp[i]
                pv[i] = mu * pv[i] + g
                pp[i] -= lr * (nesterov ? g + mu * pv[i] : pv[i])
            }
        }
        setSlot("momentum", key: key, v)
    }
}
