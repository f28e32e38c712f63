import Foundation
import LatentPlot

/// A labelled 2-d picture of a few words (the output of `KeyedVectors.project2D`): a dot per
/// word and the word beside it, labels placed so none overlaps another or covers a dot (with a
/// thin line back to the dot when a label had to move away). One colour: the dots have no
/// classes, so a palette would suggest groups that are not there.
public enum WordMap {
    /// The plot: one dot per point, `words[i]` beside `points[i]`.
    public static func plot(points: [(x: Double, y: Double)], words: [String], title: String,
                            width: Int = 800, height: Int = 640) -> ScatterPlot {
        var plot = ScatterPlot(x: points.map(\.x), y: points.map(\.y), title: title, width: width, height: height)
        plot.pointLabels = words
        plot.pointSize = 7
        plot.pointOpacity = 0.9
        // Projected coordinates have no unit worth reading; the frame alone bounds the picture.
        plot.showAxes = false
        return plot
    }

    /// The picture as PNG bytes.
    public static func png(points: [(x: Double, y: Double)], words: [String], title: String,
                           width: Int = 800, height: Int = 640) -> [UInt8] {
        plot(points: points, words: words, title: title, width: width, height: height).png()
    }
}
