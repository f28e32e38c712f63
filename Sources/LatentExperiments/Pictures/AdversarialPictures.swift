import Foundation
import LatentIO
import LatentModels
import LatentPlot
import LatentTensor

/// The pictures of an attack: the lecture's "panda + ε·noise = gibbon" for digits, and accuracy
/// against ε.
public enum AdversarialPictures {
    /// One row per example: the original with the model's answer and confidence, the perturbation
    /// (mid-grey is no change, white +ε, black −ε), the adversarial image with the answer and
    /// confidence. Square grey images only (`[N, side²]`, values in [0, 1]).
    public static func examples(original: Tensor, adversarial: Tensor, labels: [Int], before: ClassifierOutcome,
                                after: ClassifierOutcome, epsilon: Float, title: String, to path: String) throws {
        let n = original.shape[0], pixels = original.shape[1]
        let side = Int(Double(pixels).squareRoot().rounded())
        guard n > 0, side * side == pixels else { return }
        let scale = 4, cell = side * scale, gap = 14, captionHeight = 22, titleHeight = 48
        let width = gap + 3 * (cell + gap) + 40
        let rowHeight = cell + captionHeight + 8
        var canvas = Canvas(width: width, height: titleHeight + n * rowHeight + gap)
        canvas.drawText(title, x: width / 2, y: 8, scale: 2, anchor: .top)
        for (column, heading) in ["original", "perturbation", "adversarial"].enumerated() {
            canvas.drawText(heading, x: gap + column * (cell + gap) + cell / 2, y: titleHeight - 14, anchor: .top)
        }
        func draw(_ values: (Int) -> Float, column: Int, row: Int) {
            let ox = gap + column * (cell + gap), oy = titleHeight + row * rowHeight
            for y in 0..<side {
                for x in 0..<side {
                    let v = UInt8(Swift.min(255, Swift.max(0, (values(y * side + x) * 255).rounded())))
                    for dy in 0..<scale { for dx in 0..<scale { canvas.setPixel(x: ox + x * scale + dx, y: oy + y * scale + dy, Color(r: v, g: v, b: v)) } }
                }
            }
        }
        func caption(_ text: String, column: Int, row: Int, color: Color = .ink) {
            canvas.drawText(text, x: gap + column * (cell + gap) + cell / 2, y: titleHeight + row * rowHeight + cell + 6,
                            color: color, scale: 1, anchor: .top)
        }
        let wrong = Color(hex: 0xC0392B)
        for i in 0..<n {
            let base = i * pixels
            draw({ original[i, $0] }, column: 0, row: i)
            draw({ epsilon > 0 ? 0.5 + (adversarial.scalars[base + $0] - original.scalars[base + $0]) / (2 * epsilon) : 0.5 },
                 column: 1, row: i)
            draw({ adversarial[i, $0] }, column: 2, row: i)
            caption(answer(before, i), column: 0, row: i, color: before.predictions[i] == labels[i] ? .ink : wrong)
            caption(answer(after, i), column: 2, row: i, color: after.predictions[i] == labels[i] ? .ink : wrong)
        }
        try AtomicFile.write(canvas.png(), to: path)
    }

    private static func answer(_ outcome: ClassifierOutcome, _ i: Int) -> String {
        "\(outcome.predictions[i]) (\(String(format: "%.1f", Double(outcome.confidences[i]) * 100))%)"
    }

    /// Clean and adversarial accuracy against ε.
    public static func curve(_ results: [AttackResult], title: String, to path: String) throws {
        try curves([("under attack", results)], clean: results, title: title, to: path)
    }

    /// Accuracy under attack against ε for several models (named series), with the first clean
    /// accuracy as a reference line when `clean` is given.
    public static func curves(_ series: [(name: String, results: [AttackResult])], clean: [AttackResult]? = nil,
                              title: String, to path: String) throws {
        var plot = LinePlot(title: title, xLabel: "ε (L∞ radius)", yLabel: "test accuracy")
        for (name, results) in series {
            plot.add(name, x: results.map(\.epsilon), y: results.map(\.adversarialAccuracy), showMarkers: true)
        }
        if let clean { plot.add("clean", x: clean.map(\.epsilon), y: clean.map(\.cleanAccuracy)) }
        try plot.writePNGAndSVG(to: URL(fileURLWithPath: path))
    }
}
