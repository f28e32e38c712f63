import Foundation
import Latent

/// Autoencoders in the tour: a deep autoencoder's 30-number codes against the best linear
/// projection of the same size, a denoising autoencoder filling in masked pixels, and the
/// filters a sparse over-complete code learns.
struct AutoencoderSection: DemoSection {
    let key = "autoencoders", title = "Autoencoders: codes that reconstruct"

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Any]) {
        let dir = try context.folder(key)
        let q = context.quick
        var blocks: [HTMLReport.Block] = []
        var figures: [String: Any] = [:]

        // A deep autoencoder, as in Hinton & Salakhutdinov (2006), trained on cross-entropy.
        var deep = Autoencoder.Config(kind: .deep)
        if q { deep.layers = [784, 128, 30] }
        deep.initializer = .heUniform
        deep.seed = context.seed
        let (deepModel, deepTrainer) = try train(deep, epochs: q ? 2 : 20, schedule: .cosine, context, in: dir + "/deep")
        let deepError = deepTrainer.history.last?["test_squared_error"] ?? .nan
        try AutoencoderPictures.write(deepModel, test: context.test.inputs, to: dir + "/deep")
        try RunReport.writeLossPlot(history: deepTrainer.history, keys: ["train_loss", "test_loss"],
                                    title: "Deep autoencoder: cross-entropy per image", to: dir + "/deep/loss.png")
        figures["deep"] = ["layers": deep.layers, "test_squared_error": deepError, "epochs": deepTrainer.history]
        blocks += [
            .paragraph("A deep autoencoder \(deep.layers.map(String.init).joined(separator: "-")) (ReLU, He initialisation, linear 30-number code, sigmoid output) learns to squeeze each digit into \(deep.codeWidth) numbers and back, trained with Adam and cosine decay on cross-entropy."),
            .keyValues([("test squared error per image", format(deepError) + " (sum over 784 pixels)"),
                        ("parameters", "\(deepModel.parameterCount)")]),
            .image(path: "\(key)/deep/reconstructions.png", caption: "Test digits (top) and their reconstructions from \(deep.codeWidth) numbers (bottom)", width: nil),
            .image(path: "\(key)/deep/loss.png", caption: "Training and test loss per epoch", width: nil),
        ]

        // Denoising: masking noise on half the pixels; the loss compares with the clean digit.
        var denoising = Autoencoder.Config(kind: .denoising)
        denoising.layers = q ? [784, 64, 32] : [784, 512, 64]
        denoising.seed = context.seed
        var plain = denoising
        plain.kind = .deep
        plain.corruption = .none
        let (dn, dnTrainer) = try train(denoising, epochs: q ? 2 : 12, schedule: .constant, context, in: dir + "/denoising", lr: 3e-3)
        let (pl, _) = try train(plain, epochs: q ? 2 : 12, schedule: .constant, context, in: dir + "/plain", lr: 3e-3)
        try AutoencoderPictures.write(dn, test: context.test.inputs, to: dir + "/denoising")
        var rng = RandomGenerator(seed: context.seed &+ 17)
        let noisy = denoising.corruption.apply(context.test.inputs, using: &rng)
        let dnError = Autoencoder.squaredErrorPerImage(dn.reconstruct(noisy), context.test.inputs)
        let plError = Autoencoder.squaredErrorPerImage(pl.reconstruct(noisy), context.test.inputs)
        figures["denoising"] = ["noisy_input_error_denoising": dnError, "noisy_input_error_plain": plError,
                                "epochs": dnTrainer.history]
        blocks += [
            .paragraph("A denoising autoencoder \(denoising.layers.map(String.init).joined(separator: "-")) sees digits with half their pixels set to zero and learns to restore the clean digit. Fed the same corrupted test digits, a plain autoencoder of the same shape reproduces the damage."),
            .table(header: ["model", "squared error vs the clean digit, masked input"],
                   rows: [["denoising autoencoder", format(dnError)], ["plain autoencoder", format(plError)]]),
            .image(path: "\(key)/denoising/reconstructions.png", caption: "Clean, reconstructed, masked, and restored test digits", width: nil),
        ]

        // A sparse over-complete code: more units than pixels' worth of structure, few active.
        var sparse = Autoencoder.Config(kind: .sparse)
        sparse.layers = q ? [784, 64] : [784, 400]
        sparse.sparsity = .kl(target: 0.05, weight: 3)
        sparse.seed = context.seed
        let (sp, spTrainer) = try train(sparse, epochs: q ? 2 : 10, schedule: .constant, context, in: dir + "/sparse", lr: 3e-3)
        try AutoencoderPictures.write(sp, test: context.test.inputs, to: dir + "/sparse")
        let s = Autoencoder.sparsity(of: sp.encode(context.test.inputs))
        figures["sparse"] = ["code_mean_activation": s.meanActivation, "code_near_zero_fraction": s.nearZero,
                             "epochs": spTrainer.history]
        blocks += [
            .paragraph("A sparse autoencoder with \(sparse.codeWidth) sigmoid code units and a KL penalty pulling each unit's mean activation toward 0.05: each digit is described by a few active units, and each unit's input weights become a stroke detector."),
            .keyValues([("mean code activation", String(format: "%.3f (target 0.05)", s.meanActivation)),
                        ("code values below 0.05", String(format: "%.1f %%", s.nearZero * 100))]),
            .image(path: "\(key)/sparse/filters.png", caption: "Input weights of the first 100 code units (each normalised to its own range)", width: nil),
        ]
        return (HTMLReport.Section(title, blocks: blocks), figures)
    }

    private func train(_ config: Autoencoder.Config, epochs: Int, schedule: LearningRateSchedule, _ context: DemoContext,
                       in dir: String, lr: Float = 1e-3) throws -> (Autoencoder, TrainingLoop) {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var training = TrainingConfig()
        training.epochs = epochs
        training.schedule = schedule
        training.learningRate = lr
        training.seed = context.seed
        context.progress.note("  \(config.summary)")
        return try AutoencoderTraining.run(model: config, training: training, train: context.train, test: context.test,
                                           runDirectory: dir, onEvent: context.progress.update)
    }
}
