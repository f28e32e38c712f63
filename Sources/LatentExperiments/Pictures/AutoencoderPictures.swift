import Foundation
import LatentModels
import LatentNN
import LatentPlot
import LatentTensor

/// The standard pictures of a trained autoencoder.
public enum AutoencoderPictures {
    /// Writes into `dir`: reconstructions.png (the first `count` rows of `test` above their
    /// reconstructions, and for denoising the corrupted inputs above what the model restores)
    /// and filters.png (first-layer weights as 28×28 tiles, or the first convolution's kernels).
    public static func write(_ model: Autoencoder, test: Tensor, to dir: String, count: Int = 20) throws {
        let n = min(count, test.shape[0])
        let originals = test.rows(0..<n)
        var rows = [originals, model.reconstruct(originals)]
        if model.config.corruption != .none {
            // A seed of its own, so the picture's noise does not depend on the training streams.
            var rng = RandomGenerator(seed: model.config.seed &+ 404)
            let noisy = model.config.corruption.apply(originals, using: &rng)
            rows += [noisy, model.reconstruct(noisy)]
        }
        let labels = rows.count == 2 ? ["input", "output"] : ["clean", "output", "noisy", "denoised"]
        let grid = ImageGrid(columns: n, padding: 2, scale: 2, rowLabels: labels,
                             title: rows.count == 2 ? "Test digits and their reconstructions" : "Test digits, corrupted and restored")
        try grid.writePNG(Tensor.concat(rows), to: URL(fileURLWithPath: dir + "/reconstructions.png"))
        if let first = model.encoder.layers.lazy.compactMap({ $0 as? Linear }).first, first.inputSize == 784 {
            let filters = first.weight.value.rows(0..<min(100, first.outputSize))
            let title = PictureTitle.filters(shown: filters.shape[0], of: first.outputSize, units: "first-layer units")
            try ImageGrid.filters(filters, columns: 10, title: title)
                .writePNG(to: URL(fileURLWithPath: dir + "/filters.png"))
        } else if let conv = model.encoder.layers.lazy.compactMap({ $0 as? Conv2d }).first {
            let w = conv.weight.value
            try ImageGrid.filters(w, columns: 8, scale: 8, imageHeight: w.shape[2],
                                  title: "The first convolution's \(w.shape[0]) kernels")
                .writePNG(to: URL(fileURLWithPath: dir + "/filters.png"))
        }
    }
}
