import Foundation
import LatentModels
import LatentPlot
import LatentTensor

/// The pictures of a trained RBM on square images: its filters, mean-field reconstructions, and
/// fantasy particles of Gibbs chains.
public enum RBMPictures {
    /// The side of square images of `pixels` values, or nil.
    static func side(_ pixels: Int) -> Int? {
        let s = Int(Double(pixels).squareRoot().rounded())
        return s * s == pixels ? s : nil
    }

    /// Writes `filters.png` (the first 100 hidden units' weights as images), `reconstructions.png`
    /// (test rows above their reconstructions) and `samples.png` (see `writeSamples`) into `dir`.
    /// Does nothing for visible layers that are not square images.
    public static func write(_ rbm: RBM, test: Tensor, gibbsSteps: Int, seed: UInt64, to dir: String) throws {
        guard side(rbm.visibleCount) != nil, test.shape[0] > 0 else { return }
        let filters = rbm.weight.value.rows(0..<Swift.min(100, rbm.hiddenCount))
        try ImageGrid.filters(filters, columns: 10, title: PictureTitle.filters(shown: filters.shape[0], of: rbm.hiddenCount, units: "hidden units"))
            .writePNG(to: URL(fileURLWithPath: dir + "/filters.png"))
        let n = Swift.min(20, test.shape[0])
        let originals = test.rows(0..<n)
        try GridPicture.write(displayable(Tensor.concat([originals, rbm.reconstruct(originals)])), columns: n,
                              rowLabels: ["input", "output"], title: "Test images and their mean-field reconstructions",
                              to: dir + "/reconstructions.png")
        try writeSamples(rbm, count: 10, gibbsSteps: gibbsSteps, seed: seed, to: dir + "/samples.png")
    }

    /// Fantasy particles: `count` chains started from uniform random binary images, one column
    /// each, shown (as visible means) after 1, 10, 100, … up to `gibbsSteps` steps, one row per
    /// checkpoint of the chain.
    public static func writeSamples(_ rbm: RBM, count: Int, gibbsSteps: Int, seed: UInt64, to path: String) throws {
        let images = gibbsSamples(rbm, count: count, gibbsSteps: gibbsSteps, seed: seed)
        try GridPicture.write(displayable(Tensor.concat(images.map(\.1))), columns: count,
                              rowLabels: images.map { $0.0 == 1 ? "1 step" : "\($0.0) steps" },
                              title: "Gibbs chains from random images, one per column", to: path)
    }

    /// The chains' visible means after each of 1, 10, 100, … steps and after `gibbsSteps`.
    public static func gibbsSamples(_ rbm: RBM, count: Int, gibbsSteps: Int, seed: UInt64) -> [(Int, Tensor)] {
        var rng = RandomGenerator(seed: seed ^ 0x5A3B1E)
        var v = Tensor.bernoulli([count, rbm.visibleCount], probability: 0.5, using: &rng)
        var shown: [(Int, Tensor)] = [], done = 0, next = 1
        while done < gibbsSteps {
            let target = Swift.min(next, gibbsSteps)
            // The chain continues from a sample, the picture shows the mean.
            let mean = rbm.gibbsChain(from: v, steps: target - done, using: &rng)
            v = rbm.sampleVisible(mean: mean, using: &rng)
            shown.append((target, mean))
            done = target
            next *= 10
        }
        return shown
    }

    /// Values mapped into [0, 1] for a picture (Gaussian units' values are rescaled by their range).
    static func displayable(_ x: Tensor) -> Tensor {
        let low = x.min(), high = x.max()
        if low >= 0 && high <= 1 { return x }
        let span = Swift.max(high - low, 1e-6)
        return x.map { ($0 - low) / span }
    }
}
