import Foundation
import LatentPlot
import LatentTensor

/// Pictures made of images side by side (samples, walks, manifolds), written the one way every
/// command writes them.
public enum GridPicture {
    /// Writes `images` (`[N, pixels]`, values in [0, 1]) as a PNG grid of `columns` per row,
    /// atomically, with a label left of each row when `rowLabels` is given.
    public static func write(_ images: Tensor, columns: Int, rowLabels: [String] = [], padding: Int = 2, scale: Int = 2,
                             to path: String) throws {
        try ImageGrid(columns: columns, padding: padding, scale: scale, rowLabels: rowLabels)
            .writePNG(images, to: URL(fileURLWithPath: path))
    }
}
