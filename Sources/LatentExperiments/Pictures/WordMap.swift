import Foundation
import LatentPlot

/// A labelled 2-d picture of a few words (the output of `KeyedVectors.project2D`): a dot and the
/// word beside it, scaled to fill the canvas with a margin.
public enum WordMap {
    /// The picture as PNG bytes: one dot per point, `words[i]` beside `points[i]`.
    public static func png(points: [(x: Double, y: Double)], words: [String], title: String,
                           width: Int = 800, height: Int = 640) -> [UInt8] {
        var canvas = Canvas(width: width, height: height, background: .white)
        let scale = 2, top = 40, margin = 30
        canvas.drawText(title, x: width / 2, y: 12, color: .ink, scale: scale, anchor: .top)
        let xs = points.map(\.x), ys = points.map(\.y)
        let (x0, x1) = (xs.min() ?? 0, xs.max() ?? 1), (y0, y1) = (ys.min() ?? 0, ys.max() ?? 1)
        // Leave room on the right for the longest label.
        let labelRoom = min(width / 3, (words.map { BitmapFont.width(of: $0, scale: scale) }.max() ?? 0) + 12)
        let plotW = Double(width - 2 * margin - labelRoom), plotH = Double(height - top - 2 * margin)
        func px(_ x: Double) -> Double { Double(margin) + (x1 > x0 ? (x - x0) / (x1 - x0) : 0.5) * plotW }
        func py(_ y: Double) -> Double { Double(top + margin) + (y1 > y0 ? (y1 - y) / (y1 - y0) : 0.5) * plotH }
        canvas.strokeRect(x: margin / 2, y: top + margin / 2, width: width - margin, height: height - top - margin, .grid)
        // Labels go right of their dot, or left, above or below when that would overlap a label
        // already placed (greedy; enough for the handful of words such a plot shows).
        var placed: [(x0: Int, y0: Int, x1: Int, y1: Int)] = []
        let textH = BitmapFont.capHeight * scale
        for (i, p) in points.enumerated() {
            let color = Palette.qualitative[i % Palette.qualitative.count]
            let cx = Int(px(p.x)), cy = Int(py(p.y))
            canvas.fillCircle(cx: Double(cx), cy: Double(cy), radius: 5, color: color)
            let w = BitmapFont.width(of: words[i], scale: scale)
            let candidates = [(cx + 9, cy - textH / 2), (cx - 9 - w, cy - textH / 2), (cx - w / 2, cy - 9 - textH),
                              (cx - w / 2, cy + 9), (cx + 9, cy - textH - 4), (cx + 9, cy + 4)]
            let boxes = candidates.map { (x0: $0.0, y0: $0.1, x1: $0.0 + w, y1: $0.1 + textH) }
            let free = boxes.first { b in !placed.contains { b.x0 < $0.x1 + 2 && $0.x0 < b.x1 + 2 && b.y0 < $0.y1 + 2 && $0.y0 < b.y1 + 2 } }
            let box = free ?? boxes[0]
            placed.append(box)
            canvas.drawText(words[i], x: box.x0, y: box.y0, color: .ink, scale: scale, anchor: .topLeft)
        }
        return canvas.png()
    }
}
