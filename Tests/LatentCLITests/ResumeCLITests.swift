import Foundation
import Testing

/// Kill -9 after the first checkpoint, resume, and end bit-identical to an uninterrupted run:
/// for the models whose other CLI tests do not already do it (the classifier's and the VAE's do).
@Suite(.serialized) struct ResumeCLITests {
    @Test func autoencoderResumeAfterKillIsBitIdentical() throws {
        let dir = try temporaryDirectory("ae-resume")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Denoising: the corruption stream must be restored too.
        try CLI.expectResumeAfterKillIsBitIdentical(
            model: ["autoencoder", "--kind", "denoising", "--layers", "784,64,16"],
            common: ["--train-limit", "3000", "--test-limit", "100", "--epochs", "3", "--seed", "4", "--quiet"],
            epochs: 3, in: dir)
    }

    @Test func rbmResumeAfterKillIsBitIdentical() throws {
        let dir = try temporaryDirectory("rbm-resume")
        defer { try? FileManager.default.removeItem(at: dir) }
        // PCD on binarised images: the persistent chains, the sampling stream (whose draws seed
        // the lane generators of the sparse path) and the momentum must all resume.
        try CLI.expectResumeAfterKillIsBitIdentical(
            model: ["rbm", "--hidden", "64", "--persistent", "--binarize"],
            common: ["--train-limit", "3000", "--test-limit", "100", "--epochs", "3", "--batch-size", "32", "--seed", "5", "--quiet"],
            epochs: 3, in: dir)
    }

    @Test func ganResumeAfterKillIsBitIdentical() throws {
        let dir = try temporaryDirectory("gan-resume")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Two optimisers, the noise stream and the generator's running average must all resume.
        try CLI.expectResumeAfterKillIsBitIdentical(
            model: ["gan", "--kind", "mlp", "--generator-hidden", "64", "--discriminator-hidden", "64", "--latent", "8",
                    "--average-decay", "0.99"],
            common: ["--train-limit", "3000", "--test-limit", "200", "--eval-samples", "200", "--epochs", "3",
                     "--batch-size", "64", "--seed", "6", "--quiet"],
            epochs: 3, in: dir)
    }
}
