import Foundation
import Latent

/// Data-parallel training: the tour's classifier trained by one process and by two MPI ranks
/// (`mpirun -np 2 latent train classifier …`, one thread each), side by side. Skipped, and said
/// so, where Open MPI's mpirun is not installed.
struct DistributedSection: DemoSection {
    let key = "distributed", title = "Data-parallel training on Open MPI"

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Metric]) {
        let dir = try context.folder(key)
        guard let mpirun = Self.findExecutable("mpirun") else {
            let note = "Open MPI's mpirun is not installed (Debian: openmpi-bin), so this part of the tour was skipped."
            context.progress.note(note)
            return (HTMLReport.Section(title, blocks: [.paragraph(note)]), ["skipped": .flag(true)])
        }
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let epochs = context.quick ? 1 : 3
        var flags = ["train", "classifier", "--epochs", String(epochs), "--seed", String(context.seed), "--threads", "1", "--quiet"]
        if let n = context.data.trainLimit { flags += ["--train-limit", String(n)] }
        if let n = context.data.testLimit { flags += ["--test-limit", String(n)] }
        if let d = context.data.data { flags += ["--data", d] }
        try Self.launch(me, flags + ["--out", dir + "/one"])
        try Self.launch(mpirun, ["--allow-run-as-root", "--oversubscribe", "--mca", "btl", "tcp,self", "-np", "2", me]
                        + flags + ["--out", dir + "/two"])
        let one = try Self.history(dir + "/one/metrics.json"), two = try Self.history(dir + "/two/metrics.json")
        var rows: [[String]] = []
        var worst = 0.0
        for (a, b) in zip(one, two) {
            let la = a["train_loss"] ?? .nan, lb = b["train_loss"] ?? .nan
            worst = max(worst, abs(la - lb) / abs(la))
            let share = (b["allreduce_seconds"] ?? .nan) / (b["train_seconds"] ?? .nan)
            rows.append([String(Int(a["epoch"] ?? 0)), String(format: "%.6f", la), String(format: "%.6f", lb),
                         formatPercent(a["test_accuracy"] ?? .nan), formatPercent(b["test_accuracy"] ?? .nan),
                         String(format: "%.1f %%", 100 * share)])
        }
        context.progress.note("1 process vs 2 ranks: largest relative difference of the epoch losses \(String(format: "%.1e", worst))")
        let section = HTMLReport.Section(title, blocks: [
            .paragraph("The same classifier run twice: by one process, and by two processes started with mpirun -np 2 (Open MPI, TCP over loopback), each computing half of every mini-batch. The ranks all-reduce their gradients in every optimiser update, so both runs see the same batches, draw the same dropout masks and take the same steps: their losses agree up to the order of floating-point sums. The last column is the share of the 2-rank epoch spent in the all-reduce, waiting for the other rank included. On several machines: mpirun -H host1,host2 … (see docs/distributed.md)."),
            .table(header: ["epoch", "loss, 1 process", "loss, 2 ranks", "test accuracy, 1 process", "test accuracy, 2 ranks", "all-reduce share"],
                   rows: rows),
        ])
        return (section, ["largest_relative_loss_difference": .number(worst),
                          "one_process": .history(one), "two_ranks": .history(two)])
    }

    /// Runs `executable arguments…`, its output discarded; a failure is an error with its last words.
    static func launch(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let last = String(decoding: message, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
            throw ExperimentError("\(URL(fileURLWithPath: executable).lastPathComponent) \(arguments.prefix(3).joined(separator: " ")) …: exit \(process.terminationStatus): \(last)")
        }
    }

    /// The per-epoch figures of a run's metrics.json.
    static func history(_ path: String) throws -> [[String: Double]] {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let epochs = object["epochs"] as? [[String: Any]] else {
            throw ExperimentError("\(path): missing or without per-epoch figures")
        }
        return epochs.map { $0.compactMapValues { ($0 as? NSNumber)?.doubleValue } }
    }

    /// `name` on the PATH (or in /usr/bin), if executable.
    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return (path.split(separator: ":").map(String.init) + ["/usr/bin"]).map { $0 + "/" + name }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
