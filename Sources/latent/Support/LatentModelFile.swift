import Foundation
import Latent

/// What is left of the latent-space commands' helpers now that opening models is
/// `ModelRegistry`'s and images, codes files and grids are LatentExperiments' (`InputImage`,
/// `CodesFile`, `ModelFit`, `GridPicture`). Kept only because `latent train vae` still calls it.
enum LatentModelFile {
    /// Writes a grid of images, atomically (`GridPicture.write`).
    static func writeGrid(_ images: Tensor, columns: Int, rowLabels: [String] = [], padding: Int = 2, scale: Int = 2,
                          to path: String) throws {
        try GridPicture.write(images, columns: columns, rowLabels: rowLabels, padding: padding, scale: scale, to: path)
    }
}
