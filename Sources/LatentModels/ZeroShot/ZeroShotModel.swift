#if canImport(Glibc)
import Glibc
#endif
import LatentIO
import LatentNN
import LatentTensor

/// A classifier for classes it never saw, through their signatures (`ClassSignatures`): it
/// learns, on the seen classes, how image features relate to signatures, then scores any class
/// by its signature.
///
/// - `dap`, direct attribute prediction (Lampert, Nickisch & Harmeling 2009): one logistic
///   regression per attribute on the features; a class's score is the log-probability of its
///   attribute pattern, p(a = a_c | x), over the pattern's prior (attributes assumed independent).
///   Needs attributes in [0, 1] (fractions are soft targets).
/// - `eszsl` (Romera-Paredes & Torr 2015): a bilinear compatibility x V s_c, V in closed form,
///   V = (XᵀX + γI)⁻¹ XᵀY S (SᵀS + λI)⁻¹, Y the ±1 class indicators of the training examples.
/// - `devise`, DeViSE-style (Frome et al. 2013, with ridge regression instead of a rank loss):
///   a linear map from features to the signature space (word vectors of the class names),
///   W = (XᵀX + γI)⁻¹ XᵀT, a class scored by the cosine between xW and its vector.
///
/// Features are standardised (training mean and standard deviation) first; XᵀX and XᵀY are
/// divided by the number of examples, so γ does not depend on the data's size.
public final class ZeroShotModel {
    /// The way features are tied to signatures.
    public enum Method: String, Codable, Sendable, CaseIterable {
        case dap, eszsl, devise
    }

    /// How a zero-shot model is fitted.
    public struct Config: Codable, Sendable, Equatable {
        public var method = Method.eszsl
        /// Ridge on the features side, γ (ESZSL, DeViSE) or the logistic regressions' L2 weight (DAP).
        public var featureRidge: Float = 1
        /// Ridge on the signature side, λ (ESZSL).
        public var signatureRidge: Float = 1
        /// DAP: passes over the training examples, and the Adam step.
        public var epochs = 10
        public var learningRate: Float = 1e-2
        public var seed: UInt64 = 1

        public init(method: Method = .eszsl) { self.method = method }

        public func validate() throws(ZeroShotError) {
            for (name, v) in [("feature ridge", featureRidge), ("signature ridge", signatureRidge), ("learning rate", learningRate)]
                where !(v.isFinite && v > 0 && v <= 1e6) {
                throw .invalid("\(name) must be in (0, 1e6], got \(v)")
            }
            if !(1...10_000).contains(epochs) { throw .invalid("epochs must be in 1...10000, got \(epochs)") }
        }
    }

    public let config: Config
    /// Every class's signature (seen or not): the candidates `predict` may choose from.
    public let signatures: ClassSignatures
    /// The classes it was fitted on.
    public let seenClasses: [Int]
    let mean: Tensor, scale: Tensor
    /// `[features, attributes]`: V (ESZSL), W (DeViSE) or the logistic weights (DAP).
    let weights: Tensor
    /// DAP: the logistic regressions' biases and the attribute priors over the seen classes.
    let bias: Tensor?, prior: Tensor?

    /// Fits on `features` `[n, d]` with `labels` (the seen classes), using `signatures` (which
    /// must have a row for every label; it may hold more: the unseen classes).
    public init(features: Tensor, labels: [Int], signatures: ClassSignatures, config: Config = Config()) throws {
        try config.validate()
        guard features.rank == 2, features.shape[0] == labels.count, labels.count >= 2 else {
            throw ZeroShotError.invalid("need a matrix of at least 2 feature rows with one label each, got shape \(features.shape) and \(labels.count) labels")
        }
        if let bad = features.scalars.first(where: { !$0.isFinite }) { throw ZeroShotError.invalid("features hold a non-finite value (\(bad))") }
        let seen = Array(Set(labels)).sorted()
        guard seen.count >= 2 else { throw ZeroShotError.invalid("need at least 2 seen classes, got \(seen.count)") }
        let seenSignatures = try signatures.rows(for: seen)
        self.config = config
        self.signatures = signatures
        self.seenClasses = seen
        let n = Float(labels.count)
        mean = features.mean(axis: 0)
        let centred = features - mean
        scale = (centred * centred).mean(axis: 0).map { 1 / ($0.squareRoot() + 1e-6) }
        let x = centred * scale
        var position: [Int: Int] = [:]
        for (k, c) in seen.enumerated() { position[c] = k }
        let gram = x.matmul(x, transposeSelf: true) * (1 / n)
        switch config.method {
        case .eszsl:
            // Y: +1 for the example's class, −1 elsewhere.
            var indicators = [Float](repeating: -1, count: labels.count * seen.count)
            for (i, l) in labels.enumerated() { indicators[i * seen.count + (position[l] ?? 0)] = 1 }
            let y = Tensor(shape: [labels.count, seen.count], scalars: indicators)
            let xys = x.matmul(y, transposeSelf: true).matmul(seenSignatures) * (1 / n)       // [d, a]
            let left = try RidgeSolver.solve(gram, ridge: config.featureRidge, xys)             // (XᵀX + γI)⁻¹ XᵀYS
            let sts = seenSignatures.matmul(seenSignatures, transposeSelf: true)                // [a, a]
            // V = left (SᵀS + λI)⁻¹ = ((SᵀS + λI)⁻¹ leftᵀ)ᵀ, SᵀS being symmetric.
            weights = try RidgeSolver.solve(sts, ridge: config.signatureRidge, left.transposed()).transposed()
            bias = nil
            prior = nil
        case .devise:
            let targets = Self.unitRows(try signatures.rows(for: labels))
            weights = try RidgeSolver.solve(gram, ridge: config.featureRidge, x.matmul(targets, transposeSelf: true) * (1 / n))
            bias = nil
            prior = nil
        case .dap:
            if let bad = signatures.values.scalars.first(where: { !(0...1).contains($0) }) {
                throw ZeroShotError.badSignatures(signatures.source, "direct attribute prediction needs attributes in [0, 1], got \(bad); use --method eszsl")
            }
            let targets = try signatures.rows(for: labels)
            let (w, b) = try Self.fitLogistic(x, targets: targets, config: config)
            weights = w
            bias = b
            prior = seenSignatures.mean(axis: 0).clamped(0.01, 0.99)
        }
    }

