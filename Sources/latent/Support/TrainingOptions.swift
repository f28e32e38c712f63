import ArgumentParser
import Latent

extension TrainingConfig.OptimizerKind: ExpressibleByArgument {}
extension LearningRateSchedule: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}
extension Initializer: ExpressibleByArgument {}

/// The optimisation flags shared by every gradient-trained model.
struct TrainingOptions: ParsableArguments {
    @Option(help: "Passes over the training set.")
    var epochs: Int = 5

    @Option(help: "Examples per mini-batch.")
    var batchSize: Int = 128

    @Option(name: [.customLong("lr"), .customLong("learning-rate")], help: "Learning rate.")
    var learningRate: Float = 1e-3

    @Option(help: "Optimiser: \(TrainingConfig.OptimizerKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var optimizer: TrainingConfig.OptimizerKind = .adam

    @Option(help: "SGD momentum.")
    var momentum: Float = 0.9

    @Option(help: "L2 weight decay.")
    var weightDecay: Float = 0

    @Option(help: "Learning-rate schedule: \(LearningRateSchedule.allCases.map(\.rawValue).joined(separator: ", ")).")
    var schedule: LearningRateSchedule = .constant

    @Option(help: "Clip the gradient norm to this value.")
    var clipNorm: Float?

    func validate() throws {
        try FlagBounds.check("--epochs", epochs, in: 1...InputLimits.epochs)
        do { try config(seed: 1).validate() } catch { throw ValidationError(error.description + ".") }
    }

    func config(seed: UInt64) -> TrainingConfig {
        var c = TrainingConfig()
        c.epochs = epochs
        c.batchSize = batchSize
        c.learningRate = learningRate
        c.optimizer = optimizer
        c.momentum = momentum
        c.weightDecay = weightDecay
        c.schedule = schedule
        c.clipNorm = clipNorm
        c.seed = seed
        return c
    }
}
