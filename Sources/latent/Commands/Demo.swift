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
        let folder = try RunFolder(out, name: "demo")
        let progress = ProgressLine(quiet: quiet)
        // The quick tour's subset: the first 2,000 training and 500 test images.
        let data = quick ? MNISTSource(trainLimit: 2000, testLimit: 500) : MNISTSource()
        let context = try DemoContext(directory: folder.path, data: data, quick: quick, seed: compute.seed, progress: progress)
        var report = HTMLReport(
            title: "Latent demo",
            intro: "A tour of Latent on the MNIST digits shipped with the repository (\(context.train.count) training and \(context.test.count) test images\(quick ? ", quick mode" : "")). Every figure on this page was computed by this run.")
        var metrics: [String: Metric] = ["quick": .flag(quick), "seed": .value(Double(compute.seed)), "threads": .value(Double(Threads.count)),
                                         "train_samples": .value(Double(context.train.count)), "test_samples": .value(Double(context.test.count))]
        let sections: [any DemoSection] = [DataSection(), ClassifierSection(), AutoencoderSection(), RBMSection(), ManifoldSection(),
                                           VAESection(), GANSection(), WordsSection(), DocumentsSection(),
                                           AdversarialSection(), DomainAdaptationSection(), TransferSection(), MultitaskSection(), TextureSection(), DistributedSection(),
                                           ServeSection()]
        for section in sections {
            progress.note("— \(section.title)")
            let (html, figures) = try section.run(context)
            report.sections.append(html)
            metrics[section.key] = .map(figures)
        }
        metrics["seconds"] = .value(Date().timeIntervalSince(started))
        try MetricsFile.write(metrics, to: folder.file("metrics.json"))
        let index = try report.write(to: URL(fileURLWithPath: folder.path))
        print(summaryTable([("sections", sections.map(\.title).joined(separator: ", ")),
                            ("time", duration(Date().timeIntervalSince(started))), ("report", index.path)]))
    }
}

/// What every demo section gets.
struct DemoContext {
    let directory: String
    /// The tour's data, as the experiments' settings name it.
    let data: MNISTSource
    let train: Dataset
    let test: Dataset
    let quick: Bool
    let seed: UInt64
    let progress: ProgressLine

    /// The context of a tour on `data`, loaded now.
    init(directory: String, data: MNISTSource, quick: Bool, seed: UInt64, progress: ProgressLine) throws {
        let (train, test, source) = try data.load()
        progress.note("data: \(source)")
        (self.directory, self.data, self.train, self.test) = (directory, data, train, test)
        (self.quick, self.seed, self.progress) = (quick, seed, progress)
    }

    /// Where the experiments report: the tour's progress line.
    var log: ExperimentLog { progress.log }

    /// A subfolder of the demo output, created on demand.
    func folder(_ name: String) throws -> String { try RunFolder(directory + "/" + name, name: name).path }

    /// The run folder `name` for an experiment, with its `run.json`, so each run of the tour can
    /// be resumed or inspected like a command's.
    func start<Settings: RunSettingsFile>(_ settings: Settings, in name: String) throws -> RunFolder {
        let folder = try RunFolder(directory + "/" + name, name: name)
        try settings.write(to: folder)
        return folder
    }
}

/// One part of the tour: runs, writes its files into its folder, returns its part of the page
/// and its figures for metrics.json.
protocol DemoSection {
    var key: String { get }
    var title: String { get }
    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Metric])
}

/// A look at the data.
struct DataSection: DemoSection {
    let key = "data", title = "The data"

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Metric]) {
        let dir = try context.folder(key)
        let first = context.test.inputs.rows(0..<min(80, context.test.count))
        try ImageGrid(columns: 20, padding: 2, scale: 2, title: "The first \(first.shape[0]) test digits").writePNG(first, to: URL(fileURLWithPath: dir + "/digits.png"))
        var counts = [Int](repeating: 0, count: 10)
        for l in context.train.labels ?? [] where l >= 0 && l < 10 { counts[l] += 1 }
        let section = HTMLReport.Section(title, blocks: [
            .paragraph("MNIST handwritten digits, 28×28 grey pixels scaled to [0, 1]. Each image is a point in a 784-dimensional space; the rest of this page learns representations of those points."),
            .image(path: "\(key)/digits.png", caption: "The first test images", width: nil),
            .table(header: ["digit"] + (0..<10).map(String.init), rows: [["training images"] + counts.map(String.init)]),
        ])
        return (section, ["class_counts": .integers(counts)])
    }
}

/// The supervised baseline: the measuring classifier's recipe (an MLP trained with the same loop
/// as every model), whose file the later sections read generated digits with.
struct ClassifierSection: DemoSection {
    let key = "classifier", title = "A classifier (the supervised baseline)"

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Metric]) {
        let settings = MeasuringClassifier.settings(data: context.data, seed: context.seed)
        let report = try ClassifierExperiment.run(settings, in: try context.start(settings, in: key), log: context.log)
        let dir = report.folder.path
        let predictions = report.model.predict(context.test.inputs)
        let labels = context.test.labels ?? []
        let wrong = labels.indices.filter { predictions[$0] != labels[$0] }.prefix(40)
        if !wrong.isEmpty {
            var grid = ImageGrid(columns: 20, padding: 4, scale: 2, title: "Test digits the classifier gets wrong (predicted → true)")
            // Under each digit: what the classifier said and, after the arrow, the truth.
            grid.captions = wrong.map { "\(predictions[$0]) → \(labels[$0])" }
            grid.captionColors = wrong.map { _ in Color(hex: 0xC0392B) }
            try grid.writePNG(context.test.inputs.gatherRows(Array(wrong)), to: URL(fileURLWithPath: dir + "/mistakes.png"))
        }
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10)
        for (p, l) in zip(predictions, labels) { confusion[l][p] += 1 }
        let t = settings.training
        var blocks: [HTMLReport.Block] = [
            .paragraph("An \(settings.model.summary) (ReLU) trained with Adam (learning rate \(t.learningRate), batch \(t.batchSize)) for \(t.epochs) epochs on softmax cross-entropy. Its test accuracy is the bar the learned representations below are measured against."),
            .keyValues([("test accuracy", formatPercent(report.results.testAccuracy)),
                        ("parameters", "\(report.results.parameters)"),
                        ("final training loss", format(report.history.last?["train_loss"] ?? .nan))]),
            .image(path: "\(key)/loss.png", caption: "Training loss per epoch", width: nil),
        ]
        if !wrong.isEmpty {
            blocks.append(.image(path: "\(key)/mistakes.png",
                                 caption: "Test digits it gets wrong; under each, the prediction → the true digit",
                                 width: nil))
        }
        blocks.append(.table(header: ["true \\ predicted"] + (0..<10).map(String.init),
                             rows: (0..<10).map { ["\($0)"] + confusion[$0].map(String.init) }))
        return (HTMLReport.Section(title, blocks: blocks),
                ["test_accuracy": .value(report.results.testAccuracy), "epochs": .history(report.history), "model": "model.safetensors"])
    }
}
