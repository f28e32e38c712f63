import Foundation
import LatentIO
import LatentPlot
import LatentTensor

/// Pictures of an embedding: dots coloured by label (PNG and SVG), the points drawn as their
/// 28×28 images, and the SNE/t-SNE objective per iteration.
public enum EmbeddingPictures {
    /// Writes `<name>.png` and `<name>.svg` of the first two coordinates of `y` into `folder`,
    /// and `<name>-thumbnails.png` when `images` holds one 28×28 image per point.
    public static func write(_ y: Tensor, labels: [Int]?, images: Tensor?, title: String, in folder: RunFolder,
                             name: String = "embedding") throws {
        var plot = ScatterPlot(points: y, labels: labels, title: title)
        // Embedding axes have no units: only distances between points mean anything.
        plot.showAxes = false
        try plot.writePNGAndSVG(to: URL(fileURLWithPath: folder.file("\(name).png")))
        if let images, images.shape[0] == y.shape[0], images.count == y.shape[0] * 784 {
            var thumbs = ScatterPlot(points: y, labels: labels, title: title, width: 1100, height: 900)
            thumbs.showAxes = false
            thumbs.thumbnails = .init(images: images, side: 28)
            try thumbs.writePNG(to: URL(fileURLWithPath: folder.file("\(name)-thumbnails.png")))
        }
    }

    /// A line plot of the KL divergence per reported iteration, one line per named run, as PNG
    /// and SVG. With `earlyIterations`, the title says where early exaggeration ends: the KL
    /// drops steeply there, which would otherwise look like a fault.
    public static func writeObjective(_ runs: [(name: String, history: [KLStep])], title: String, earlyIterations: Int? = nil,
                                      to path: String) throws {
        let title = earlyIterations.map { $0 > 0 ? "\(title) (early exaggeration until iteration \($0))" : title } ?? title
        var plot = LinePlot(title: title, xLabel: "iteration", yLabel: "KL(P‖Q)")
        for run in runs {
            plot.add(run.name, x: run.history.map { Double($0.iteration) }, y: run.history.map(\.kl), showMarkers: true)
        }
        try plot.writePNGAndSVG(to: URL(fileURLWithPath: path))
    }
}
