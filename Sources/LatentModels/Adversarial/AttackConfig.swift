import Foundation
import LatentNN

/// How an adversarial example is searched for, within an L∞ ball of radius ε around the input.
public enum AttackMethod: String, Codable, Sendable, CaseIterable {
    /// The fast gradient sign method (Goodfellow, Shlens & Szegedy 2014): one step of size ε
    /// along the sign of the loss gradient. With a random start (Wong, Rice & Kolter 2020), one
    /// step of `stepSize` from a uniform point of the ball.
    case fgsm
    /// Projected gradient descent (Madry et al. 2018): `steps` signed steps of `stepSize`, each
    /// projected back onto the ball, from a random start, best of `restarts`.
    case pgd
}

/// An L∞ attack: the method, the radius ε and the search's settings. Pixels stay in `lower ...
/// upper` (the data's range: [0, 1] for Latent's images).
public struct AttackConfig: Codable, Sendable, Equatable {
    public var method: AttackMethod
    /// Radius of the L∞ ball.
    public var epsilon: Float
    /// Signed gradient steps (PGD; FGSM takes one).
    public var steps: Int
    /// Size of each step (PGD, and FGSM with a random start; plain FGSM steps by ε).
    public var stepSize: Float
    /// Independent random starts; each example keeps the most damaging result.
    public var restarts: Int
    /// Start from a uniform point of the ball instead of the input itself.
    public var randomStart: Bool
    /// A targeted attack: push every example towards this class instead of away from its label.
    public var target: Int?
    public var lower: Float = 0
    public var upper: Float = 1

    public init(method: AttackMethod, epsilon: Float, steps: Int? = nil, stepSize: Float? = nil, restarts: Int = 1,
                randomStart: Bool? = nil, target: Int? = nil) {
        self.method = method
        self.epsilon = epsilon
        switch method {
        case .fgsm:
            self.steps = 1
            self.randomStart = randomStart ?? false
            // Wong et al.'s step for FGSM from a random start is 1.25 ε; without one, ε.
            self.stepSize = stepSize ?? (self.randomStart ? 1.25 * epsilon : epsilon)
        case .pgd:
            self.steps = steps ?? 40
            self.randomStart = randomStart ?? true
            self.stepSize = stepSize ?? Swift.max(epsilon * 2.5 / Float(self.steps), 1e-6)
        }
        self.restarts = restarts
        self.target = target
    }

    /// Refuses settings that are not an attack (`classes`: the model's, for the target).
    public func validate(classes: Int? = nil) throws(ModelError) {
        if !(epsilon.isFinite && epsilon >= 0) { throw .invalidConfig("epsilon must be a finite number ≥ 0, got \(epsilon)") }
        if !(stepSize.isFinite && stepSize > 0) && epsilon > 0 {
            throw .invalidConfig("the step size must be a finite number > 0, got \(stepSize)")
        }
        if !(1...10_000).contains(steps) { throw .invalidConfig("steps must be in 1...10000, got \(steps)") }
        if !(1...1_000).contains(restarts) { throw .invalidConfig("restarts must be in 1...1000, got \(restarts)") }
        if !(lower.isFinite && upper.isFinite && lower < upper) {
            throw .invalidConfig("the pixel range must be finite with lower < upper, got \(lower)...\(upper)")
        }
        if let target {
            if target < 0 { throw .invalidConfig("the target class must be ≥ 0, got \(target)") }
            if let classes, target >= classes { throw .invalidConfig("the target class \(target) is not one of the model's \(classes) classes") }
        }
    }

    /// The same attack at another radius (the step size scales with it when it was derived from ε).
    public func with(epsilon newEpsilon: Float) -> AttackConfig {
        var copy = self
        copy.epsilon = newEpsilon
        if epsilon > 0 { copy.stepSize = stepSize * newEpsilon / epsilon }
        return copy
    }

    /// The attack in a few words: "PGD-40 (step 0.01, random start, 1 restart), ε = 0.3".
    public var summary: String {
        let radius = "ε = \(formatted(epsilon))"
        let targeted = target.map { ", towards class \($0)" } ?? ""
        switch method {
        case .fgsm:
            return (randomStart ? "FGSM from a random start (step \(formatted(stepSize)))" : "FGSM") + ", \(radius)\(targeted)"
        case .pgd:
            return "PGD-\(steps) (step \(formatted(stepSize))\(randomStart ? ", random start" : "")"
                + (restarts > 1 ? ", \(restarts) restarts" : "") + "), \(radius)\(targeted)"
        }
    }

    private func formatted(_ x: Float) -> String { Self.radius(Double(x)) }

    /// A radius or step as people write it: at most four decimals, no trailing zeros ("0.3").
    public static func radius(_ x: Double) -> String {
        var s = String(format: "%.4f", x)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
