import ArgumentParser
import Foundation
import Latent

/// `latent train dbn`: a stack of RBMs trained greedily, one layer at a time.
struct TrainDBN: TrainingCommand {
    static let configuration = CommandConfiguration(
        commandName: "dbn",
        abstract: "Pretrain a deep belief net: RBMs trained greedily, each on the hidden probabilities of the one below.",
        discussion: """
            Writes into --out: rbm-1/, rbm-2/, … (each layer's RBM run, with checkpoints), \
            model.safetensors (the stack: 0.weight, 0.h_bias, 0.v_bias, …), metrics.json and \
            filters.png. Then fine-tune: `latent train autoencoder --init-from DIR/model.safetensors` \
            (the unrolled deep autoencoder) or `latent train classifier --init-from …` (the stack plus \
            a softmax layer). Hinton & Salakhutdinov's recipe: --layers 784,1000,500,250,30 \
            --top-units linear (its top layer learns at --linear-lr 0.001).
            """)

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: RBMDataOptions
    @OptionGroup var training: RBMTrainingOptions
    @OptionGroup var output: RunOptions

    @Option(help: ArgumentHelp("Widths from the data to the top, comma-separated.", valueName: "widths"))
    var layers = ListArgument([784, 1000, 500, 250, 30])

    @Option(help: "The first layer's visible units: bernoulli or gaussian.")
    var visible: RBM.Config.VisibleUnits = .bernoulli

    @Option(help: "The top layer's hidden units: bernoulli, or linear (a real-valued code).")
    var topUnits: RBM.Config.HiddenUnits = .bernoulli

    @Option(help: "Learning rate of layers with Gaussian or linear units.")
    var linearLr: Float = 0.001

    func validate() throws {
        if layers.values.count < 2 || !layers.allPositive {
            throw ValidationError("--layers must be at least two positive widths separated by commas, got '\(layers.defaultValueDescription)'.")
        }
        try FlagBounds.checkWidths("--layers", layers)
        if !(linearLr > 0 && linearLr.isFinite) { throw ValidationError("--linear-lr must be positive, got \(linearLr).") }
        do { try FlagBounds.checkWeights(DBN.self, modelConfig()) } catch let error as ModelError { throw ValidationError(error.description + ".") }
    }

    func modelConfig() -> DBN.Config {
        DBN.Config(layers: layers.values, visibleUnits: visible, topHiddenUnits: topUnits, seed: compute.seed)
    }

    func run() throws {
        compute.apply()
        let progress = ProgressLine(quiet: output.quiet)
        let (settings, folder) = try DBNRunSettings.start(
            fresh: DBNRunSettings(model: modelConfig(), training: training.config(seed: compute.seed), linearLearningRate: linearLr,
                                  data: dataOptions.source(visible: visible)),
            out: output.out, resume: output.resume, name: "dbn", givenFlags: output.givenSettingFlags)
        let report = try DBNExperiment.run(settings, in: folder, resume: output.resume != nil, log: progress.log)
        print(summaryTable(report.summary))
    }
}
