import ArgumentParser
import Foundation
import Latent

/// `latent train rbm`: one restricted Boltzmann machine by CD-k or PCD.
struct TrainRBM: TrainingCommand {
    static let configuration = CommandConfiguration(
        commandName: "rbm",
        abstract: "Train a restricted Boltzmann machine (CD-k or PCD) on MNIST or the rows of an .npy.",
        discussion: """
            Writes into --out: model.safetensors (weight [hidden, visible], h_bias, v_bias; config in \
            metadata), checkpoint.safetensors (for --resume), metrics.json (per epoch: test \
            reconstruction error, free energy, pseudo-likelihood), curves.png, filters.png, \
            reconstructions.png and samples.png (Gibbs chains from noise). With --ais-runs, the test \
            log-likelihood of a binary RBM by annealed importance sampling, with its standard error. \
            scikit-learn's BernoulliRBM: --persistent --momentum 0 --final-momentum 0 --weight-decay 0.
            """)

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: RBMDataOptions
    @OptionGroup var training: RBMTrainingOptions
    @OptionGroup var output: RunOptions

    @Option(help: "Hidden units.")
    var hidden: Int = 256

    @Option(help: "Visible units: bernoulli (data in [0, 1]) or gaussian (columns standardised).")
    var visible: RBM.Config.VisibleUnits = .bernoulli

    @Option(name: .customLong("hidden-units"), help: "Hidden units: bernoulli or linear (linear-Gaussian).")
    var hiddenUnits: RBM.Config.HiddenUnits = .bernoulli

    @Option(help: "Annealed importance sampling runs after training (0: none; binary units only).")
    var aisRuns: Int = 0

    @Option(help: "Intermediate distributions of each AIS run.")
    var aisSteps: Int = 14_500

    @Option(help: "Gibbs steps of the fantasy particles in samples.png.")
    var sampleSteps: Int = 1000

    func validate() throws {
        try FlagBounds.check("--hidden", hidden, in: FlagBounds.width)
        try FlagBounds.check("--ais-runs", aisRuns, in: 0...InputLimits.importanceSamples)
        try FlagBounds.check("--ais-steps", aisSteps, in: 3...1_000_000)
        try FlagBounds.check("--sample-steps", sampleSteps, in: 1...1_000_000)
        if aisRuns == 1 { throw ValidationError("--ais-runs needs at least 2 runs for a standard error, got 1.") }
        if aisRuns > 0 && (visible != .bernoulli || hiddenUnits != .bernoulli) {
            throw ValidationError("--ais-runs estimates log Z of binary RBMs; drop it for --visible gaussian or --hidden-units linear.")
        }
        do { try FlagBounds.checkWeights(RBM.self, modelConfig()) } catch let error as ModelError { throw ValidationError(error.description + ".") }
    }

    func modelConfig() -> RBM.Config {
        RBM.Config(visible: 784, hidden: hidden, visibleUnits: visible, hiddenUnits: hiddenUnits, seed: compute.seed)
    }

    func run() throws {
        compute.apply()
        let progress = ProgressLine(quiet: output.quiet)
        let (settings, folder) = try RBMRunSettings.start(
            fresh: RBMRunSettings(model: modelConfig(), training: training.config(seed: compute.seed),
                                  data: dataOptions.source(visible: visible),
                                  ais: aisRuns > 0 ? .init(runs: aisRuns, steps: aisSteps) : nil, sampleSteps: sampleSteps),
            out: output.out, resume: output.resume, name: "rbm", givenFlags: output.givenSettingFlags)
        let report = try RBMExperiment.run(settings, in: folder, resume: output.resume != nil, log: progress.log)
        print(summaryTable(report.summary))
    }
}
