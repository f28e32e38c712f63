#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LatentNN
import LatentTensor

/// A variational autoencoder (Kingma & Welling, 2014): the encoder predicts a Gaussian
/// q(z | x) = 𝒩(μ(x), diag σ²(x)) instead of a point, a code is drawn from it with the
/// reparameterisation z = μ + σ ⊙ ε (ε ~ 𝒩(0, I), so gradients flow through μ and σ), the
/// decoder turns z into a distribution over images, and training maximises the evidence lower
/// bound
///
///     ELBO(x) = E_q[log p(x | z)] − KL(q(z | x) ‖ p(z)) ≤ log p(x).
///
/// The default is the `vae` workload of BENCHMARKS.md: 784-400-(μ, log σ² 20)-400-784 with ReLU
/// and a Bernoulli decoder (binary cross-entropy on logits, summed over pixels), prior 𝒩(0, I)
/// with the KL term in closed form, −½ Σ (1 + log σ² − μ² − σ²).
///
/// Options: a convolutional encoder and decoder (those of the `conv-ae` workload), a Gaussian
/// decoder (squared error), a weight β on the KL term (β = 0: plain codes with no pull toward
/// the prior; β > 1: the β-VAE), KL warm-up, and a learnable mixture-of-Gaussians prior (the KL
/// term is then estimated from the drawn code, log q(z | x) − log p(z)).
///
/// Parameters are named `encoder.*`, `mu.*`, `logvar.*`, `decoder.*` (and `mixture.*`), PyTorch's
/// layouts, so a PyTorch module with the same attributes loads the checkpoint. The sampling noise
/// comes from the model's own seeded `rng`, which checkpoints save and resume restores.
public final class VAE: Module, RandomStateful {
    /// The architecture and objective of a VAE; stored in its checkpoints.
    public struct Config: Codable, Sendable, Equatable {
        /// Encoder/decoder family; the decoder mirrors the encoder.
        public enum Network: String, Codable, Sendable, CaseIterable {
            /// Fully connected layers of `hidden` sizes.
            case mlp
            /// Conv(1→32, k3, s2, p1), Conv(32→64, k3, s2, p1) and their transposes.
            case conv
        }

        /// The decoder's distribution over pixels.
        public enum Likelihood: String, Codable, Sendable, CaseIterable {
            /// Independent Bernoulli pixels: binary cross-entropy on logits.
            case bernoulli
            /// Independent Gaussians with mean sigmoid(output) and fixed `gaussianStd`: squared error.
            case gaussian
        }

        /// The prior p(z).
        public enum Prior: String, Codable, Sendable, CaseIterable {
            /// 𝒩(0, I); the KL term in closed form.
            case normal
            /// A learnable mixture of `priorComponents` diagonal Gaussians.
            case mog
        }

        public var inputSize = 784
        /// Side of the square image (conv networks only; `inputSize` must be its square).
        public var imageSide = 28
        /// Hidden layer sizes of the MLP encoder (the decoder uses them reversed).
        public var hidden = [400]
        public var latentSize = 20
        public var network = Network.mlp
        public var likelihood = Likelihood.bernoulli
        /// σ of the Gaussian decoder. 0.1 weights squared error by 50, so reconstruction still
        /// dominates the KL term on [0, 1] pixels (with σ = 1 the codes collapse onto the prior).
        public var gaussianStd: Float = 0.1
        /// Weight of the KL term in the training objective (the reported ELBO always uses 1).
        public var beta: Float = 1
        /// Epochs over which the KL weight rises linearly from 0 to `beta` (0: no warm-up).
        public var warmupEpochs = 0
        public var prior = Prior.normal
        public var priorComponents = 10
        public var seed: UInt64 = 1

        public init() {}
        /// The MLP VAE `inputSize`-`hidden`-`latentSize`.
        public init(inputSize: Int = 784, hidden: [Int] = [400], latentSize: Int) {
            self.inputSize = inputSize
            self.hidden = hidden
            self.latentSize = latentSize
        }

