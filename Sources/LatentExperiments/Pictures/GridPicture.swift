import Foundation
import LatentPlot
import LatentTensor

/// Pictures made of images side by side (samples, walks, manifolds), written the one way every
/// command writes them.
public enum GridPicture {
    /// Writes `images` (`[N, pixels]`, values in [0, 1]) as a PNG grid of `columns` per row,
    /// atomically, with a label left of each row when `rowLabels` is given and `title` above.
    public static func write(_ images: Tensor, columns: Int, rowLabels: [String] = [], padding: Int = 2, scale: Int = 2,
                             title: String = "", to path: String) throws {
        try ImageGrid(columns: columns, padding: padding, scale: scale, rowLabels: rowLabels, title: title)
            .writePNG(images, to: URL(fileURLWithPath: path))
    }

    /// Writes a decoded latent grid (`size × size` images decoded from `codes`, as
    /// `LatentGrid.codes` lays them out) framed by axes naming the z value of each column
    /// (dimension `dimensions.0`) and row (dimension `dimensions.1`).
    public static func writeLatentGrid(_ images: Tensor, codes: Tensor, size: Int, dimensions: (Int, Int),
                                       scale: Int, title: String = "Decoded grid over the prior's quantiles",
                                       to path: String) throws {
        let columnValues = (0..<size).map { Double(codes[$0, dimensions.0]) }
        let rowValues = (0..<size).map { Double(codes[$0 * size, dimensions.1]) }
        let picture = ImageGrid(columns: size, padding: 0, scale: scale).canvas(images)
        var plot = PicturePlot(picture: picture, columnValues: columnValues, rowValues: rowValues, title: title)
        plot.xLabel = "z\(dimensions.0)"
        plot.yLabel = "z\(dimensions.1)"
        try plot.writePNG(to: URL(fileURLWithPath: path))
    }
}
