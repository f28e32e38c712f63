import ArgumentParser
import Foundation
import Latent

/// `latent demo`: the tour. Runs every capability on the data the repository ships and gathers
/// the results (pictures, metrics) into one folder with an index.html.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the tour of what Latent can do on the shipped data; writes pictures, metrics and index.html.",
        discussion: "Uses only Data/ from the repository (MNIST's 10,000 test images). --quick runs a smaller version for tests.")

    @OptionGroup var compute: ComputeOptions

    @Option(help: ArgumentHelp("Output folder.", valueName: "dir"))
    var out: String = "demo"

    @Flag(help: "A fast, smaller run (for tests and smoke checks).")
    var quick = false

    @Flag(help: "No progress output.")
    var quiet = false

    func run() throws {
        compute.apply()
        let started = Date()
        let dir = try RunDirectory.make(out, name: "demo")
        let progress = ProgressLine(quiet: quiet)
        let (train, test, source) = try MNISTSource().load()
        let context = DemoContext(directory: dir, train: quick ? train.split(first: 2000).first : train,
                                  test: quick ? test.split(first: 500).first : test,
                                  quick: quick, seed: compute.seed, progress: progress)
        progress.note("data: \(source)")
        var report = HTMLReport(
            title: "Latent demo",
            intro: "A tour of Latent on the MNIST digits shipped with the repository (\(context.train.count) training and \(context.test.count) test images\(quick ? ", quick mode" : "")). Every figure on this page was computed by this run.")
        var metrics: [String: Any] = ["quick": quick, "seed": compute.seed, "threads": Threads.count,
                                      "train_samples": context.train.count, "test_samples": context.test.count]
        let sections: [any DemoSection] = [DataSection(), ClassifierSection(), AutoencoderSection(), ManifoldSection(),
                                           VAESection(), GANSection(), WordsSection()]
        for section in sections {
            progress.note("— \(section.title)")
            let (html, figures) = try section.run(context)
            report.sections.append(html)
            metrics[section.key] = figures
        }
        metrics["seconds"] = Date().timeIntervalSince(started)
        let data = try JSONSerialization.data(withJSONObject: metrics, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(String(decoding: data, as: UTF8.self), to: dir + "/metrics.json")
        let index = try report.write(to: URL(fileURLWithPath: dir))
        print(summaryTable([("sections", sections.map(\.title).joined(separator: ", ")),
                            ("time", duration(Date().timeIntervalSince(started))),
                            ("report", index.path)]))
    }
}

/// What every demo section gets.
struct DemoContext {
    let directory: String
    let train: Dataset
    let test: Dataset
    let quick: Bool
    let seed: UInt64
    let progress: ProgressLine

    /// A subfolder of the demo output, created on demand.
    func folder(_ name: String) throws -> String { try RunDirectory.make(directory + "/" + name, name: name) }
}

/// One part of the tour: runs, writes its files into its folder, returns its part of the page
/// and its figures for metrics.json.
protocol DemoSection {
    var key: String { get }
    var title: String { get }
    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Any])
}

/// A look at the data.
struct DataSection: DemoSection {
    let key = "data", title = "The data"

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Any]) {
        let dir = try context.folder(key)
        let first = context.test.inputs.rows(0..<min(80, context.test.count))
        try ImageGrid(columns: 20, padding: 2, scale: 2).writePNG(first, to: URL(fileURLWithPath: dir + "/digits.png"))
        var counts = [Int](repeating: 0, count: 10)
        for l in context.train.labels ?? [] where l >= 0 && l < 10 { counts[l] += 1 }
        let section = HTMLReport.Section(title, blocks: [
            .paragraph("MNIST handwritten digits, 28×28 grey pixels scaled to [0, 1]. Each image is a point in a 784-dimensional space; the rest of this page learns representations of those points."),
            .image(path: "\(key)/digits.png", caption: "The first test images", width: nil),
            .table(header: ["digit"] + (0..<10).map(String.init), rows: [["training images"] + counts.map(String.init)]),
        ])
        return (section, ["class_counts": counts])
    }
}

/// The supervised baseline: an MLP classifier, trained with the same loop as every model.
struct ClassifierSection: DemoSection {
    let key = "classifier", title = "A classifier (the supervised baseline)"

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Any]) {
        let dir = try context.folder(key)
        var config = Classifier.Config(inputSize: 784, hidden: [256], classes: 10)
        config.seed = context.seed
        var training = TrainingConfig()
        training.epochs = context.quick ? 2 : 8
        training.seed = context.seed
        let (model, trainer) = try ClassifierTraining.run(model: config, training: training, train: context.train,
                                                          test: context.test, runDirectory: dir,
                                                          onEvent: context.progress.update)
        try RunReport.writeLossPlot(history: trainer.history, keys: ["train_loss"], title: "Training loss (softmax cross-entropy)", to: dir + "/loss.png")
        let predictions = model.predict(context.test.inputs)
        let labels = context.test.labels ?? []
        let accuracy = Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(max(labels.count, 1))
        let wrong = labels.indices.filter { predictions[$0] != labels[$0] }.prefix(40)
        if !wrong.isEmpty {
            let grid = ImageGrid(columns: 20, padding: 2, scale: 2)
            try grid.writePNG(context.test.inputs.gatherRows(Array(wrong)), to: URL(fileURLWithPath: dir + "/mistakes.png"))
        }
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10)
        for (p, l) in zip(predictions, labels) { confusion[l][p] += 1 }
        var blocks: [HTMLReport.Block] = [
            .paragraph("An MLP 784-256-10 (ReLU) trained with Adam (learning rate 0.001, batch 128) for \(training.epochs) epochs on softmax cross-entropy. Its test accuracy is the bar the learned representations below are measured against."),
            .keyValues([("test accuracy", String(format: "%.2f %%", accuracy * 100)),
                         ("parameters", "\(model.parameterCount)"),
                         ("final training loss", format(trainer.history.last?["train_loss"] ?? .nan))]),
            .image(path: "\(key)/loss.png", caption: "Training loss per epoch", width: nil),
        ]
        if !wrong.isEmpty {
            blocks.append(.image(path: "\(key)/mistakes.png",
                                 caption: "Test digits it gets wrong (predicted: " + wrong.prefix(20).map { "\(predictions[$0])" }.joined(separator: " ") + " …)",
                                 width: nil))
        }
        blocks.append(.table(header: ["true \\ predicted"] + (0..<10).map(String.init),
                             rows: (0..<10).map { ["\($0)"] + confusion[$0].map(String.init) }))
        return (HTMLReport.Section(title, blocks: blocks),
                ["test_accuracy": accuracy, "epochs": trainer.history, "model": "model.safetensors"])
    }
}
