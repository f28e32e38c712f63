import ArgumentParser
import Latent

extension RBM.Config.VisibleUnits: ExpressibleByArgument {}
extension RBM.Config.HiddenUnits: ExpressibleByArgument {}

/// The contrastive-divergence flags of `latent train rbm` and `latent train dbn`.
struct RBMTrainingOptions: ParsableArguments {
    @Option(help: "Passes over the training set (per layer for a DBN).")
    var epochs: Int = 10

    @Option(help: "Examples per mini-batch.")
    var batchSize: Int = 100

    @Option(name: [.customLong("lr"), .customLong("learning-rate")], help: "Learning rate on the batch-mean gradient (0.1 suits binary units).")
    var learningRate: Float = 0.1

    @Option(name: .customLong("cd-k"), help: "Gibbs steps per update (k of CD-k; steps of each persistent chain with --persistent).")
    var gibbsSteps: Int = 1

    @Flag(help: "Persistent contrastive divergence (PCD): the negative chains carry on between updates.")
    var persistent = false

    @Option(help: "Momentum of the first --momentum-epochs epochs.")
    var momentum: Float = 0.5

    @Option(help: "Momentum after the first --momentum-epochs epochs.")
    var finalMomentum: Float = 0.9

    @Option(help: "Epochs at the initial momentum.")
    var momentumEpochs: Int = 5

    @Option(help: "L2 weight decay on the weights (not the biases).")
    var weightDecay: Float = 0.0002

    @Option(help: "Target mean activation of the hidden units (adds a sparsity term).")
    var sparsityTarget: Float?

    @Option(help: "Weight of the sparsity term.")
    var sparsityCost: Float = 0.1

    func validate() throws {
        try FlagBounds.check("--epochs", epochs, in: 1...InputLimits.epochs)
        try FlagBounds.check("--batch-size", batchSize, in: 1...InputLimits.layerWidth)
        try FlagBounds.check("--cd-k", gibbsSteps, in: 1...1000)
        try FlagBounds.check("--momentum-epochs", momentumEpochs, in: 0...InputLimits.epochs)
        do { try config(seed: 1).validate() } catch { throw ValidationError(error.description + ".") }
    }

    func config(seed: UInt64) -> RBMTrainingConfig {
        var c = RBMTrainingConfig()
        c.epochs = epochs
        c.batchSize = batchSize
        c.learningRate = learningRate
        c.gibbsSteps = gibbsSteps
        c.persistent = persistent
        c.initialMomentum = momentum
        c.finalMomentum = finalMomentum
        c.momentumEpochs = momentumEpochs
        c.weightDecay = weightDecay
        c.sparsityTarget = sparsityTarget
        c.sparsityCost = sparsityCost
        c.seed = seed
        return c
    }
}

/// Where an RBM's or a DBN's rows come from and how they are prepared.
struct RBMDataOptions: ParsableArguments {
    @OptionGroup var mnist: DataOptions

    @Option(help: ArgumentHelp("Train on the rows of this .npy ([N, D], float) instead of MNIST.", valueName: "path"))
    var trainNPY: String?

    @Option(help: ArgumentHelp("With --train-npy: the test rows (default: the last tenth of the training rows).", valueName: "path"))
    var testNPY: String?

    @Flag(help: "Binarise the data: values > 0.5 become 1, the rest 0.")
    var binarize = false

    func validate() throws {
        if testNPY != nil && trainNPY == nil { throw ValidationError("--test-npy needs --train-npy.") }
        if trainNPY != nil && mnist.data != nil { throw ValidationError("--train-npy and --data name two data sets; give one.") }
    }

    /// The data settings; Gaussian visible units get standardised columns.
    func source(visible: RBM.Config.VisibleUnits) -> RBMData {
        RBMData(mnist: mnist.source, trainNPY: trainNPY, testNPY: testNPY, binarize: binarize, standardize: visible == .gaussian)
    }
}
