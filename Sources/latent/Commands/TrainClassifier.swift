import ArgumentParser
import Foundation
import Latent

/// `latent train classifier`: an MLP on MNIST (default 784-256-10, Adam 1e-3, batch 128).
struct TrainClassifier: TrainingCommand {
    static let configuration = CommandConfiguration(
        commandName: "classifier",
        abstract: "Train a classifier (an MLP or a convolutional network) on MNIST, optionally adversarially.",
        discussion: """
            Writes into --out: model.safetensors (the weights, PyTorch names, config in metadata), \
            checkpoint.safetensors (everything needed for --resume), metrics.json and loss.png. \
            After a crash or kill, `latent train classifier --resume DIR` continues from the last \
            finished epoch and ends with the same weights as an uninterrupted run.
            """)

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var output: RunOptions

    @Option(help: "Network: mlp (fully connected) or conv (convolution blocks, then fully connected layers).")
    var arch: ClassifierArchitecture = .mlp

    @Option(help: ArgumentHelp("Hidden (fully connected) layer sizes, comma-separated (default: 256 for mlp, 128 for conv).",
                               valueName: "sizes"))
    var hidden: ListArgument<Int>?

    @Option(help: ArgumentHelp("With --arch conv: output channels of each convolution block.", valueName: "channels"))
    var convChannels = ListArgument([32, 64])

    @Option(help: "With --arch conv: square kernel of every convolution (odd sizes keep the image size).")
    var kernelSize = 3

    @Option(help: "With --arch conv: max-pooling window after each block (1: none).")
    var pool = 2

    @Option(help: ArgumentHelp("Adversarial training: fgsm (Goodfellow et al.: half clean, half FGSM loss), fgsm-rs (Wong et al.: FGSM from a random start) or pgd (Madry et al.).",
                               valueName: "recipe"))
    var adversarial: AdversarialTraining.Recipe?

    @Option(help: "With --adversarial: the attack's L∞ radius, in pixel units ([0, 1]).")
    var epsilon: Float?

    @Option(help: "With --adversarial pgd: signed gradient steps per batch (default: 7).")
    var attackSteps: Int?

    @Option(help: "With --adversarial pgd or fgsm-rs: the step size (default: 2.5·ε/steps for pgd, 1.25·ε for fgsm-rs).")
    var attackStepSize: Float?

    @Option(help: "With --adversarial: weight of the adversarial loss, the clean loss getting the rest (default: 0.5 for fgsm, 1 otherwise).")
    var adversarialWeight: Float?

    @Option(help: "Hidden activation: \(Activation.allCases.map(\.rawValue).joined(separator: ", ")).")
    var activation: Activation = .relu

    @Option(help: "Dropout probability after each hidden layer.")
    var dropout: Float = 0

    @Option(help: "Weight initialisation: \(Initializer.allCases.map(\.rawValue).joined(separator: ", ")).")
    var initializer: Initializer = .pytorchDefault

    @Option(help: ArgumentHelp("Transfer: start from the encoder of a saved model (an MLP, conv or encoder classifier, a DANN, an autoencoder, a VAE or a DBN) with a new last layer.", valueName: "checkpoint"))
    var initFrom: String?

    @Flag(help: "With --init-from: train only the new last layer, keep the reused layers fixed.")
    var freezeEncoder = false

    @Flag(help: "With --init-from's shape but random weights: the baseline that shows what pretraining adds.")
    var randomEncoder = false

    @Option(help: ArgumentHelp("With --init-from: keep the reused layers frozen for this many epochs, then fine-tune everything.", valueName: "epochs"))
    var unfreezeAfter: Int?

    @Option(help: ArgumentHelp("With --init-from: the reused layers' learning rate as a fraction of --lr (e.g. 0.1).", valueName: "scale"))
    var encoderLrScale: Float?

    @Option(help: ArgumentHelp("Train and test on these labels only (e.g. 5,6,7,8,9); the network gets one output per class, reports name the original labels.", valueName: "labels"))
    var classes: ListArgument<Int>?

    @Option(help: "Train on this many labelled images per class (a seeded random choice).")
    var labels: Int?

