import LatentTensor

/// Every bound Latent puts on what comes in from outside (model files, flags, the environment),
/// in one place, so the documentation (`docs/limits.md`) and the checks cannot drift apart.
///
/// The bounds are chosen so that no accepted input can make a command allocate more than about
/// 2 GB, while every workload of the benchmarks, the demo and the lectures stays well inside them.
public enum InputLimits {
    /// Weights a model built from a file's config may have, at most (2²⁸ floats, 1 GiB). A config
    /// is refused before anything is allocated if it implies more weights than this, or more than
    /// the file holds.
    public static let modelWeights = 1 << 28

    /// Weights of a model trained from flags, at most (2²⁶ floats, 256 MB): training keeps the
    /// weights, their gradients and two Adam moments, four times as much.
    public static let trainedWeights = 1 << 26

    /// Images one command draws, reconstructs or interpolates at most (`--count`, `--steps`, …).
    public static let generatedImages = 10_000

    /// Columns of an image grid (`--columns`); 100 columns of 28×28 pixels are 2,800 pixels wide.
    public static let gridColumns = 100

    /// Cells on one side of a latent-space grid (`manifold --grid`): 100 × 100 decoded images.
    public static let gridSide = 100

    /// Width of any layer given on the command line (`--hidden`, `--latent`, `--code`).
    public static let layerWidth = 65_536

    /// Hidden layers given on the command line.
    public static let layerCount = 64

    /// Components of a mixture prior (`--components`).
    public static let mixtureComponents = 1_000

    /// Components × latent dimensions × examples a mixture prior's density is evaluated on at once
    /// (`--components` × `--latent` × the larger of `--batch-size` and `--iwae-samples`): the
    /// density builds several tensors of that size: 1,000 × 1,024 × 128 took 7.6 GB, 2²⁴ took 1.7 GB.
    public static let mixtureWork = 1 << 23

    /// Samples per example of an importance-weighted bound (`--iwae-samples`).
    public static let importanceSamples = 10_000

    /// A word2vec or GloVe context window (`--window`), words either side.
    public static let contextWindow = 1_000

    /// Neighbours a query lists (`--top`).
    public static let neighbours = 100_000

    /// Threads of the BLAS and of Latent's own loops (`--threads`, `OMP_NUM_THREADS`): libgomp
    /// crashed at 100,000 and reserved 1.47 GB at 20,000 (see `Threads.maximum`).
    public static let threads = 1...Threads.maximum

    /// Epochs of one training run.
    public static let epochs = 100_000

    /// `a × b`, or `Int.max` when it overflows: sizes read from a file are multiplied without
    /// trapping, and a saturated product is refused like any other that is too large.
    @inlinable public static func product(_ a: Int, _ b: Int) -> Int {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? Int.max : value
    }

    /// `a + b`, or `Int.max` when it overflows.
    @inlinable public static func sum(_ a: Int, _ b: Int) -> Int {
        let (value, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int.max : value
    }

    /// Weights of fully connected layers `widths[0] → widths[1] → …` (biases not counted), saturating.
    @inlinable public static func denseWeights(_ widths: [Int]) -> Int {
        zip(widths, widths.dropFirst()).reduce(0) { sum($0, product(max($1.0, 0), max($1.1, 0))) }
    }
}
