import Foundation
import LatentIO
import LatentModels
import LatentPlot
import LatentTensor

/// The standard pictures of a trained VAE.
public enum VAEPictures {
    /// Writes into `dir`: reconstructions.png (the first 16 test images above their
    /// reconstructions from the posterior means), samples.png (64 prior draws decoded, from a
    /// generator seeded with `seed`), and for a 2-d latent space manifold.png (a 20×20 grid over
    /// the prior's quantiles, decoded) and codes.png (the test codes of up to 5,000 images,
    /// coloured by digit).
    public static func write(_ model: VAE, test: Dataset, seed: UInt64, to dir: String) throws {
        let originals = test.inputs.rows(0..<min(16, test.count))
        let reconstructions = model.decode(model.encode(originals))
        try AtomicFile.write(ImageGrid.comparison(top: originals, bottom: reconstructions,
                                                  title: "Test digits and their reconstructions").png(),
                             to: dir + "/reconstructions.png")
        var rng = RandomGenerator(seed: seed)
        try ImageGrid(columns: 8, padding: 2, scale: 2, title: "Draws from the prior, decoded")
            .writePNG(model.sample(count: 64, using: &rng), to: URL(fileURLWithPath: dir + "/samples.png"))
        guard model.latentSize == 2 else { return }
        let codes = try LatentGrid.codes(model, size: 20)
        try GridPicture.writeLatentGrid(model.decode(codes), codes: codes, size: 20, dimensions: (0, 1), scale: 1,
                                        to: dir + "/manifold.png")
        let n = min(test.count, 5000)
        var scatter = ScatterPlot(points: model.encodeInBatches(test.inputs.rows(0..<n)),
                                  labels: test.labels.map { Array($0[0..<n]) }, title: "Test codes by digit")
        scatter.xLabel = "z0"
        scatter.yLabel = "z1"
        try scatter.writePNGAndSVG(to: URL(fileURLWithPath: dir + "/codes.png"))
    }
}
