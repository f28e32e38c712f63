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
                      Interpolate.self, Arithmetic.self, Manifold.self, Conditional.self, AttackCommand.self, Texture.self,
                      Style.self, Words.self, Docs.self, Serve.self, Transfer.self, ZeroShot.self, Compare.self])

    static func main() {
        BLASEnvironment.prepare()
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            // Under mpirun every rank parses the same flags: one copy of a usage error is enough.
            if let rank = DistributedLaunch.environmentRank, rank != 0 { exit(withError: ExitCode.validationFailure) }
            exit(withError: error)
        }
        do {
            if let training = command as? any TrainingCommand { try DistributedLaunch.start(training.output) }
            try command.run()
            DistributedLaunch.finish()
        } catch {
            DistributedLaunch.fail(error)
        }
    }
}
