import Foundation
import LatentIO
import Testing

/// Runs the built `latent` binary and captures what it prints.
struct CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The repository root (two levels above this file's folder).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The `latent` executable next to the test bundle (the same build configuration).
    static var binary: URL? {
        var candidates = [Bundle.main.bundleURL.appendingPathComponent("latent")]
        for b in Bundle.allBundles { candidates.append(b.bundleURL.deletingLastPathComponent().appendingPathComponent("latent")) }
        candidates.append(root.appendingPathComponent(".build/debug/latent"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Open MPI's launcher, when installed.
    static let mpirun: URL? = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].map(URL.init(fileURLWithPath:))
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }

    /// `mpirun` arguments that start `ranks` copies of `latent arguments…` on this machine (as root
    /// in CI, more ranks than cores allowed, TCP over loopback).
    static func mpiArguments(ranks: Int, _ arguments: [String]) throws -> [String] {
        guard let binary else { throw CLIMissing() }
        return ["--allow-run-as-root", "--oversubscribe", "--mca", "btl", "tcp,self", "-np", String(ranks), binary.path] + arguments
    }

    /// Runs `latent arguments…` under `mpirun -np ranks`.
    static func runMPI(ranks: Int, _ arguments: [String], timeout: Double = 300,
                       environment: [String: String] = [:]) throws -> Result {
        guard let mpirun else { throw CLIMissing() }
        return try run(try mpiArguments(ranks: ranks, arguments), executable: mpirun, timeout: timeout,
                       environment: environment)
    }

    /// Runs `latent arguments…` in `directory` (default: the repository root); another
    /// `executable` (mpirun) when given. A run longer than `timeout` seconds is killed.
    static func run(_ arguments: [String], in directory: URL? = nil, executable: URL? = nil,
                    timeout: Double = .infinity, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        guard let binary else { throw CLIMissing() }
        process.executableURL = executable ?? binary
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.currentDirectoryURL = directory ?? root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        if timeout.isFinite {
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [process] in
                guard process.isRunning else { return }
                // Children first (mpirun's ranks), then the process itself.
                let pkill = Process()
                pkill.executableURL = URL(fileURLWithPath: "/usr/bin/pkill")
                pkill.arguments = ["-KILL", "-P", String(pid)]
                try? pkill.run()
                pkill.waitUntilExit()
                kill(pid, SIGKILL)
            }
        }
        // Drain stderr on another thread while reading stdout here, so a chatty child never
        // blocks on a full pipe.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box(), group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    /// Starts `latent arguments…`, waits until `checkpoint` records at least `epochs` finished
    /// epochs (it is written atomically: before the first epoch, then after each), then kills the
    /// process with SIGKILL. With `killChildren`, the process's children are killed instead (the
    /// ranks of mpirun).
    static func killAfterFirstCheckpoint(_ arguments: [String], checkpoint: String, epochs: Int = 1, executable: URL? = nil,
                                         killChildren: Bool = false) throws {
        guard let binary else { throw CLIMissing() }
        let process = Process()
        process.executableURL = executable ?? binary
        process.arguments = arguments
        process.currentDirectoryURL = root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        func reached() -> Bool {
            guard FileManager.default.fileExists(atPath: checkpoint) else { return false }
            return epochs == 0 || ((try? completedEpochs(checkpoint: checkpoint)) ?? nil).map { $0 >= epochs } ?? false
        }
        while !reached() && process.isRunning { usleep(epochs == 0 ? 2000 : 20_000) }
        if killChildren {
            // The launched ranks, not the launcher: mpirun started from a test may have SIGTERM
            // blocked, and a SIGKILLed mpirun would leave its ranks running.
            let pkill = Process()
            pkill.executableURL = URL(fileURLWithPath: "/usr/bin/pkill")
            pkill.arguments = ["-KILL", "-P", String(process.processIdentifier)]
            try pkill.run()
            pkill.waitUntilExit()
        } else {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }

    /// Epochs finished according to a training checkpoint's loop state (nil: no such state).
    static func completedEpochs(checkpoint: String) throws -> Int? {
        guard let json = try SafeTensors.read(path: checkpoint).metadata["latent.loop"],
              let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return nil }
        return object["completedEpochs"] as? Int
    }

    /// Trains `latent train <model> common…` once uninterrupted into `dir/full`, once killed with
    /// SIGKILL after its first checkpoint into `dir/killed` and resumed from that folder, and
    /// checks the two model files are bit-identical. `epochs` is the run's length: a kill that
    /// came too late (all epochs done) would prove nothing and fails the test.
    static func expectResumeAfterKillIsBitIdentical(model: [String], common: [String], epochs: Int, in dir: URL) throws {
        var r = try run(["train"] + model + ["--out", dir.path + "/full"] + common)
        #expect(r.status == 0, "\(r.stderr)")
        let checkpoint = dir.path + "/killed/checkpoint.safetensors"
        try killAfterFirstCheckpoint(["train"] + model + ["--out", dir.path + "/killed"] + common, checkpoint: checkpoint)
        let done = try #require(try completedEpochs(checkpoint: checkpoint), "the checkpoint has no loop state")
        #expect(done >= 1 && done < epochs, "killed after \(done) of \(epochs) epochs: the test proves nothing")
        r = try run(["train"] + model + ["--resume", dir.path + "/killed", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let a = try SafeTensors.read(path: dir.path + "/full/model.safetensors")
        let b = try SafeTensors.read(path: dir.path + "/killed/model.safetensors")
        #expect(a.names == b.names && !a.names.isEmpty)
        for t in a.tensors { #expect(b[t.name]?.tensor == t.tensor, "\(t.name) differs after kill and resume") }
    }

    struct CLIMissing: Error {}
}

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("latent-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