        /// Rejects settings that cannot make a model; each message names the value.
        public func validate() throws(ModelError) {
            if inputSize < 1 { throw .invalidConfig("input size must be positive, got \(inputSize)") }
            if latentSize < 1 { throw .invalidConfig("latent size must be positive, got \(latentSize)") }
            if let h = hidden.first(where: { $0 < 1 }) { throw .invalidConfig("hidden layer sizes must be positive, got \(h)") }
            if network == .mlp && hidden.isEmpty { throw .invalidConfig("an MLP VAE needs at least one hidden layer") }
            // Checked for overflow: a side read from a file must not trap.
            let square = imageSide.multipliedReportingOverflow(by: imageSide)
            if network == .conv && (square.overflow || square.partialValue != inputSize || imageSide % 4 != 0 || imageSide < 4) {
                throw .invalidConfig("a conv VAE needs square images with a side divisible by 4, got \(inputSize) inputs and side \(imageSide)")
            }
            if !(beta >= 0) || !beta.isFinite { throw .invalidConfig("beta must be a finite number ≥ 0, got \(beta)") }
            if warmupEpochs < 0 { throw .invalidConfig("warm-up epochs must be ≥ 0, got \(warmupEpochs)") }
            if !(gaussianStd > 0) || !gaussianStd.isFinite { throw .invalidConfig("the Gaussian decoder's σ must be positive, got \(gaussianStd)") }
            if prior == .mog && priorComponents < 1 { throw .invalidConfig("a mixture prior needs at least 1 component, got \(priorComponents)") }
        }

        /// A one-line description, e.g. "MLP VAE 784-400-(20)-400-784, Bernoulli decoder, N(0, I) prior".
        public var summary: String {
            let shape = network == .mlp
                ? ([inputSize] + hidden).map(String.init).joined(separator: "-") + "-(\(latentSize))-"
                    + (hidden.reversed() + [inputSize]).map(String.init).joined(separator: "-")
                : "\(imageSide)×\(imageSide) → (\(latentSize))"
            let prior = prior == .normal ? "N(0, I) prior" : "\(priorComponents)-component Gaussian mixture prior"
            return "\(network == .mlp ? "MLP" : "Conv") VAE \(shape), \(likelihood.rawValue) decoder, \(prior)"
                + (beta == 1 ? "" : ", β = \(beta)")
        }
    }

    public let config: Config
    public let encoder: Sequential
    public let mu: Linear
    public let logvar: Linear
    public let decoder: Sequential
    public let mixture: GaussianMixturePrior?
    /// The stream the training noise ε is drawn from.
    public var rng: RandomGenerator

    /// A freshly initialised VAE (weights from `config.seed`).
    public init(_ config: Config) throws(ModelError) {
        try config.validate()
        self.config = config
        var weights = RandomGenerator(seed: config.seed)
        let features: Int
        switch config.network {
        case .mlp:
            encoder = Sequential(MLP.layers([config.inputSize] + config.hidden, activateLast: true, activation: { ReLU() },
                                            rng: &weights))
            features = config.hidden.last ?? config.inputSize
        case .conv:
            let s = config.imageSide
            encoder = Sequential {
                Reshape([1, s, s])
                Conv2d(1, 32, kernelSize: 3, stride: 2, padding: 1, rng: &weights); ReLU()
                Conv2d(32, 64, kernelSize: 3, stride: 2, padding: 1, rng: &weights); ReLU()
                Flatten()
            }
            features = 64 * (s / 4) * (s / 4)
        }
        mu = Linear(features, config.latentSize, rng: &weights)
        logvar = Linear(features, config.latentSize, rng: &weights)
        switch config.network {
        case .mlp:
            decoder = Sequential(MLP.layers([config.latentSize] + config.hidden.reversed() + [config.inputSize],
                                            activation: { ReLU() }, rng: &weights))
        case .conv:
            let q = config.imageSide / 4
            decoder = Sequential {
                Linear(config.latentSize, 64 * q * q, rng: &weights); ReLU()
                Reshape([64, q, q])
                ConvTranspose2d(64, 32, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, rng: &weights); ReLU()
                ConvTranspose2d(32, 1, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, rng: &weights)
                Flatten()
            }
        }
        mixture = config.prior == .mog
            ? GaussianMixturePrior(components: config.priorComponents, latentSize: config.latentSize, rng: &weights) : nil
        rng = RandomGenerator(seed: config.seed &+ 0x9E37_79B9_7F4A_7C15)
    }

    /// Latent dimension D.
    public var latentSize: Int { config.latentSize }

    // MARK: The model's pieces

    /// μ and log σ² of q(z | x) for the rows of `x` `[N, inputSize]`.
    public func posterior(_ x: Variable) -> (mean: Variable, logVariance: Variable) {
        let h = encoder(x)
        return (mu(h), logvar(h))
    }

    /// The decoder's output for codes `z` `[N, D]`: logits (Bernoulli) or pre-sigmoid means (Gaussian).
    public func decoderOutput(_ z: Variable) -> Variable { decoder(z) }

    /// z = μ + exp(½ log σ²) ⊙ ε with ε drawn from `rng`; returns z and ε.
    public func reparameterize(mean: Variable, logVariance: Variable,
                               using rng: inout RandomGenerator) -> (z: Variable, noise: Tensor) {
        let d = mean.shape[1]
        let eps = ExampleShard.draw(rows: mean.shape[0]) { Tensor.normal([$0, d], using: &rng) }
        return (mean + (logVariance * 0.5).exp() * Variable(eps), eps)
    }

