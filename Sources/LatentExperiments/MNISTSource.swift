import Foundation
import LatentIO
import LatentTensor

/// Which MNIST files and how much of them: a directory, or the 10,000 test images shipped in
/// `Data/mnist` (split 8,000 for training and 2,000 for testing).
public struct MNISTSource: Codable, Sendable, Equatable {
    public var data: String?
    public var trainLimit: Int?
    public var testLimit: Int?

    public init(data: String? = nil, trainLimit: Int? = nil, testLimit: Int? = nil) {
        self.data = data
        self.trainLimit = trainLimit
        self.testLimit = testLimit
    }

    /// The train and test sets, and a description of where they came from.
    public func load() throws -> (train: Dataset, test: Dataset, source: String) {
        var train: Dataset, test: Dataset, source: String
        if let dir = data {
            train = try MNIST.dataset(directory: dir, split: .train)
            test = try MNIST.dataset(directory: dir, split: .test)
            source = dir
        } else {
            let dir = try EmbeddedData.mnistDirectory()
            let all = try MNIST.dataset(directory: dir, split: .test)
            (train, test) = all.split(first: 8000)
            source = "shipped MNIST (\(dir): its 10,000 test images split 8,000 / 2,000)"
        }
        if let n = trainLimit, n < train.count { train = train.split(first: n).first }
        if let n = testLimit, n < test.count { test = test.split(first: n).first }
        return (train, test, source)
    }
}

/// Finds the data the repository ships.
public enum EmbeddedData {
    /// `$LATENT_DATA/<name>`, `./Data/<name>`, or `Data/<name>` beside the build folder of the
    /// running binary, whichever holds `marker`.
    public static func directory(_ name: String, marker: String) throws -> String {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["LATENT_DATA"] { candidates.append(env + "/" + name) }
        candidates.append(FileManager.default.currentDirectoryPath + "/Data/" + name)
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for up in 1...4 {
            var u = exe
            for _ in 0..<up { u = u.deletingLastPathComponent() }
            candidates.append(u.appendingPathComponent("Data/" + name).path)
        }
        for c in candidates where FileManager.default.fileExists(atPath: c + "/" + marker) { return c }
        throw ExperimentError("cannot find the shipped data (Data/\(name)); run from the repository, set LATENT_DATA, or pass --data DIR")
    }

    /// The shipped MNIST directory.
    public static func mnistDirectory() throws -> String {
        try directory("mnist", marker: "t10k-images-idx3-ubyte.gz")
    }
}

extension Dataset {
    /// `n` examples chosen at random (seeded), or everything when `n` is nil or not smaller.
    public func randomSubset(_ n: Int?, seed: UInt64) -> Dataset {
        guard let n, n < count else { return self }
        var rng = RandomGenerator(seed: seed ^ 0x1abe1)
        return subset(Array(rng.permutation(count).prefix(n)))
    }
}

extension EmbeddedData {
    /// The Lee background corpus shipped in `Data/text` (300 news articles, 60k words).
    public static func textCorpus() throws -> String {
        try directory("text", marker: "lee_background.cor") + "/lee_background.cor"
    }
}

extension EmbeddedData {
    /// The small images shipped in `Data/images` (textures and photographs, see its README).
    public static func imagesDirectory() throws -> String {
        try directory("images", marker: "gravel.png")
    }
}
