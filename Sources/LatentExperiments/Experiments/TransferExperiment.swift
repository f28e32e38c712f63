import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentPlot

/// Everything that defines a `latent transfer` experiment; `run.json` in its folder.
public struct TransferExperimentSettings: RunSettingsFile, Equatable {
    public static let command = "transfer"
    public var data: MNISTSource
    /// The classes the source network learns (all their training images).
    public var sourceClasses = [0, 1, 2, 3, 4]
    /// The new task's classes, learned from few labels.
    public var targetClasses = [5, 6, 7, 8, 9]
    /// Labelled training images per target class, one set of runs each.
    public var labelsPerClass = [10, 100, 1000]
    /// The network (its class count is replaced by the source's, then the target's).
    public var network: ClassifierModelConfig
    /// How the source network trains.
    public var sourceTraining: TrainingConfig
    /// How each target run trains; its epochs are replaced so that every run takes about
    /// `targetSteps` optimiser steps whatever its number of labels.
    public var targetTraining: TrainingConfig
    public var targetSteps = 300
    /// The fine-tuned runs' trunk learning rate, as a fraction of the head's.
    public var fineTuneScale: Float = 0.1

    public init(data: MNISTSource, network: ClassifierModelConfig, sourceTraining: TrainingConfig, targetTraining: TrainingConfig) {
        self.data = data
        self.network = network
        self.sourceTraining = sourceTraining
        self.targetTraining = targetTraining
    }
}

/// One way of starting the target network.
public enum TransferStart: String, Codable, Sendable, CaseIterable {
    /// Random initialisation: the baseline.
    case scratch
    /// The source's trunk, frozen: only the new last layer learns.
    case frozen
    /// The source's trunk, trained with the head at a smaller learning rate.
    case fineTuned = "fine-tuned"
}

/// One cell of the table.
public struct TransferRun: Codable, Sendable {
    public var labelsPerClass: Int
    public var start: TransferStart
    public var trainSamples: Int
    public var epochs: Int
    public var testAccuracy: Double
    public var folder: String

    enum CodingKeys: String, CodingKey {
        case labelsPerClass = "labels_per_class", start, trainSamples = "train_samples", epochs
        case testAccuracy = "test_accuracy", folder
    }
}

/// The figures of a transfer experiment (top level of its `metrics.json`).
public struct TransferExperimentResults: Codable, Sendable {
    public var sourceTestAccuracy: Double
    public var runs: [TransferRun]

    enum CodingKeys: String, CodingKey { case sourceTestAccuracy = "source_test_accuracy", runs }

    /// Accuracy of `start` with `n` labels per class.
    public func accuracy(_ start: TransferStart, labels n: Int) -> Double? {
        runs.first { $0.start == start && $0.labelsPerClass == n }?.testAccuracy
    }
}

/// What a transfer experiment leaves behind.
public struct TransferExperimentReport {
    public let folder: RunFolder
    public let settings: TransferExperimentSettings
    public let results: TransferExperimentResults
    public let seconds: Double

