#if canImport(Glibc)
import Glibc
#endif

/// How the learning rate moves over training.
public enum LearningRateSchedule: String, Sendable, Codable, CaseIterable {
    /// The base rate throughout.
    case constant
    /// Cosine decay from the base rate to zero over all steps (Loshchilov & Hutter, 2017).
    case cosine
    /// μ₀ / (1 + 10 p)^0.75 at progress p ∈ [0, 1]: the annealing of domain-adversarial training
    /// (Ganin & Lempitsky, 2015), ending at 0.17 of the base rate.
    case annealed

    /// The rate at `step` (0-based) of `totalSteps`.
    public func rate(base: Float, step: Int, totalSteps: Int) -> Float {
        switch self {
        case .constant: return base
        case .cosine:
            let progress = Float(step) / Float(Swift.max(totalSteps, 1))
            return base * 0.5 * (1 + cosf(Float.pi * Swift.min(progress, 1)))
        case .annealed:
            let progress = Float(step) / Float(Swift.max(totalSteps, 1))
            return base / powf(1 + 10 * Swift.min(progress, 1), 0.75)
        }
    }
}
