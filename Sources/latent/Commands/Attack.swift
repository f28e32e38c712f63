import ArgumentParser
import Foundation
import Latent

/// `latent attack MODEL`: adversarial examples against a saved classifier.
struct AttackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attack",
        abstract: "Attack a saved classifier with adversarial examples (FGSM or PGD) on the MNIST test images.",
        discussion: """
            Moves each test image within an L∞ ball of radius --epsilon to change the classifier's \
            answer, and reports the accuracy under attack for each radius. Writes into --out: \
            metrics.json, adversarial-examples.png (original, perturbation, adversarial image, \
            with answers and confidences), attack-curve.png (for several radii) and, with \
            --save-examples, the adversarial images as .npy.
            """)

    @Argument(help: ArgumentHelp("A classifier's model.safetensors (an MLP, a conv classifier or an encoder with a head).", valueName: "model"))
    var model: String

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions

    @Option(help: "fgsm (one signed step of ε; Goodfellow et al.) or pgd (projected signed steps from a random start; Madry et al.).")
    var method: AttackMethod = .fgsm

    @Option(help: ArgumentHelp("L∞ radius in pixel units ([0, 1]); several, comma-separated, give a curve.", valueName: "radii"))
    var epsilon = ListArgument<Float>([0.25])

    @Option(help: "PGD steps.")
    var steps = 40

    @Option(help: ArgumentHelp("PGD step size (default: 2.5·ε/steps); with --random-start, FGSM's step (default: 1.25·ε).", valueName: "size"))
    var stepSize: Float?

    @Option(help: "PGD random restarts; each image keeps the most damaging.")
    var restarts = 1

    @Flag(inversion: .prefixedNo, help: "Start from a uniform point of the ball (default: on for pgd, off for fgsm).")
    var randomStart: Bool?

    @Option(help: ArgumentHelp("Targeted attack: push every image towards this class.", valueName: "class"))
    var target: Int?

    @Flag(help: "Write the adversarial images (adversarial-eps<ε>.npy) and labels.npy.")
    var saveExamples = false

    @Option(help: ArgumentHelp("Output folder (default: attack-<time> beside the model).", valueName: "dir"))
    var out: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if let bad = epsilon.values.first(where: { !($0.isFinite && $0 >= 0 && $0 <= 1) }) {
            throw ValidationError("--epsilon must be in [0, 1] (pixel units), got \(bad).")
        }
        if epsilon.values.count > 100 { throw ValidationError("--epsilon: at most 100 radii, got \(epsilon.values.count).") }
        if !(1...10_000).contains(steps) { throw ValidationError("--steps must be in 1...10000, got \(steps).") }
        if let a = stepSize, !(a.isFinite && a > 0 && a <= 1) { throw ValidationError("--step-size must be in (0, 1], got \(a).") }
        if !(1...1000).contains(restarts) { throw ValidationError("--restarts must be in 1...1000, got \(restarts).") }
        if let t = target, t < 0 { throw ValidationError("--target must be a class index ≥ 0, got \(t).") }
        if method == .fgsm && restarts > 1 && randomStart != true {
            throw ValidationError("--restarts needs a random start (--random-start) to differ between restarts.")
        }
    }

    func run() throws {
        compute.apply()
        let progress = ProgressLine(quiet: quiet)
        let first = epsilon.values[0]
        let attack = AttackConfig(method: method, epsilon: first, steps: steps, stepSize: stepSize, restarts: restarts,
                                  randomStart: randomStart, target: target)
        let settings = AttackSettings(model: model, data: dataOptions.source, attack: attack, epsilons: epsilon.values,
                                      seed: compute.seed, saveExamples: saveExamples)
        let report = try AttackExperiment.run(settings, out: out, log: progress.log)
        print(summaryTable(report.summary))
    }
}

extension AttackMethod: ExpressibleByArgument {}
