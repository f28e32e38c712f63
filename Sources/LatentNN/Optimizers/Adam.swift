#if canImport(Glibc)
import Glibc
#endif
import LatentTensor

/// Adam (Kingma & Ba, 2015), with PyTorch's update and optional decoupled weight decay (AdamW,
/// Loshchilov & Hutter, 2019):
/// m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;
/// θ ← θ − η · (m / (1 − β₁ᵗ)) / (√v / √(1 − β₂ᵗ) + ε).
/// The whole step is one fused pass over each parameter, in place.
public final class Adam: Optimizer {
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float, decoupled: Bool

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0,
                decoupled: Bool = false) throws(OptimizerError) {
        guard beta1 >= 0, beta1 < 1 else { throw .invalid("beta1", beta1) }
        guard beta2 >= 0, beta2 < 1 else { throw .invalid("beta2", beta2) }
        guard epsilon > 0 else { throw .invalid("epsilon", epsilon) }
        guard weightDecay >= 0 else { throw .invalid("weight decay", weightDecay) }
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        try super.init(learningRate: learningRate)
    }

    public override func apply(_ parameter: Variable, gradient grad: Tensor, key: String) {
        var m = takeSlot("m", key: key, shape: parameter.shape), v = takeSlot("v", key: key, shape: parameter.shape)
        m.makeUnique(); v.makeUnique(); parameter.value.makeUnique()
        let t = Float(stepCount)
        let b1 = beta1, b2 = beta2, eps = epsilon, wd = weightDecay, decoupled = decoupled
        let stepSize = learningRate / (1 - powf(b1, t))
        let correction2 = (1 - powf(b2, t)).squareRoot()
        let decay = decoupled ? 1 - learningRate * wd : 1
        let l2 = decoupled ? 0 : wd
        let pg = grad.unsafeBaseAddress, pm = m.unsafeBaseAddress, pv = v.unsafeBaseAddress
        let pp = parameter.value.unsafeBaseAddress
        let c1 = 1 - b1, c2 = 1 - b2
        parallelFor(grad.count) { r in
            // Eight lanes at a time: a scalar loop here compiles to sqrtss with a libm fallback
            // branch and two divss per element and does not vectorise. Same operations in the
            // same order as the scalar tail, so every lane gives the scalar loop's bits.
            var i = r.lowerBound
            let sb1 = SIMD8<Float>(repeating: b1), sb2 = SIMD8<Float>(repeating: b2)
            let sc1 = SIMD8<Float>(repeating: c1), sc2 = SIMD8<Float>(repeating: c2)
            let sl2 = SIMD8<Float>(repeating: l2), sDecay = SIMD8<Float>(repeating: decay)
            let sStep = SIMD8<Float>(repeating: stepSize), sCorr = SIMD8<Float>(repeating: correction2)
            let sEps = SIMD8<Float>(repeating: eps)
            while i + 8 <= r.upperBound {
                let p = UnsafeRawPointer(pp + i).loadUnaligned(as: SIMD8<Float>.self)
                let g = UnsafeRawPointer(pg + i).loadUnaligned(as: SIMD8<Float>.self) + sl2 * p
                let mi = sb1 * UnsafeRawPointer(pm + i).loadUnaligned(as: SIMD8<Float>.self) + sc1 * g
                let vi = sb2 * UnsafeRawPointer(pv + i).loadUnaligned(as: SIMD8<Float>.self) + sc2 * g * g
                UnsafeMutableRawPointer(pm + i).storeBytes(of: mi, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(pv + i).storeBytes(of: vi, as: SIMD8<Float>.self)
                let updated = p * sDecay - sStep * mi / (vi.squareRoot() / sCorr + sEps)
                UnsafeMutableRawPointer(pp + i).storeBytes(of: updated, as: SIMD8<Float>.self)
                i += 8
            }
            while i < r.upperBound {
                let g = pg[i] + l2 * pp[i]
                let mi = b1 * pm[i] + c1 * g
                let vi = b2 * pv[i] + c2 * g * g
                pm[i] = mi
                pv[i] = vi
                pp[i] = pp[i] * decay - stepSize * mi / (vi.squareRoot() / correction2 + eps)
                i += 1
            }
        }
        setSlot("m", key: key, m)
        setSlot("v", key: key, v)
    }
}
