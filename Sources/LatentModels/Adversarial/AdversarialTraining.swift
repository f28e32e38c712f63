import LatentNN
import LatentTensor

/// Training a classifier on adversarial examples of its own, made afresh for every batch.
///
/// Three recipes, by `AdversarialTraining.Recipe`:
/// - `fgsm`: Goodfellow, Shlens & Szegedy (2014), the loss ½·CE(x) + ½·CE(FGSM(x));
/// - `fgsmRandomStart`: Wong, Rice & Kolter (2020), "fast is better than free": one FGSM step of
///   1.25 ε from a uniform point of the ball, training on the adversarial loss alone;
/// - `pgd`: Madry et al. (2018), PGD from a random start, training on the adversarial loss alone.
public struct AdversarialTraining: Codable, Sendable, Equatable {
    /// The published recipes.
    public enum Recipe: String, Codable, Sendable, CaseIterable {
        case fgsm
        case fgsmRandomStart = "fgsm-rs"
        case pgd
    }

    /// The attack that makes each batch's adversarial examples.
    public var attack: AttackConfig
    /// Weight of the adversarial examples' loss; the clean examples' loss gets 1 − weight.
    public var weight: Float

    public init(attack: AttackConfig, weight: Float) {
        self.attack = attack
        self.weight = weight
    }

    /// A published recipe at radius `epsilon`: `steps` and `stepSize` override PGD's (default 7
    /// steps of 2.5 ε / 7), `weight` the share of the adversarial loss.
    public init(_ recipe: Recipe, epsilon: Float, steps: Int? = nil, stepSize: Float? = nil, weight: Float? = nil) {
        switch recipe {
        case .fgsm:
            attack = AttackConfig(method: .fgsm, epsilon: epsilon, randomStart: false)
            self.weight = weight ?? 0.5
        case .fgsmRandomStart:
            attack = AttackConfig(method: .fgsm, epsilon: epsilon, stepSize: stepSize, randomStart: true)
            self.weight = weight ?? 1
        case .pgd:
            attack = AttackConfig(method: .pgd, epsilon: epsilon, steps: steps ?? 7, stepSize: stepSize, randomStart: true)
            self.weight = weight ?? 1
        }
    }

    /// Refuses settings that are not a recipe.
    public func validate() throws(ModelError) {
        try attack.validate()
        if attack.target != nil { throw .invalidConfig("adversarial training uses untargeted attacks") }
        if !(weight >= 0 && weight <= 1) { throw .invalidConfig("the adversarial loss weight must be in [0, 1], got \(weight)") }
    }

    /// The recipe in a few words.
    public var summary: String {
        attack.summary + (weight < 1 ? ", adversarial loss weight \(weight)" : "")
    }

    /// The loss of one batch: the adversarial examples of `inputs` (made with `rng`), mixed with
    /// the clean ones by `weight`. The attack runs before the loss is built, so its passes leave
    /// no trace in the gradients of the weights.
    public func loss(_ model: any LabelPredictor, inputs: Tensor, labels: [Int],
                     rng: inout RandomGenerator) throws(ModelError) -> () -> Variable {
        let adversarial = try Attack(attack).perturb(model, inputs: inputs, labels: labels, rng: &rng)
        let w = weight
        return {
            let robust = model(Variable(adversarial)).softmaxCrossEntropy(labels: labels)
            guard w < 1 else { return robust }
            return model(Variable(inputs)).softmaxCrossEntropy(labels: labels) * (1 - w) + robust * w
        }
    }
}
