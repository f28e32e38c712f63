import LatentNN
import LatentTensor

/// An L∞ adversarial attack on a classifier: inputs moved within ε of themselves (and within
/// the pixel range) to raise the classifier's loss on their labels, or to lower it on a target.
///
/// The gradient is taken with respect to the input only (`valueAndGrad(model, parameters: [])`),
/// so the model's weights get no backward work. The model runs in whatever mode it is in: an
/// attack on a trained model (`latent attack`) runs in evaluation mode; adversarial training
/// attacks the model as it trains, as Madry et al. and Wong et al. do.
///
/// ```swift
/// let attack = try Attack(AttackConfig(method: .pgd, epsilon: 0.3, steps: 40, stepSize: 0.01))
/// var rng = RandomGenerator(seed: 1)
/// let adversarial = attack.perturb(model, inputs: images, labels: labels, rng: &rng)
/// ```
public struct Attack: Sendable {
    public let config: AttackConfig

    public init(_ config: AttackConfig) throws(ModelError) {
        try config.validate()
        self.config = config
    }

    /// The adversarial versions of `inputs` (`[N, features]`, one batch) for `labels`. Random
    /// starts draw from `rng` (inside a data-parallel step, the noise a single process would draw
    /// for this shard's rows).
    public func perturb(_ model: any LabelPredictor, inputs: Tensor, labels: [Int], rng: inout RandomGenerator) -> Tensor {
        let n = inputs.shape[0]
        guard config.epsilon > 0, n > 0 else { return inputs }
        let goal = config.target.map { [Int](repeating: $0, count: n) } ?? labels
        var best = inputs
        var bestScore: [AttackScore] = []
        for _ in 0..<config.restarts {
            var x = config.randomStart ? randomStart(inputs, rng: &rng) : inputs
            for _ in 0..<config.steps {
                let gradient = inputGradient(model, x, goal: goal)
                x = signedStep(x, gradient: gradient, origin: inputs)
            }
            guard config.restarts > 1 else { return x }
            // Each example keeps the restart that fooled the model, or else the one of highest loss.
            let score = scores(model, x, labels: labels)
            if bestScore.isEmpty {
                best = x
                bestScore = score
                continue
            }
            let d = inputs.shape[1]
            best.withUnsafeMutableBufferPointer { keep in
                x.withUnsafeBufferPointer { candidate in
                    for i in 0..<n where score[i] > bestScore[i] {
                        for j in 0..<d { keep[i * d + j] = candidate[i * d + j] }
                        bestScore[i] = score[i]
                    }
                }
            }
        }
        return best
    }

    /// The gradient of the summed cross-entropy on `goal` with respect to `x` (summed, so each
    /// example's gradient does not depend on the batch size).
    func inputGradient(_ model: any LabelPredictor, _ x: Tensor, goal: [Int]) -> Tensor {
        let input = Variable(x)
        let (_, gradients) = valueAndGrad(model, parameters: [], inputs: [input]) {
            model(input).softmaxCrossEntropy(labels: goal, reduction: .sum)
        }
        return gradients.inputs[0] ?? Tensor(shape: x.shape)
    }

    /// A uniform point of the ball around each input, clipped to the pixel range.
    func randomStart(_ inputs: Tensor, rng: inout RandomGenerator) -> Tensor {
        let (n, d) = (inputs.shape[0], inputs.shape[1])
        let eps = config.epsilon
        let noise = ExampleShard.draw(rows: n) { rows in Tensor.uniform([rows, d], low: -eps, high: eps, using: &rng) }
        var x = inputs + noise
        x.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] = Swift.min(Swift.max(p[i], config.lower), config.upper) }
        }
        return x
    }

    /// One signed step — up the loss, or down it towards a target — projected onto the ε-ball
    /// around `origin` and the pixel range. A zero gradient component moves nothing (sign 0, as
    /// `torch.sign`).
    func signedStep(_ x: Tensor, gradient: Tensor, origin: Tensor) -> Tensor {
        let size = (config.method == .fgsm && !config.randomStart) ? config.epsilon : config.stepSize
        let direction: Float = config.target == nil ? size : -size
        let eps = config.epsilon, lower = config.lower, upper = config.upper
        var out = Tensor(uninitializedShape: x.shape)
        out.withUnsafeMutableBufferPointer { o in
            x.withUnsafeBufferPointer { xs in
                gradient.withUnsafeBufferPointer { g in
                    origin.withUnsafeBufferPointer { x0 in
                        for i in o.indices {
                            let s: Float = g[i] > 0 ? 1 : (g[i] < 0 ? -1 : 0)
                            let moved = Swift.min(Swift.max(xs[i] + direction * s, x0[i] - eps), x0[i] + eps)
                            o[i] = Swift.min(Swift.max(moved, lower), upper)
                        }
                    }
                }
            }
        }
        return out
    }

    /// How damaging `x` is for each example.
    func scores(_ model: any LabelPredictor, _ x: Tensor, labels: [Int]) -> [AttackScore] {
        let logits = withoutGradients { model(Variable(x)).value }
        let outcome = ClassifierOutcome(logits: logits)
        return (0..<labels.count).map { i in
            if let target = config.target {
                return AttackScore(succeeded: outcome.predictions[i] == target, loss: -outcome.crossEntropy(row: i, label: target))
            }
            return AttackScore(succeeded: outcome.predictions[i] != labels[i], loss: outcome.crossEntropy(row: i, label: labels[i]))
        }
    }
}

/// How damaging one adversarial example is: success first, then loss.
struct AttackScore: Comparable {
    var succeeded: Bool
    var loss: Float

    static func < (a: AttackScore, b: AttackScore) -> Bool {
        a.succeeded != b.succeeded ? !a.succeeded : a.loss < b.loss
    }
}
