import Foundation
import LatentModels
import LatentNN
import LatentPlot
import LatentTensor

/// The standard pictures of a trained autoencoder, drawn the same way by `latent train
/// autoencoder`, `latent reconstruct` and the demo.
public enum AutoencoderPictures {
    /// reconstructions.png (originals above reconstructions, and for denoising the corrupted
    /// inputs above their reconstructions) and filters.png (first-layer weights as 28×28 tiles).
    public static func write(_ model: Autoencoder, test: Tensor, to dir: String, count: Int = 20) throws {
        let n = min(count, test.shape[0])
        let originals = test.rows(0..<n)
        var rows = [originals, model.reconstruct(originals)]
        if model.config.corruption != .none {
            // The model's own seed, offset, so the pictures show the same noise every time.
            var rng = RandomGenerator(seed: model.config.seed &+ 404)
            let noisy = model.config.corruption.apply(originals, using: &rng)
            rows += [noisy, model.reconstruct(noisy)]
        }
        let labels = rows.count == 2 ? ["input", "output"] : ["clean", "output", "noisy", "denoised"]
        let grid = ImageGrid(columns: n, padding: 2, scale: 2, rowLabels: labels)
        try grid.writePNG(Tensor.concat(rows), to: URL(fileURLWithPath: dir + "/reconstructions.png"))
        if let first = model.encoder.layers.lazy.compactMap({ $0 as? Linear }).first, first.inputSize == 784 {
            let filters = first.weight.value.rows(0..<min(100, first.outputSize))
            try ImageGrid.filters(filters, columns: 10).writePNG(to: URL(fileURLWithPath: dir + "/filters.png"))
        } else if let conv = model.encoder.layers.lazy.compactMap({ $0 as? Conv2d }).first {
            let w = conv.weight.value
            try ImageGrid.filters(w, columns: 8, scale: 8, imageHeight: w.shape[2]).writePNG(to: URL(fileURLWithPath: dir + "/filters.png"))
        }
    }
}
