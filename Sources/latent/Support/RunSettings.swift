import Foundation
import Latent

/// Everything needed to rebuild a training run (`run.json` in the run folder), so `--resume DIR`
/// needs no other flag.
struct RunSettings<Model: Codable>: RunFile {
    var model: Model
    var training: TrainingConfig
    var data: MNISTSource
    /// Train on only this many labelled examples (a seeded random subset).
    var labels: Int?
}

/// Settings saved as `run.json` in a run folder, so `--resume DIR` needs no other flag.
protocol RunFile: Codable {}

extension RunFile {
    func write(runDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(String(decoding: try encoder.encode(self), as: UTF8.self), to: runDirectory + "/run.json")
    }

    /// Reads the settings of a run made by `latent <command>`.
    static func read(runDirectory: String, command: String) throws -> Self {
        let path = runDirectory + "/run.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("\(path): missing; --resume needs a run folder made by `latent \(command)`")
        }
        do { return try JSONDecoder().decode(Self.self, from: data) } catch {
            throw CLIError("\(path): not a run of `latent \(command)`: \(error)")
        }
    }
}

