import ArgumentParser
import Foundation
import Latent

/// `latent zeroshot`: recognise digits never seen in training through side information.
struct ZeroShot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zeroshot",
        abstract: "Zero-shot learning: classify digits never seen in training through attributes or word vectors.",
        discussion: """
            Fits on the training images of the seen classes (every class but --unseen), then classifies \
            the test images of the unseen classes among the unseen classes (zero-shot accuracy), and all \
            test images among all classes (generalised zero-shot: seen and unseen accuracy and their \
            harmonic mean). Writes run.json, metrics.json and unseen.png into --out.
            Example: latent zeroshot --unseen 7,8,9 --attributes Data/digit-attributes.csv --features clf/model.safetensors
            """)

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions

    @Option(help: ArgumentHelp("Classes held out of training, comma-separated.", valueName: "labels"))
    var unseen: ListArgument<Int>

    @Option(help: ArgumentHelp("A class × attribute CSV: a header row, then one row per class: its label, then its attributes (see Data/digit-attributes.csv).", valueName: "file"))
    var attributes: String?

    @Option(help: ArgumentHelp("Word vectors (word2vec text or binary, e.g. from `latent words train`); a class is the vector of its name.", valueName: "file"))
    var wordVectors: String?

    @Option(help: ArgumentHelp("With --word-vectors: the name of each class, by label (default zero,one,…,nine).", valueName: "names"))
    var classNames: ListArgument<String>?

    @Option(help: "dap (direct attribute prediction), eszsl (closed-form bilinear) or devise (ridge map to word space); default eszsl for attributes, devise for word vectors.")
    var method: ZeroShotModel.Method?

    @Option(help: ArgumentHelp("Image features: pixels, pca (100 components) or a saved model with an encoder, trained on the seen classes only.", valueName: "pixels|pca|model"))
    var features = "pca"

    @Option(help: "With --features pca: the number of components.")
    var pcaComponents = 100

    @Option(help: "Ridge on the feature side (γ of ESZSL and DeViSE; the L2 weight of DAP's logistic regressions); default: chosen on held-out seen classes.")
    var gamma: Float?

    @Option(help: "Ridge on the attribute side (λ of ESZSL); default: chosen on held-out seen classes.")
    var lambda: Float?

    @Option(help: ArgumentHelp("Output folder (default: runs/zeroshot-<time>).", valueName: "dir"))
    var out: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if (attributes == nil) == (wordVectors == nil) { throw ValidationError("give exactly one of --attributes FILE and --word-vectors FILE.") }
        if classNames != nil && wordVectors == nil { throw ValidationError("--class-names needs --word-vectors.") }
        if unseen.values.isEmpty { throw ValidationError("--unseen needs at least one class.") }
        if Set(unseen.values).count != unseen.values.count { throw ValidationError("--unseen lists a class twice: '\(unseen.defaultValueDescription)'.") }
        if let bad = unseen.values.first(where: { !(0..<InputLimits.layerWidth).contains($0) }) {
            throw ValidationError("--unseen must be labels in 0..<\(InputLimits.layerWidth), got \(bad).")
        }
        try FlagBounds.check("--pca-components", pcaComponents, in: 1...784)
        for (flag, value) in [("--gamma", gamma), ("--lambda", lambda)] {
            guard let v = value, !(v.isFinite && v > 0 && v <= 1e6) else { continue }
            throw ValidationError("\(flag) must be in (0, 1e6], got \(v).")
        }
        if method == .dap && wordVectors != nil { throw ValidationError("--method dap needs attributes in [0, 1]; word vectors go with eszsl or devise.") }
    }

    func run() throws {
        compute.apply()
        var config = ZeroShotModel.Config(method: method ?? (wordVectors == nil ? .eszsl : .devise))
        config.featureRidge = gamma ?? 1
        config.signatureRidge = lambda ?? 1
        config.seed = compute.seed
        let side: ZeroShotSettings.SideInformation = if let attributes { .attributes(attributes) } else {
            .wordVectors(wordVectors ?? "", names: classNames?.values ?? ZeroShotSettings.digitNames)
        }
        let featureSource: ZeroShotSettings.Features = switch features {
        case "pixels": .pixels
        case "pca": .pca(pcaComponents)
        default: .model(features)
        }
        let settings = ZeroShotSettings(data: dataOptions.source, unseen: unseen.values, side: side, features: featureSource,
                                        model: config, selectRidges: gamma == nil && lambda == nil)
        let progress = ProgressLine(quiet: quiet)
        let report = try ZeroShotExperiment.run(settings, out: out, log: progress.log)
        print(summaryTable(report.summary))
    }
}

extension ZeroShotModel.Method: ExpressibleByArgument {}
