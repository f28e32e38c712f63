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
    /// A single triangle: linear warm-up from 0 to the base rate over the first 40 % of the
    /// steps, then linear decay back to 0 (Smith's one-cycle policy with linear phases; the
    /// schedule of Wong, Rice & Kolter's fast adversarial training). Like PyTorch's `OneCycleLR`
    /// with `anneal_strategy="linear"`, `pct_start=0.4`, starting and ending at zero.
    case oneCycle = "one-cycle"

    /// The share of the steps spent warming up under `oneCycle`.
    public static let oneCyclePeak: Float = 0.4

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
        case .oneCycle:
            // Steps are counted from 1 so the first update does not run at a rate of exactly 0.
            let progress = Swift.min(Float(step + 1) / Float(Swift.max(totalSteps, 1)), 1)
            let peak = Self.oneCyclePeak
            return base * (progress <= peak ? progress / peak : (1 - progress) / (1 - peak))
        }
    }
}