    /// −log p(x | z) summed over pixels, averaged over the batch.
    public func reconstructionTerm(_ output: Variable, target x: Tensor) -> Variable {
        switch config.likelihood {
        case .bernoulli:
            return output.binaryCrossEntropyWithLogits(x, reduction: .batchMean)
        case .gaussian:
            let s = config.gaussianStd
            return output.sigmoid().mseLoss(x, reduction: .batchMean) * (1 / (2 * s * s)) + gaussianConstant
        }
    }

    /// ½ D log(2πσ²): the part of the Gaussian decoder's −log p(x | z) that does not depend on z.
    var gaussianConstant: Float {
        0.5 * Float(config.inputSize) * logf(2 * Float.pi * config.gaussianStd * config.gaussianStd)
    }

    /// KL(q(z | x) ‖ p(z)) averaged over the batch: closed form for 𝒩(0, I), otherwise the
    /// one-sample estimate log q(z | x) − log p(z) at the drawn `z` (whose noise is `noise`).
    public func klTerm(mean: Variable, logVariance: Variable, z: Variable, noise: Tensor) -> Variable {
        let n = Float(mean.shape[0])
        guard let mixture else {
            return ((logVariance + 1) - mean.square() - logVariance.exp()).sum() * (-0.5 / n)
        }
        // log q(z | x) with z − μ = σ ε substituted: −½ Σ (log 2π + log σ² + ε²). The substitution
        // keeps the pathwise gradient exact, since z is that function of μ and σ.
        let d = Float(mean.shape[1])
        let logQ = logVariance.sum() * -0.5 - 0.5 * (noise.map { $0 * $0 }.sum() + n * d * logf(2 * Float.pi))
        return (logQ - mixture.logDensity(z).sum()) * (1 / n)
    }

    /// The two terms of the negative ELBO of a batch, each averaged over its rows, with the
    /// noise drawn from `rng`. The training objective is `reconstruction + β · kl`.
    public func elboTerms(_ x: Tensor, using rng: inout RandomGenerator) -> (reconstruction: Variable, kl: Variable) {
        let (m, lv) = posterior(Variable(x))
        let (z, eps) = reparameterize(mean: m, logVariance: lv, using: &rng)
        return (reconstructionTerm(decoderOutput(z), target: x), klTerm(mean: m, logVariance: lv, z: z, noise: eps))
    }

    /// `elboTerms` with the model's own noise stream (training).
    public func elboTerms(_ x: Tensor) -> (reconstruction: Variable, kl: Variable) {
        var r = rng
        defer { rng = r }
        return elboTerms(x, using: &r)
    }

    // MARK: Evaluation

    /// The mean reconstruction term, KL term and negative ELBO (their sum), in nats per example.
    public struct ELBOFigures: Sendable, Equatable {
        public var reconstruction: Double
        public var kl: Double
        public var negativeELBO: Double { reconstruction + kl }
    }

    /// The negative ELBO of `data` `[N, inputSize]` with one code drawn per example from a
    /// generator seeded with `seed` (so every evaluation of the same model gives the same figure).
    public func evaluate(_ data: Tensor, seed: UInt64 = 7, batchSize: Int = 1000) -> ELBOFigures {
        var r = RandomGenerator(seed: seed)
        var rec = 0.0, kl = 0.0
        let n = data.shape[0]
        withEvaluation {
            for start in stride(from: 0, to: n, by: batchSize) {
                let rows = data.rows(start..<Swift.min(start + batchSize, n))
                let t = elboTerms(rows, using: &r)
                rec += Double(t.reconstruction.value.scalar) * Double(rows.shape[0])
                kl += Double(t.kl.value.scalar) * Double(rows.shape[0])
            }
        }
        return ELBOFigures(reconstruction: rec / Double(Swift.max(n, 1)), kl: kl / Double(Swift.max(n, 1)))
    }

