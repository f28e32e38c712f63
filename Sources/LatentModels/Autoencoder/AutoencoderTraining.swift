import Foundation
import LatentIO
import LatentNN
import LatentTensor

/// The recipe for training an `Autoencoder`: corrupt (if denoising), reconstruct, add the
/// sparsity penalty, step; after every epoch report the test reconstruction error.
public enum AutoencoderTraining {
    /// Trains on `train` (labels unused), evaluating on `test` after every epoch, with
    /// checkpoints in `runDirectory`. Per-epoch figures: `train_loss` (the total objective),
    /// `test_squared_error` (per image, clean input), `test_loss` (the reconstruction term of the
    /// configured loss on clean inputs), and for denoising `test_squared_error_noisy` (corrupted
    /// test inputs against clean targets). `initial` (of `config`) starts from given weights, as
    /// an unrolled DBN does; a resume takes every weight from the checkpoint instead.
    public static func run(model config: Autoencoder.Config, training: TrainingConfig, train: Dataset, test: Dataset,
                           runDirectory: String?, resume: Bool = false, initial: Autoencoder? = nil,
                           onEvent: (TrainingEvent) -> Void = { _ in }) throws -> (Autoencoder, TrainingLoop) {
        guard train.inputs.rank == 2, train.inputs.shape[1] == config.inputSize,
              test.inputs.rank == 2, test.inputs.shape[1] == config.inputSize else {
            throw ModelError.invalidConfig("inputs have shape \(train.inputs.shape), the autoencoder expects \(config.inputSize) features")
        }
        if let initial, initial.config != config {
            throw ModelError.invalidConfig("the initial autoencoder is \(initial.config.summary), the run's \(config.summary)")
        }
        let model = try initial ?? Autoencoder(config)
        let (loop, optimizer) = try ModelTraining.loop(for: model, training: training, runDirectory: runDirectory, resume: resume)
        // A fixed corrupted copy of the test set, so the noisy figure compares like with like.
        var testNoise = RandomGenerator(seed: config.seed &+ 303)
        let noisyTest = config.corruption == .none ? nil : config.corruption.apply(test.inputs, using: &testNoise)
        try loop.run(train) { step in
            let input = config.corruption.apply(step.batch.inputs, using: &model.noise.rng)
            let loss = optimizer.minimize(model) { model.losses(input: input, clean: step.batch.inputs).total }
            return ["train_loss": Double(loss)]
        } evaluate: { _ in
            evaluate(model, test: test.inputs, noisy: noisyTest)
        } afterEpoch: { _ in
            try ModelTraining.saveModel(model, runDirectory: runDirectory)
        } onEvent: { onEvent($0) }
        return (model, loop)
    }

    /// Test figures of a trained model (see `run`).
    public static func evaluate(_ model: Autoencoder, test: Tensor, noisy: Tensor? = nil) -> [String: Double] {
        let reconstruction = model.reconstruct(test)
        var figures = ["test_squared_error": Autoencoder.squaredErrorPerImage(reconstruction, test)]
        if model.config.loss == .bce && model.config.kind != .linear {
            figures["test_loss"] = crossEntropyPerImage(reconstruction, test)
        } else {
            figures["test_loss"] = figures["test_squared_error"]
        }
        if let noisy {
            figures["test_squared_error_noisy"] = Autoencoder.squaredErrorPerImage(model.reconstruct(noisy), test)
        }
        if model.config.sparsity != .none || model.config.codeActivation != .linear {
            let s = Autoencoder.sparsity(of: model.encode(test))
            figures["code_mean_activation"] = s.meanActivation
            figures["code_near_zero_fraction"] = s.nearZero
        }
        return figures
    }

    /// Bernoulli cross-entropy per image of probabilities `p` against targets in [0, 1].
    static func crossEntropyPerImage(_ p: Tensor, _ target: Tensor) -> Double {
        var total = 0.0
        p.withUnsafeBufferPointer { pp in
            target.withUnsafeBufferPointer { tt in
                for i in pp.indices {
                    let q = Swift.min(Swift.max(Double(pp[i]), 1e-7), 1 - 1e-7), t = Double(tt[i])
                    total -= t * log(q) + (1 - t) * log(1 - q)
                }
            }
        }
        return total / Double(Swift.max(target.shape[0], 1))
    }
}