    /// The table people read: one row per label count, one column per start.
    public var table: String {
        var lines = ["| labels per class | " + TransferStart.allCases.map(\.rawValue).joined(separator: " | ") + " |",
                     "| ---: |" + String(repeating: " ---: |", count: TransferStart.allCases.count)]
        for n in settings.labelsPerClass {
            let cells = TransferStart.allCases.map { results.accuracy($0, labels: n).map { formatPercent($0) } ?? "–" }
            lines.append("| \(n) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    public var summary: [(String, String)] {
        let list = { (c: [Int]) in c.map(String.init).joined(separator: ",") }
        return [("network", settings.network.summary),
                ("source", "digits \(list(settings.sourceClasses)): test accuracy \(formatPercent(results.sourceTestAccuracy))"),
                ("target", "digits \(list(settings.targetClasses)), \(list(settings.labelsPerClass)) labels per class"),
                ("time", formatDuration(seconds)), ("output", folder.path)]
    }
}

/// Transfer learning measured: a network trained on some classes (the source task) starts a
/// network for other classes (the target task) learned from few labels, frozen or fine-tuned,
/// against the same network trained from scratch; `transfer.png` and `table.md` show the result.
public enum TransferExperiment {
    public static func run(_ settings: TransferExperimentSettings, in folder: RunFolder, log: ExperimentLog = .silent) throws
        -> TransferExperimentReport {
        let started = Date()
        let (probe, _, _) = try settings.data.load()
        let present = Set(probe.labelSet)
        for (flag, classes) in [("source", settings.sourceClasses), ("target", settings.targetClasses)] {
            if let missing = classes.first(where: { !present.contains($0) }) {
                throw ExperimentError("--\(flag)-classes: label \(missing) is not in the training data")
            }
        }
        try settings.write(to: folder)
        let source = try settings.network.withClasses(settings.sourceClasses.count)
        log.note("source: digits \(settings.sourceClasses)")
        let sourceRun = try ClassifierExperiment.run(
            ClassifierRunSettings(model: source, training: settings.sourceTraining, data: settings.data,
                                  classes: settings.sourceClasses),
            in: try folder.subfolder("source"), log: log)
        let sourcePath = sourceRun.folder.modelPath
        var runs: [TransferRun] = []
        for n in settings.labelsPerClass {
            for start in TransferStart.allCases {
                let name = "target-\(n)-\(start.rawValue)"
                log.note("\(name)")
                let classes = settings.targetClasses.count
                let model: ClassifierModelConfig = start == .scratch
                    ? try settings.network.withClasses(classes)
                    : try .pretrained(sourcePath, inputSize: probe.inputs.shape[1], classes: classes,
                                      freezeEncoder: start == .frozen, random: false, seed: settings.targetTraining.seed)
                // About `targetSteps` steps for every label count: epochs of n·classes images.
                let examples = n * classes
                var training = settings.targetTraining
                training.batchSize = Swift.min(training.batchSize, examples)
                let perEpoch = (examples + training.batchSize - 1) / training.batchSize
                training.epochs = Swift.max(1, (settings.targetSteps + perEpoch - 1) / perEpoch)
                let runSettings = ClassifierRunSettings(
                    model: model, training: training, data: settings.data, classes: settings.targetClasses, labelsPerClass: n,
                    transfer: start == .fineTuned ? TransferTraining(trunkLearningRateScale: settings.fineTuneScale) : nil)
                let report = try ClassifierExperiment.run(runSettings, in: try folder.subfolder(name), log: .silent)
                runs.append(TransferRun(labelsPerClass: n, start: start, trainSamples: report.results.trainSamples,
                                        epochs: training.epochs, testAccuracy: report.results.testAccuracy, folder: name))
                log.note("\(name): \(formatPercent(report.results.testAccuracy))")
            }
        }
        let results = TransferExperimentResults(sourceTestAccuracy: sourceRun.results.testAccuracy, runs: runs)
        let report = TransferExperimentReport(folder: folder, settings: settings, results: results,
                                              seconds: Date().timeIntervalSince(started))
        try MetricsFile.write(RunMetrics(command: TransferExperimentSettings.command, settings: settings, epochs: [],
                                         results: results), to: folder.file("metrics.json"))
        try AtomicFile.write(report.table + "\n", to: folder.file("table.md"))
        // Bars, not lines: the label counts are a few settings (often one), not a continuum.
        let sourceDigits = "\(settings.sourceClasses.first ?? 0)–\(settings.sourceClasses.last ?? 0)"
        let targetDigits = "\(settings.targetClasses.first ?? 0)–\(settings.targetClasses.last ?? 0)"
        var chart = BarChart(title: "Transfer from digits \(sourceDigits) to \(targetDigits): test accuracy by start",
                             categories: settings.labelsPerClass.map { "\($0) labels per class" }, yLabel: "test accuracy")
        chart.valueText = .percent(decimals: 1)
        for start in TransferStart.allCases {
            chart.add(start.rawValue, values: settings.labelsPerClass.map { results.accuracy(start, labels: $0) ?? .nan })
        }
        try chart.writePNGAndSVG(to: URL(fileURLWithPath: folder.file("transfer.png")))
        return report
    }
}

extension ClassifierModelConfig {
    /// The same fresh network with `classes` outputs (pretrained configs are refused: the
    /// experiment's network is trained from scratch on the source task).
    func withClasses(_ classes: Int) throws -> ClassifierModelConfig {
        switch self {
        case .mlp(var c): c.classes = classes; return .mlp(c)
        case .conv(var c): c.classes = classes; return .conv(c)
        default: throw ExperimentError("the transfer experiment trains its network from scratch: give an MLP or a conv network")
        }
    }
}
