import ArgumentParser
import Foundation
import Latent

/// `latent transfer`: the transfer-learning experiment (digits 0–4 → 5–9 by default).
struct Transfer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Transfer learning measured: a network trained on some digits, reused for others learned from few labels.",
        discussion: """
            Trains the network on --source-classes (source/), then for each --labels-per-class count \
            trains it on --target-classes three ways: from scratch, from the source's layers frozen (a new \
            last layer only), and fine-tuned (everything, the reused layers at --fine-tune-scale of the \
            learning rate). Writes table.md, transfer.png and metrics.json into --out, and each run's folder.
            """)

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Network: mlp or conv.")
    var arch: ClassifierArchitecture = .mlp

    @Option(help: ArgumentHelp("Hidden layer sizes (default 256,128 for mlp, 128 for conv).", valueName: "sizes"))
    var hidden: ListArgument<Int>?

    @Option(help: ArgumentHelp("Labels the source network learns.", valueName: "labels"))
    var sourceClasses = ListArgument([0, 1, 2, 3, 4])

    @Option(help: ArgumentHelp("Labels of the new task.", valueName: "labels"))
    var targetClasses = ListArgument([5, 6, 7, 8, 9])

    @Option(help: ArgumentHelp("Labelled training images per target class; one set of runs each.", valueName: "counts"))
    var labelsPerClass = ListArgument([10, 100, 1000])

    @Option(help: "Epochs of the source network over its classes' training images.")
    var sourceEpochs = 3

    @Option(help: "Optimiser steps of every target run (its epochs follow from its number of labels).")
    var targetSteps = 300

    @Option(help: "Examples per mini-batch (a target run with fewer images takes them all).")
    var batchSize = 64

    @Option(name: [.customLong("lr")], help: "Learning rate (Adam).")
    var learningRate: Float = 1e-3

    @Option(help: "Target runs: examples per mini-batch (default: --batch-size).")
    var targetBatchSize: Int?

    @Option(help: "Target runs: the learning rate (default: --lr).")
    var targetLr: Float?

    @Option(help: "Fine-tuned runs: the reused layers' learning rate as a fraction of the target learning rate.")
    var fineTuneScale: Float = 0.1

    @Option(help: ArgumentHelp("Output folder (default: runs/transfer-<time>).", valueName: "dir"))
    var out: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        for (flag, list) in [("--source-classes", sourceClasses), ("--target-classes", targetClasses)] {
            if list.values.count < 2 { throw ValidationError("\(flag) needs at least 2 labels.") }
            if Set(list.values).count != list.values.count { throw ValidationError("\(flag) lists a label twice.") }
            if let bad = list.values.first(where: { !(0..<InputLimits.layerWidth).contains($0) }) {
                throw ValidationError("\(flag) must be labels in 0..<\(InputLimits.layerWidth), got \(bad).")
            }
        }
        if let bad = labelsPerClass.values.first(where: { !(1...1_000_000).contains($0) }) {
            throw ValidationError("--labels-per-class must be counts in 1...1000000, got \(bad).")
        }
        try FlagBounds.checkWidths("--hidden", hidden)
        try FlagBounds.check("--source-epochs", sourceEpochs, in: 1...InputLimits.epochs)
        try FlagBounds.check("--target-steps", targetSteps, in: 1...1_000_000)
        try FlagBounds.check("--batch-size", batchSize, in: 1...65_536)
        try FlagBounds.check("--target-batch-size", targetBatchSize, in: 1...65_536)
        if let lr = targetLr, !(lr.isFinite && lr > 0 && lr <= 10) { throw ValidationError("--target-lr must be in (0, 10], got \(lr).") }
        if !(learningRate.isFinite && learningRate > 0 && learningRate <= 10) { throw ValidationError("--lr must be in (0, 10], got \(learningRate).") }
        if !(fineTuneScale.isFinite && fineTuneScale > 0 && fineTuneScale <= 1000) {
            throw ValidationError("--fine-tune-scale must be in (0, 1000], got \(fineTuneScale).")
        }
    }

    func run() throws {
        compute.apply()
        let network: ClassifierModelConfig
        if arch == .conv {
            var config = ConvClassifier.Config()
            config.hidden = hidden?.values ?? [128]
            config.seed = compute.seed
            network = .conv(config)
        } else {
            var config = Classifier.Config(inputSize: 784, hidden: hidden?.values ?? [256, 128], classes: 10)
            config.seed = compute.seed
            network = .mlp(config)
        }
        var training = TrainingConfig()
        training.batchSize = batchSize
        training.learningRate = learningRate
        training.seed = compute.seed
        var sourceTraining = training
        sourceTraining.epochs = sourceEpochs
        var targetTraining = training
        targetTraining.batchSize = targetBatchSize ?? batchSize
        targetTraining.learningRate = targetLr ?? learningRate
        var settings = TransferExperimentSettings(data: dataOptions.source, network: network, sourceTraining: sourceTraining,
                                                  targetTraining: targetTraining)
        settings.sourceClasses = sourceClasses.values
        settings.targetClasses = targetClasses.values
        settings.labelsPerClass = labelsPerClass.values
        settings.targetSteps = targetSteps
        settings.fineTuneScale = fineTuneScale
        let progress = ProgressLine(quiet: quiet)
        let report = try TransferExperiment.run(settings, in: try RunFolder(out, name: "transfer"), log: progress.log)
        print(summaryTable(report.summary))
        print(report.table)
    }
}
