import Foundation
import LatentNN
import LatentTensor

/// How the pixels are optimised.
public enum PixelOptimizer: String, Codable, CaseIterable, Sendable {
    /// L-BFGS with a strong-Wolfe line search (Gatys et al.'s choice): few, well-aimed steps,
    /// each one or more evaluations.
    case lbfgs
    /// Adam: one evaluation per step.
    case adam
}

/// One step of a pixel optimisation, as recorded in `metrics.json`.
public struct PixelStep: Codable, Sendable {
    /// 1-based step number.
    public var step: Int
    /// The weighted loss and its unweighted parts, at the image the step ended on (L-BFGS) or
    /// started from (Adam, which evaluates then moves).
    public var total: Float, style: Float, content: Float, tv: Float
    /// Objective evaluations this step used.
    public var evaluations: Int
    /// Seconds since the optimisation started.
    public var seconds: Double
}

/// Optimises an image, not weights: the pixels are the parameters, the feature network is fixed.
///
/// The image is x = σ(u) with u unconstrained, so every value stays in (0, 1) without clamping
/// (which would break L-BFGS's curvature pairs, since a clamped step is not the step it took)
/// and the losses reported are those of a valid image. A start image is mapped back through
/// the logit, clipped to [0.001, 0.999].
public final class PixelOptimization {
    public let objective: TextureObjective
    /// u, the unconstrained pixels `[1, 3, H, W]`.
    public let logits: Variable

    public init(objective: TextureObjective, start: Tensor) {
        self.objective = objective
        logits = Variable(start.map { v in
            let p = Swift.min(Swift.max(v, 0.001), 0.999)
            return Foundation.log(p / (1 - p))
        })
    }

    /// The current image σ(u), `[1, 3, H, W]`.
    public var image: Tensor { logits.value.map { stableSigmoid($0) } }

    /// Loss, parts and gradient with respect to u at the current pixels.
    private func evaluate() -> (TextureObjective.Terms, Tensor) {
        var terms: TextureObjective.Terms?
        let (_, g) = valueAndGrad(parameters: [("image", logits)]) {
            let t = objective.evaluate(logits.sigmoid())
            terms = t
            return t.total
        }
        // The image always reaches the loss, so its gradient exists.
        return (terms!, g["image"] ?? Tensor(shape: logits.shape))
    }

    /// Runs `steps` steps of `optimizer` (Adam's step size `learningRate` in logit units),
    /// calling `onStep` after each. Stops early if the loss stops being finite or L-BFGS
    /// converges.
    public func run(steps: Int, optimizer: PixelOptimizer, learningRate: Float = 0.1, historySize: Int = 10,
                    onStep: (PixelStep) -> Void = { _ in }) throws -> [PixelStep] {
        let started = Date()
        var records: [PixelStep] = []
        switch optimizer {
        case .lbfgs:
            let lbfgs = try LBFGS(historySize: historySize, gradientTolerance: 0)
            var evaluated: [(value: Float, terms: TextureObjective.Terms)] = []
            for step in 1...steps {
                evaluated.removeAll(keepingCapacity: true)
                let result = try lbfgs.step([logits]) {
                    let (terms, g) = evaluate()
                    let value = terms.total.value.scalar
                    evaluated.append((value, terms))
                    return (value, [g])
                }
                // The terms of the point the step ended on (the line search may end on an
                // earlier trial than its last).
                let terms = evaluated.last { $0.value == result.value }?.terms
                let record = PixelStep(step: step, total: result.value, style: terms?.style ?? .nan,
                                       content: terms?.content ?? .nan, tv: terms?.tv ?? .nan,
                                       evaluations: result.evaluations, seconds: Date().timeIntervalSince(started))
                records.append(record)
                onStep(record)
                if result.converged || !result.value.isFinite { break }
            }
        case .adam:
            let adam = try Adam(learningRate: learningRate)
            for step in 1...steps {
                let (terms, g) = evaluate()
                let value = terms.total.value.scalar
                adam.update(Gradients(parameters: [.init(name: "image", parameter: logits, gradient: g)]))
                let record = PixelStep(step: step, total: value, style: terms.style, content: terms.content, tv: terms.tv,
                                       evaluations: 1, seconds: Date().timeIntervalSince(started))
                records.append(record)
                onStep(record)
                if !value.isFinite { break }
            }
        }
        return records
    }
}
