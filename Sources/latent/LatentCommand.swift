import ArgumentParser
import Latent

@main
struct LatentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent",
        abstract: "Representation learning and deep generative models on the CPU.",
        discussion: """
            Train models, look at what they learn and save results in formats the Python world \
            reads (safetensors, .npy). Every command writes a run folder with a checkpoint, \
            metrics.json and pictures. Start with `latent demo`.
            """,
        version: "0.1.0",
        subcommands: [Demo.self, Train.self, Evaluate.self, Reconstruct.self, Encode.self, Embed.self, Sample.self,
                      Interpolate.self, Arithmetic.self, Manifold.self, Conditional.self, Words.self, Docs.self])

    static func main() {
        BLASEnvironment.prepare()
        main(nil)
    }
}