    /// The importance-weighted estimate of −log p(x) (Burda et al., 2016), averaged over the rows
    /// of `data`:
    ///
    ///     −log (1/k) Σᵢ p(x | zᵢ) p(zᵢ) / q(zᵢ | x),   zᵢ ~ q(z | x).
    ///
    /// It is never above the negative ELBO in expectation and tightens as k grows. The log weights
    /// are combined with a log-sum-exp in double precision, since with 784 pixels they differ by
    /// hundreds of nats.
    public func importanceWeightedNLL(_ data: Tensor, samples k: Int = 100, seed: UInt64 = 11) -> Double {
        precondition(k >= 1, "importanceWeightedNLL: need at least one sample, got \(k)")
        var r = RandomGenerator(seed: seed)
        let n = data.shape[0], d = latentSize
        // About 5,000 decoded rows at a time: large GEMMs, bounded memory.
        let perBatch = Swift.max(1, 5000 / k)
        var total = 0.0
        withEvaluation {
            for start in stride(from: 0, to: n, by: perBatch) {
                let x = data.rows(start..<Swift.min(start + perBatch, n))
                let b = x.shape[0], rows = b * k
                let (m, lv) = posterior(Variable(x))
                let eps = Tensor.normal([rows, d], using: &r)
                let z = Tensor(uninitializedShape: [rows, d])
                var logQMinusLogP = [Double](repeating: 0, count: rows)
                let pm = m.value.unsafeBaseAddress, pv = lv.value.unsafeBaseAddress
                let pe = eps.unsafeBaseAddress, pz = z.unsafeBaseAddress
                for row in 0..<rows {
                    let src = (row / k) * d
                    var logQ = 0.0, logP = 0.0
                    for j in 0..<d {
                        let e = pe[row * d + j], v = pv[src + j]
                        let zj = pm[src + j] + expf(0.5 * v) * e
                        pz[row * d + j] = zj
                        logQ -= 0.5 * (Double(v) + Double(e) * Double(e))
                        logP -= 0.5 * Double(zj) * Double(zj)
                    }
                    // The ½ log 2π per dimension cancels between q and the normal prior.
                    logQMinusLogP[row] = mixture == nil ? logQ - logP : logQ - 0.5 * Double(d) * log(2 * Double.pi)
                }
                if let mixture {
                    let logPrior = mixture.logDensity(Variable(z)).value
                    for row in 0..<rows { logQMinusLogP[row] -= Double(logPrior.unsafeBaseAddress[row]) }
                }
                let logLikelihood = rowLogLikelihoods(decoderOutput(Variable(z)).value, targets: x, repeats: k)
                for i in 0..<b {
                    var best = -Double.infinity
                    var w = [Double](repeating: 0, count: k)
                    for s in 0..<k {
                        w[s] = logLikelihood[i * k + s] - logQMinusLogP[i * k + s]
                        best = Swift.max(best, w[s])
                    }
                    let lse = best + log(w.reduce(0) { $0 + exp($1 - best) })
                    total += -(lse - log(Double(k)))
                }
            }
        }
        return total / Double(Swift.max(n, 1))
    }

    /// log p(x | z) of each decoded row, where row r is compared with target row r / `repeats`;
    /// per-pixel terms in Float, each row's sum in Double.
    func rowLogLikelihoods(_ output: Tensor, targets: Tensor, repeats: Int) -> [Double] {
        let rows = output.shape[0], width = output.shape[1]
        var result = [Double](repeating: 0, count: rows)
        let po = output.unsafeBaseAddress, pt = targets.unsafeBaseAddress
        let bernoulli = config.likelihood == .bernoulli
        let scale = 1 / (2 * Double(config.gaussianStd) * Double(config.gaussianStd)), constant = Double(gaussianConstant)
        result.withUnsafeMutableBufferPointer { out in
            let out = out.baseAddress!
            parallelFor(rows, minChunk: 8) { range in
                for r in range {
                    let o = po + r * width, t = pt + (r / repeats) * width
                    var s = 0.0
                    if bernoulli {
                        for j in 0..<width {
                            let z = o[j]
                            s += Double(Swift.max(z, 0) - z * t[j] + log1pf(expf(-Swift.abs(z))))
                        }
                        out[r] = -s
                    } else {
                        for j in 0..<width {
                            let e = stableSigmoid(o[j]) - t[j]
                            s += Double(e * e)
                        }
                        out[r] = -(s * scale + constant)
                    }
                }
            }
        }
        return result
    }

    /// Active units (Burda et al., 2016): the latent dimensions whose posterior mean varies across
    /// `data`, Var_x(E_q[z_u]) > `threshold`; returns the count and every dimension's variance.
    public func activeUnits(_ data: Tensor, threshold: Double = 0.01) -> (count: Int, variances: [Double]) {
        let means = encode(data)
        let n = means.shape[0], d = means.shape[1]
        var sum = [Double](repeating: 0, count: d), sq = [Double](repeating: 0, count: d)
        let p = means.unsafeBaseAddress
        for i in 0..<n {
            for j in 0..<d {
                let v = Double(p[i * d + j])
                sum[j] += v
                sq[j] += v * v
            }
        }
        let variances = (0..<d).map { j in Swift.max(0, sq[j] / Double(n) - (sum[j] / Double(n)) * (sum[j] / Double(n))) }
        return (variances.filter { $0 > threshold }.count, variances)
    }
}