    /// Score of every candidate class for each row of `features`: `[n, candidates.count]`.
    public func scores(_ features: Tensor, candidates: [Int]) throws(ZeroShotError) -> Tensor {
        guard features.rank == 2, features.shape[1] == mean.count else {
            throw .invalid("features of shape \(features.shape), the model was fitted on \(mean.count) per example")
        }
        let s = try signatures.rows(for: candidates)
        let projected = ((features - mean) * scale).matmul(weights)                              // [n, a]
        switch config.method {
        case .eszsl:
            return projected.matmul(s, transposeOther: true)
        case .devise:
            return Self.unitRows(projected).matmul(Self.unitRows(s), transposeOther: true)
        case .dap:
            // log p(a_c | x) − log p(a_c) = Σ_m a_cm (log p_m − log π_m) + (1 − a_cm)(log(1 − p_m) − log(1 − π_m)).
            let p = (projected + (bias ?? Tensor(shape: [weights.shape[1]]))).map { stableSigmoid($0) }.clamped(1e-4, 1 - 1e-4)
            let pi = prior ?? Tensor(shape: [weights.shape[1]], repeating: 0.5)
            let onGain = p.map { logf($0) } - pi.map { logf($0) }
            let offGain = p.map { logf(1 - $0) } - pi.map { logf(1 - $0) }
            return onGain.matmul(s, transposeOther: true) + offGain.matmul(1 - s, transposeOther: true)
        }
    }

    /// The best-scoring candidate class of each row of `features`.
    public func predict(_ features: Tensor, candidates: [Int]) throws(ZeroShotError) -> [Int] {
        try scores(features, candidates: candidates).argmax(axis: 1).map { candidates[$0] }
    }

    /// Rows scaled to unit length (zero rows stay zero).
    static func unitRows(_ t: Tensor) -> Tensor {
        let norms = (t * t).sum(axis: 1, keepDims: true).map { $0 > 0 ? 1 / $0.squareRoot() : 0 }
        return t * norms
    }

    /// One logistic regression per target column, trained together with Adam on mini-batches
    /// through the training loop, L2 weight `featureRidge / n`.
    static func fitLogistic(_ x: Tensor, targets: Tensor, config: Config) throws -> (Tensor, Tensor) {
        var rng = RandomGenerator(seed: config.seed)
        let layer = Linear(x.shape[1], targets.shape[1], rng: &rng)
        var training = TrainingConfig()
        training.epochs = config.epochs
        training.batchSize = 256
        training.learningRate = config.learningRate
        training.seed = config.seed
        let loop = try TrainingLoop(epochs: config.epochs, batchSize: training.batchSize, seed: config.seed,
                                    runDirectory: nil, settings: training)
        let optimizer = try training.makeOptimizer()
        loop.register(layer)
        loop.register(optimizer)
        let decay = config.featureRidge / Float(x.shape[0])
        // A dataset holds one input matrix and integer labels: the soft targets ride along as
        // extra columns and are split off in each batch.
        let data = Dataset(inputs: Tensor.concat([x, targets], axis: 1))
        let d = x.shape[1]
        try loop.run(data) { step in
            let batch = step.batch.inputs
            let inputs = batch.slice(axis: 1, 0..<d), wanted = batch.slice(axis: 1, d..<batch.shape[1])
            let loss = optimizer.minimize(layer) {
                layer(Variable(inputs)).binaryCrossEntropyWithLogits(wanted) + (layer.weight * layer.weight).sum() * decay
            }
            return ["train_loss": Double(loss)]
        }
        return (layer.weight.value.transposed(), layer.bias?.value ?? Tensor(shape: [targets.shape[1]]))
    }
}
