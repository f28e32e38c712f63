import ArgumentParser

/// `latent train <model>`: one subcommand per kind of model.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model and write its run folder (checkpoint, metrics.json, pictures).",
        subcommands: [TrainClassifier.self, TrainAutoencoder.self, TrainVAE.self, TrainGAN.self, TrainDANN.self,
                       TrainRBM.self, TrainDBN.self, TrainMultitask.self])
}