    func validate() throws {
        if let hidden, !hidden.allPositive { throw ValidationError("--hidden must be positive integers separated by commas, got '\(hidden.defaultValueDescription)'.") }
        try FlagBounds.checkWidths("--hidden", hidden)
        if !convChannels.allPositive { throw ValidationError("--conv-channels must be positive integers separated by commas, got '\(convChannels.defaultValueDescription)'.") }
        if arch == .conv && initFrom != nil { throw ValidationError("--arch conv builds a fresh network; with --init-from the model file decides the network (drop --arch).") }
        if adversarial == nil && (epsilon != nil || attackSteps != nil || attackStepSize != nil || adversarialWeight != nil) {
            throw ValidationError("--epsilon, --attack-steps, --attack-step-size and --adversarial-weight need --adversarial.")
        }
        if adversarial != nil {
            guard let epsilon else { throw ValidationError("--adversarial needs --epsilon (the attack's radius, e.g. 0.3 for MNIST).") }
            if !(epsilon.isFinite && epsilon > 0 && epsilon <= 1) { throw ValidationError("--epsilon must be in (0, 1], got \(epsilon).") }
        }
        if let n = attackSteps, !(1...1000).contains(n) { throw ValidationError("--attack-steps must be in 1...1000, got \(n).") }
        if let a = attackStepSize, !(a.isFinite && a > 0 && a <= 1) { throw ValidationError("--attack-step-size must be in (0, 1], got \(a).") }
        if let w = adversarialWeight, !(w >= 0 && w <= 1) { throw ValidationError("--adversarial-weight must be in [0, 1], got \(w).") }
        if !(dropout >= 0 && dropout < 1) { throw ValidationError("--dropout must be in [0, 1), got \(dropout).") }
        if let n = labels, n < 1 { throw ValidationError("--labels must be positive, got \(n).") }
        if (freezeEncoder || randomEncoder || unfreezeAfter != nil || encoderLrScale != nil) && initFrom == nil {
            throw ValidationError("--freeze-encoder, --random-encoder, --unfreeze-after and --encoder-lr-scale need --init-from.")
        }
        if freezeEncoder && unfreezeAfter != nil { throw ValidationError("--freeze-encoder keeps the reused layers frozen; --unfreeze-after ends that: give one.") }
        try FlagBounds.check("--unfreeze-after", unfreezeAfter, in: 1...InputLimits.epochs)
        if let s = encoderLrScale, !(s.isFinite && s > 0 && s <= 1000) { throw ValidationError("--encoder-lr-scale must be in (0, 1000], got \(s).") }
        if let classes {
            if classes.values.count < 2 { throw ValidationError("--classes needs at least 2 labels, got '\(classes.defaultValueDescription)'.") }
            if Set(classes.values).count != classes.values.count { throw ValidationError("--classes lists a label twice: '\(classes.defaultValueDescription)'.") }
            if let bad = classes.values.first(where: { !(0..<InputLimits.layerWidth).contains($0) }) {
                throw ValidationError("--classes must be labels in 0..<\(InputLimits.layerWidth), got \(bad).")
            }
        }
        if initFrom == nil {
            do {
                switch try modelConfig() {
                case .mlp(let config): try FlagBounds.checkWeights(Classifier.self, config)
                case .conv(let config): try FlagBounds.checkWeights(ConvClassifier.self, config)
                case .encoder, .convPretrained, .mlpPretrained, .dbnPretrained: break
                }
            } catch let error as ModelError { throw ValidationError(error.description + ".") }
        }
    }

    func run() throws {
        compute.apply()
        let progress = ProgressLine(quiet: output.quiet)
        let (settings, folder) = try ClassifierRunSettings.start(
            fresh: ClassifierRunSettings(model: try modelConfig(), training: training.config(seed: compute.seed),
                                         data: dataOptions.source, adversarial: adversarialTraining(),
                                         classes: classes?.values, labelsPerClass: labels, transfer: transferTraining()),
            out: output.out, resume: output.resume, name: "classifier",
            givenFlags: output.givenSettingFlags)
        let report = try ClassifierExperiment.run(settings, in: folder, resume: output.resume != nil, log: progress.log)
        print(summaryTable(report.summary))
    }

    /// The model the flags describe.
    func modelConfig() throws -> ClassifierModelConfig {
        let classCount = classes?.values.count ?? 10
        if let initFrom {
            return try .pretrained(initFrom, inputSize: 784, classes: classCount, freezeEncoder: freezeEncoder || unfreezeAfter != nil,
                                   random: randomEncoder, seed: compute.seed, dropout: dropout)
        }
        if arch == .conv {
            var config = ConvClassifier.Config()
            config.convolutions = convChannels.values
            config.kernelSize = kernelSize
            config.pool = pool
            config.hidden = hidden?.values ?? [128]
            config.classes = classCount
            config.dropout = dropout
            config.seed = compute.seed
            do { try config.validate() } catch { throw ValidationError("--arch conv: \(error)") }
            return .conv(config)
        }
        var config = Classifier.Config(inputSize: 784, hidden: hidden?.values ?? [256], classes: classCount)
        config.activation = activation
        config.dropout = dropout
        config.initializer = initializer
        config.seed = compute.seed
        return .mlp(config)
    }

    /// The transfer schedule the flags describe, if any.
    func transferTraining() -> TransferTraining? {
        guard initFrom != nil, !randomEncoder, unfreezeAfter != nil || encoderLrScale != nil else { return nil }
        return TransferTraining(unfreezeAfter: unfreezeAfter, trunkLearningRateScale: encoderLrScale ?? 1)
    }

    /// The adversarial-training recipe the flags describe, if any.
    func adversarialTraining() -> AdversarialTraining? {
        guard let adversarial, let epsilon else { return nil }
        return AdversarialTraining(adversarial, epsilon: epsilon, steps: attackSteps, stepSize: attackStepSize,
                                   weight: adversarialWeight)
    }
}

/// The network shapes `latent train classifier --arch` builds.
enum ClassifierArchitecture: String, ExpressibleByArgument, CaseIterable {
    case mlp, conv
}

extension AdversarialTraining.Recipe: ExpressibleByArgument {}
