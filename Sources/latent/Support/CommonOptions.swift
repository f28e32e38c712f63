import ArgumentParser
import Foundation
import Latent

/// Flags every command that computes takes.
struct ComputeOptions: ParsableArguments {
    @Option(help: "Threads for Latent's kernels and BLAS (default: all cores).")
    var threads: Int?

    @Option(help: "Seed for every random choice; the same seed gives the same numbers.")
    var seed: UInt64 = 1

    func validate() throws {
        if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1, got \(t).") }
    }

    /// Puts the thread count into force.
    func apply() { Threads.set(threads ?? Threads.defaultCount) }
}

/// Where MNIST comes from: a directory the user names, or the 10k test set shipped in `Data/`.
struct DataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Directory with the MNIST IDX files (gz or raw). Default: the 10,000 test images shipped in Data/mnist, split into train and test.", valueName: "dir"))
    var data: String?

    @Option(help: "Use at most this many training images.")
    var trainLimit: Int?

    @Option(help: "Use at most this many test images.")
    var testLimit: Int?

    func validate() throws {
        if let n = trainLimit, n < 1 { throw ValidationError("--train-limit must be positive, got \(n).") }
        if let n = testLimit, n < 1 { throw ValidationError("--test-limit must be positive, got \(n).") }
    }

    /// The data these flags select.
    var source: MNISTSource { MNISTSource(data: data, trainLimit: trainLimit, testLimit: testLimit) }

    /// Loads the train and test sets.
    func load() throws -> (train: Dataset, test: Dataset, source: String) { try source.load() }
}

/// Which MNIST files and how much of them: a directory, or the shipped 10k images.
struct MNISTSource: Codable {
    var data: String?
    var trainLimit: Int?
    var testLimit: Int?

    /// Loads the train and test sets.
    func load() throws -> (train: Dataset, test: Dataset, source: String) {
        var train: Dataset, test: Dataset, source: String
        if let dir = data {
            train = try MNIST.dataset(directory: dir, split: .train)
            test = try MNIST.dataset(directory: dir, split: .test)
            source = dir
        } else {
            let dir = try EmbeddedData.mnistDirectory()
            let all = try MNIST.dataset(directory: dir, split: .test)
            // The shipped set is MNIST's test set: train on its first 8,000, test on the last 2,000.
            (train, test) = all.split(first: 8000)
            source = dir + " (embedded: first 8000 as train, last 2000 as test)"
        }
        if let n = trainLimit, n < train.count { train = train.split(first: n).first }
        if let n = testLimit, n < test.count { test = test.split(first: n).first }
        return (train, test, source)
    }
}

/// Finds the data the repository ships.
enum EmbeddedData {
    /// `$LATENT_DATA/mnist`, `./Data/mnist`, or `Data/mnist` beside the build folder of the binary.
    static func mnistDirectory() throws -> String {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["LATENT_DATA"] { candidates.append(env + "/mnist") }
        candidates.append(FileManager.default.currentDirectoryPath + "/Data/mnist")
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for up in 1...4 {
            var u = exe
            for _ in 0..<up { u = u.deletingLastPathComponent() }
            candidates.append(u.appendingPathComponent("Data/mnist").path)
        }
        for c in candidates where FileManager.default.fileExists(atPath: c + "/t10k-images-idx3-ubyte.gz") { return c }
        throw CLIError("cannot find the shipped MNIST files (Data/mnist); run from the repository, set LATENT_DATA, or pass --data DIR")
    }
}

/// An error for the command line: printed as one line.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Output folder handling.
enum RunDirectory {
    /// `out` if given, else `runs/<name>-<timestamp>`; created if missing.
    static func make(_ out: String?, name: String) throws -> String {
        let path: String
        if let out {
            path = out
        } else {
            let f = DateFormatter()
            f.dateFormat = "yyyyMMdd-HHmmss"
            path = "runs/\(name)-\(f.string(from: Date()))"
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CLIError("\(path): cannot create output directory: \(error.localizedDescription)")
        }
        return path
    }
}
