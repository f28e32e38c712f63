import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentTensor

/// Everything that defines a multi-task run (`latent train multitask`); `run.json`.
public struct MultiTaskSettings: RunSettingsFile, Equatable {
    public static let command = "train multitask"
    /// The networks; `inputSize` follows from the tasks (a MultiMNIST canvas or a 28×28 digit).
    public var model: MultiTaskNetwork.Config
    public var training: TrainingConfig
    public var loss: MultiTaskLoss
    /// The MNIST digits the examples are made from.
    public var data: MNISTSource
    /// Side of the MultiMNIST canvas (used when a task reads a digit pair).
    public var canvas: Int

    public init(model: MultiTaskNetwork.Config, training: TrainingConfig, loss: MultiTaskLoss, data: MNISTSource, canvas: Int = 36) {
        self.model = model
        self.training = training
        self.loss = loss
        self.data = data
        self.canvas = canvas
    }

    /// Values per example the tasks read: a canvas when any task reads a pair, a digit otherwise.
    public static func inputSize(tasks: [LearningTask], canvas: Int) -> Int {
        tasks.contains(where: \.needsPairs) ? canvas * canvas : 784
    }
}

/// The final figures of a multi-task run (top level of its `metrics.json`).
public struct MultiTaskResults: Codable, Sendable {
    public var sharing: MultiTaskSharing
    /// Test figure per task, by task name: accuracy, or the reconstruction's squared error per pixel.
    public var test: [String: Double]
    /// Every parameter of the model.
    public var parameters: Int
    /// Parameters each task's prediction goes through (shared ones counted for every task).
    public var parametersPerTask: [String: Int]
    public var trainExamples: Int
    public var testExamples: Int

    enum CodingKeys: String, CodingKey {
        case sharing, test, parameters, parametersPerTask = "parameters_per_task"
        case trainExamples = "train_examples", testExamples = "test_examples"
    }
}

/// What a multi-task run leaves behind.
public struct MultiTaskReport {
    public let folder: RunFolder
    public let model: MultiTaskNetwork
    public let settings: MultiTaskSettings
    public let history: [[String: Double]]
    public let results: MultiTaskResults
    public let seconds: Double

    /// The summary people read.
    public var summary: [(String, String)] {
        var lines = [("model", model.summary), ("parameters", "\(results.parameters)"),
                     ("examples", "\(results.trainExamples) train, \(results.testExamples) test"),
                     ("epochs", "\(settings.training.epochs)")]
        for task in settings.model.tasks {
            let value = results.test[task.rawValue] ?? .nan
            lines.append(task.isClassification ? ("\(task.rawValue) test accuracy", formatPercent(value))
                                               : ("reconstruction error", formatFigure(value) + " per pixel"))
        }
        lines += [("time", formatDuration(seconds)), ("output", folder.path)]
        return lines
    }
}

/// Multi-task training into a run folder: the examples (MultiMNIST made on the fly, or MNIST with
/// auxiliary tasks), the loop, `metrics.json`, `loss.png` and `examples.png`.
public enum MultiTaskExperiment {
    /// The training and test examples `settings` describe. MultiMNIST pairs are drawn with the
    /// run's seed (the test pairs with the next one), so a run can be repeated exactly.
    public static func examples(_ settings: MultiTaskSettings) throws -> (train: MultiTaskExamples, test: MultiTaskExamples, source: String) {
        let (train, test, source) = try settings.data.load()
        for (name, set) in [("training", train), ("test", test)] {
            if let bad = set.labels?.first(where: { !(0...9).contains($0) }) {
                throw ExperimentError("\(source): \(name) label \(bad) is not a digit 0–9")
            }
        }
        guard settings.model.tasks.contains(where: \.needsPairs) else {
            return (MultiTaskExamples(digits: train), MultiTaskExamples(digits: test), source)
        }
        let seed = settings.training.seed
        return (MultiTaskExamples(pairs: try MultiMNIST.make(from: train, canvas: settings.canvas, seed: seed)),
                MultiTaskExamples(pairs: try MultiMNIST.make(from: test, canvas: settings.canvas, seed: seed &+ 1)),
                source + " as MultiMNIST \(settings.canvas)×\(settings.canvas)")
    }

    /// Trains (or, with `resume`, continues) the run `settings` describe in `folder`.
    public static func run(_ settings: MultiTaskSettings, in folder: RunFolder, resume: Bool = false,
                           log: ExperimentLog = .silent) throws -> MultiTaskReport {
        let (train, test, source) = try examples(settings)
        log.note("data: \(source): \(train.count) train, \(test.count) test")
        let started = Date()
        let model = try MultiTaskNetwork(settings.model)
        let loop = try MultiTaskTraining.fit(model, training: settings.training, loss: settings.loss, train: train, test: test,
                                             runDirectory: folder.path, resume: resume, onEvent: log.event)
        let last = loop.history.last ?? MultiTaskTraining.evaluate(model, on: test)
        let tasks = settings.model.tasks
        let results = MultiTaskResults(
            sharing: settings.model.sharing,
            test: Dictionary(uniqueKeysWithValues: tasks.map { ($0.rawValue, last[$0.metricName] ?? .nan) }),
            parameters: model.parameterCount,
            parametersPerTask: Dictionary(uniqueKeysWithValues: tasks.enumerated().map { ($1.rawValue, model.parameters(forTask: $0)) }),
            trainExamples: train.count, testExamples: test.count)
        try MetricsFile.write(RunMetrics(command: MultiTaskSettings.command, settings: settings, epochs: loop.history,
                                         results: results), to: folder.file("metrics.json"))
        let sharing = settings.model.sharing == .single ? "one network per task" : "\(settings.model.sharing.rawValue) sharing"
        try TrainingCurves.write(loop.history, keys: ["train_loss"] + tasks.map { "\($0.rawValue)_loss" },
                                 names: Dictionary(uniqueKeysWithValues: [("train_loss", "total")]
                                     + tasks.map { ("\($0.rawValue)_loss", "task \($0.rawValue)") }),
                                 title: "Multi-task training loss (\(sharing))", to: folder.file("loss.png"))
        let shown = min(20, test.count)
        if shown > 0 { try GridPicture.write(test.inputs.rows(0..<shown), columns: 10, title: "The first \(shown) test images",
                                                  to: folder.file("examples.png")) }
        return MultiTaskReport(folder: folder, model: model, settings: settings, history: loop.history,
                               results: results, seconds: Date().timeIntervalSince(started))
    }

    /// The comparison of runs on the same tasks (one per task, hard, soft): a header and a row
    /// per run with its parameters and each task's test figure.
    public static func comparison(_ reports: [MultiTaskReport]) -> (header: [String], rows: [[String]]) {
        let tasks = reports.first?.settings.model.tasks ?? []
        let header = ["sharing", "parameters"] + tasks.map { $0.isClassification ? "\($0.rawValue) accuracy" : "reconstruction error" }
        let rows = reports.map { report in
            [report.settings.model.sharing.rawValue, "\(report.results.parameters)"] + tasks.map { task in
                let value = report.results.test[task.rawValue] ?? .nan
                return task.isClassification ? formatPercent(value) : formatFigure(value)
            }
        }
        return (header, rows)
    }
}
