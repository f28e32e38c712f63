import ArgumentParser
import Foundation
import Latent

/// `latent conditional MODEL`: class-conditional Gaussians in latent space, sampled and checked by a classifier.
struct Conditional: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit a Gaussian per class to the codes (naive Bayes and full covariance), sample each class, check with a classifier.",
        discussion: """
            The Gaussians are fitted to the codes of the training images. For every class, \
            --count codes are drawn from each sampler and decoded; a classifier (--classifier PATH, \
            or one trained here on the same training images) says how often it sees the requested \
            class. Writes conditional-full.png and conditional-diagonal.png (one row per class), \
            class-C.png for --class C, and metrics.json with the agreement per class and sampler.
            """)

    @Argument(help: ArgumentHelp("A model.safetensors written by `latent train vae`.", valueName: "model"))
    var model: String

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions

    @Option(name: .customLong("class"), help: "Also write a larger grid of this class's samples.")
    var chosenClass: Int?

    @Option(help: "Samples per class and sampler.")
    var count: Int = 100

    @Option(help: ArgumentHelp("A classifier model.safetensors (default: train one, 784-256-10 for 3 epochs).", valueName: "path"))
    var classifier: String?

    @Option(help: ArgumentHelp("Output folder (default: runs/conditional-<time>).", valueName: "dir"))
    var out: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if count < 1 { throw ValidationError("--count must be positive, got \(count).") }
    }

    func run() throws {
        compute.apply()
        let progress = ProgressLine(quiet: quiet)
        let vae = try LatentModelFile.load(model)
        let (train, test, source) = try dataOptions.load()
        try LatentModelFile.check(train, fits: vae, path: model)
        guard let labels = train.labels else { throw CLIError("\(source): class-conditional sampling needs labelled training images") }
        let classes = Array(Set(labels)).sorted()
        if let c = chosenClass, !classes.contains(c) {
            throw CLIError("--class \(c): no training images of that class; the classes are \(classes.map(String.init).joined(separator: ", "))")
        }
        let dir = try RunDirectory.make(out, name: "conditional")
        let judge: Classifier
        if let classifier {
            judge = try LatentModelFile.classifier(classifier, for: vae)
        } else {
            progress.note("training a classifier to judge the samples (784-256-10, 3 epochs)…")
            var config = Classifier.Config(inputSize: vae.config.inputSize, hidden: [256], classes: (classes.last ?? 9) + 1)
            config.seed = compute.seed
            var training = TrainingConfig()
            training.epochs = 3
            training.seed = compute.seed
            judge = try ClassifierTraining.run(model: config, training: training, train: train, test: test,
                                               runDirectory: try RunDirectory.make(dir + "/classifier", name: "classifier"),
                                               onEvent: progress.update).0
        }
        let codes = vae.encodeInBatches(train.inputs)
        var rng = RandomGenerator(seed: compute.seed)
        var agreement: [String: [String: Double]] = [:], overall: [String: Double] = [:], fitAccuracy: [String: Double] = [:]
        var chosenImages: [Tensor] = []
        let testCodes = vae.encodeInBatches(test.inputs)
        for covariance in [ClassConditionalGaussians.Covariance.full, .diagonal] {
            let gaussians = try ClassConditionalGaussians(codes: codes, labels: labels, covariance: covariance)
            var perClass: [String: Double] = [:], agreed = 0, gallery: [Tensor] = []
            for c in classes {
                let images = vae.decode(try gaussians.sample(label: c, count: count, using: &rng))
                let predicted = judge.predict(images)
                let hits = predicted.filter { $0 == c }.count
                perClass["\(c)"] = Double(hits) / Double(count)
                agreed += hits
                gallery.append(images.rows(0..<min(10, count)))
                if c == chosenClass { chosenImages.append(images) }
            }
            agreement[covariance.rawValue] = perClass
            overall[covariance.rawValue] = Double(agreed) / Double(count * classes.count)
            if let testLabels = test.labels {
                let predicted = gaussians.classify(testCodes)
                fitAccuracy[covariance.rawValue] = Double(zip(predicted, testLabels).filter { $0 == $1 }.count) / Double(max(test.count, 1))
            }
            try LatentModelFile.writeGrid(Tensor.concat(gallery, axis: 0), columns: min(10, count), rowLabels: classes.map(String.init),
                                          to: dir + "/conditional-\(covariance.rawValue).png")
        }
        if let c = chosenClass {
            let shown = chosenImages.map { $0.rows(0..<min(40, count)) }
            try LatentModelFile.writeGrid(Tensor.concat(shown, axis: 0), columns: min(40, count) > 20 ? 20 : min(40, count),
                                          to: dir + "/class-\(c).png")
        }
        try LatentModelFile.writeMetrics(["command": "conditional", "model": model, "samples_per_class": count, "seed": compute.seed,
                                          "agreement": overall, "agreement_per_class": agreement,
                                          "latent_bayes_test_accuracy": fitAccuracy,
                                          "classifier": classifier ?? "trained here (3 epochs)",
                                          "classifier_test_accuracy": judge.accuracy(test.inputs, labels: test.labels ?? [])], to: dir)
        func row(_ key: String) -> String {
            (agreement[key] ?? [:]).keys.sorted().map { "\($0): \(Int(((agreement[key]?[$0] ?? 0) * 100).rounded()))" }.joined(separator: " ")
        }
        print(summaryTable([
            ("model", "\(model): \(vae.config.summary)"),
            ("classifier", "\(classifier ?? "trained here"), test accuracy \(String(format: "%.2f %%", judge.accuracy(test.inputs, labels: test.labels ?? []) * 100))"),
            ("full covariance", String(format: "%.1f %% of samples classified as requested", (overall["full"] ?? 0) * 100)),
            ("  per class", row("full")),
            ("naive Bayes", String(format: "%.1f %% of samples classified as requested", (overall["diagonal"] ?? 0) * 100)),
            ("  per class", row("diagonal")),
            ("output", dir),
        ]))
    }
}
