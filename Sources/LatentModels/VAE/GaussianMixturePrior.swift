#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LatentNN
import LatentTensor

/// A learnable mixture of K diagonal Gaussians over the latent space,
/// p(z) = Σₖ πₖ 𝒩(z; mₖ, diag σₖ²) with π = softmax(logits): the prior of a VAE whose codes
/// should gather in clusters rather than in one ball (Dilokthanakul et al., 2016; Tomczak &
/// Welling, 2018, for learned priors in general).
///
/// Parameters: `means` `[K, D]` drawn from 𝒩(0, 1) so the components start apart,
/// `logVariances` `[K, D]` and `logits` `[K]` starting at 0 (unit variances, equal weights).
public final class GaussianMixturePrior: Module {
    public let means: Variable
    public let logVariances: Variable
    public let logits: Variable

    /// A mixture of `components` Gaussians in `latentSize` dimensions.
    public init(components: Int, latentSize: Int, rng: inout RandomGenerator) {
        means = Variable(Tensor.normal([components, latentSize], using: &rng), requiresGrad: true, name: "means")
        logVariances = Variable(Tensor.zeros([components, latentSize]), requiresGrad: true, name: "logVariances")
        logits = Variable(Tensor.zeros([components]), requiresGrad: true, name: "logits")
    }

    /// Number of components K.
    public var components: Int { means.shape[0] }
    /// Latent dimension D.
    public var latentSize: Int { means.shape[1] }

    /// log p(z) of each row of `z` `[N, D]`, as `[N]`; differentiable in `z` and in the
    /// mixture's parameters. The sum over components is a log-sum-exp, so far-away components
    /// neither overflow nor vanish.
    public func logDensity(_ z: Variable) -> Variable {
        let n = z.shape[0], k = components, d = latentSize
        let diff = z.reshaped([n, 1, d]) - means.reshaped([1, k, d])
        let precision = (-logVariances).exp().reshaped([1, k, d])
        let quadratic = (diff.square() * precision).sum(axis: 2)                     // [N, K]
        let logDeterminant = logVariances.sum(axis: 1).reshaped([1, k])              // [1, K]
        let logComponent = (quadratic + logDeterminant) * -0.5 - Float(d) * 0.5 * Float(log(2 * Double.pi))
        let logWeights = logits.reshaped([1, k]).logSoftmax()
        return (logComponent + logWeights).logSumExp(axis: 1)
    }

    /// `count` draws from the mixture: a component by its weight, then a point from it.
    public func sample(count: Int, using rng: inout RandomGenerator) -> Tensor {
        let k = components, d = latentSize
        let weights = logits.value.reshaped([1, k]).softmaxLastAxis().scalars
        let m = means.value.scalars, lv = logVariances.value.scalars
        var out = [Float](repeating: 0, count: count * d)
        for i in 0..<count {
            var u = rng.nextFloat(), c = k - 1
            for j in 0..<k {
                u -= weights[j]
                if u < 0 { c = j; break }
            }
            for j in 0..<d { out[i * d + j] = m[c * d + j] + expf(0.5 * lv[c * d + j]) * rng.nextNormal() }
        }
        return Tensor(shape: [count, d], scalars: out)
    }
}
