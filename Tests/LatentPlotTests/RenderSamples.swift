import Foundation
import LatentTensor
import Testing
@testable import LatentPlot

/// Writes example pictures for a person to look at, when `LATENT_PLOT_SAMPLES` names a folder:
/// `LATENT_PLOT_SAMPLES=/tmp/plot-check swift test --filter RenderSamples`.
/// Uses MNIST from `LATENT_MNIST` (or ../shared/data/mnist) when present, else drawn digits.
@Suite("RenderSamples")
struct RenderSamples {
    static let folder = ProcessInfo.processInfo.environment["LATENT_PLOT_SAMPLES"]

    /// `count` digit images of 28×28 and their labels.
    func digits(_ count: Int) -> (Tensor, [Int]) {
        let dir = ProcessInfo.processInfo.environment["LATENT_MNIST"] ?? "/work/shared/data/mnist"
        if let images = gunzip("\(dir)/t10k-images-idx3-ubyte.gz"), let labels = gunzip("\(dir)/t10k-labels-idx1-ubyte.gz"),
           images.count >= 16 + count * 784, labels.count >= 8 + count {
            let px = images[16..<(16 + count * 784)].map { Float($0) / 255 }
            return (Tensor(shape: [count, 784], scalars: px), labels[8..<(8 + count)].map { Int($0) })
        }
        // No MNIST: draw each digit in the plot font at scale 3.
        var px = [Float](), labels = [Int]()
        for i in 0..<count {
            var c = Canvas(width: 28, height: 28, background: .black)
            c.drawText(String(i % 10), x: 14 + i % 3 - 1, y: 14, color: .white, scale: 3, anchor: .center)
            for p in stride(from: 0, to: c.pixels.count, by: 4) { px.append(Float(c.pixels[p]) / 255) }
            labels.append(i % 10)
        }
        return (Tensor(shape: [count, 784], scalars: px), labels)
    }

    func gunzip(_ path: String) -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-dc", path]
        let out = Pipe()
        p.standardOutput = out
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? [UInt8](data) : nil
    }

    @Test(.enabled(if: folder != nil)) func render() throws {
        let dir = URL(fileURLWithPath: Self.folder!)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var rng = RandomGenerator(seed: 42)

        var loss = LinePlot(title: "Autoencoder training", xLabel: "epoch", yLabel: "reconstruction loss")
        var train = [Double](), valid = [Double](), sparse = [Double]()
        for e in 1...60 {
            let t = Double(e)
            train.append(0.045 + 0.25 * exp(-t / 9) + 0.004 * Double(rng.nextNormal()))
            valid.append(0.055 + 0.24 * exp(-t / 10) + 0.002 * t / 60 + 0.004 * Double(rng.nextNormal()))
            sparse.append(0.07 + 0.2 * exp(-t / 14) + 0.003 * Double(rng.nextNormal()))
        }
        loss.add("train", y: train)
        loss.add("validation", y: valid)
        loss.add("sparse (L1 = 1e-3)", y: sparse)
        try loss.writePNG(to: dir.appendingPathComponent("line.png"))
        try loss.writeSVG(to: dir.appendingPathComponent("line.svg"))

        var logPlot = LinePlot(title: "t-SNE objective (θ = 0.5)", xLabel: "iteration", yLabel: "KL(P‖Q)", logY: true,
                               width: 640, height: 400)
        logPlot.add("exact", x: (0..<100).map { Double($0 * 10) }, y: (0..<100).map { 8 * exp(-Double($0) / 12) + 0.9 })
        logPlot.add("Barnes-Hut", x: (0..<100).map { Double($0 * 10) }, y: (0..<100).map { 9 * exp(-Double($0) / 14) + 1.0 })
        try logPlot.writePNG(to: dir.appendingPathComponent("line-log.png"))

        var acc = LinePlot(title: "Accuracy", xLabel: "epoch", yLabel: "accuracy (%)", width: 640, height: 420)
        acc.add("train", y: (1...40).map { 100 - 60 * exp(-Double($0) / 6) })
        acc.add("test", y: (1...40).map { 97 - 58 * exp(-Double($0) / 7) })
        try acc.writePNG(to: dir.appendingPathComponent("line-accuracy.png"))

        let n = 2000, k = 10
        var pts = [Float](), labels = [Int]()
        // Cluster centres on a spiral, so clusters differ in position and spread.
        var centres = [(Float, Float)]()
        for j in 0..<k {
            let angle = Double(j) * 0.63, radius = Double(j + 4) * 3
            centres.append((Float(cos(angle) * radius), Float(sin(angle) * radius)))
        }
        for i in 0..<n {
            let j = i * k / n
            pts += [centres[j].0 + 2.2 * rng.nextNormal(), centres[j].1 + 2.2 * rng.nextNormal()]
            labels.append(j)
        }
        var scatter = ScatterPlot(points: Tensor(shape: [n, 2], scalars: pts), labels: labels,
                                  title: "Random clusters (n = 2000)")
        scatter.labelNames = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
        try scatter.writePNG(to: dir.appendingPathComponent("scatter.png"))
        try scatter.writeSVG(to: dir.appendingPathComponent("scatter.svg"))

        // Thumbnails: real digits placed at cluster positions by their label.
        let (images, digitLabels) = digits(600)
        var tp = [Float]()
        for l in digitLabels { tp += [centres[l].0 + 2.5 * rng.nextNormal(), centres[l].1 + 2.5 * rng.nextNormal()] }
        var thumbs = ScatterPlot(points: Tensor(shape: [600, 2], scalars: tp), labels: digitLabels,
                                 title: "Digits as thumbnails", width: 900, height: 800)
        thumbs.thumbnails = .init(images: images, side: 28)
        thumbs.showAxes = false
        try thumbs.writePNG(to: dir.appendingPathComponent("scatter-thumbnails.png"))

        let first = Tensor(shape: [32, 784], scalars: Array(images.scalars.prefix(32 * 784)))
        try ImageGrid(columns: 8, padding: 2, scale: 2, title: "The first 32 test digits")
            .writePNG(first, to: dir.appendingPathComponent("grid.png"))
        let noisy = Tensor(shape: [10, 784], scalars: first.scalars.prefix(7840).map { max(0, min(1, $0 * 0.8 + 0.25 * rng.nextFloat())) })
        let originals = Tensor(shape: [10, 784], scalars: Array(first.scalars.prefix(7840)))
        try PlotFile.write(Data(ImageGrid.comparison(top: originals, bottom: noisy, title: "Digits above noisy copies").png()),
                             to: dir.appendingPathComponent("comparison.png"))
        let weights = Tensor(shape: [20, 784], scalars: (0..<(20 * 784)).map { i in
            let f = i / 784, p = i % 784, x = Double(p % 28), y = Double(p / 28)
            return Float(sin(x * 0.2 * Double(f % 5 + 1)) * cos(y * 0.15 * Double(f / 5 + 1))) + 0.2 * rng.nextNormal()
        })
        try PlotFile.write(Data(ImageGrid.filters(weights, title: "Synthetic filters").png()), to: dir.appendingPathComponent("filters.png"))
        var bars = BarChart(title: "Transfer from digits 0–4 to 5–9: test accuracy by start",
                            categories: ["10 labels per class", "100 labels per class", "1000 labels per class"], yLabel: "test accuracy")
        bars.valueText = .percent(decimals: 1)
        bars.add("scratch", values: [0.801, 0.912, 0.962])
        bars.add("frozen", values: [0.772, 0.874, 0.901])
        bars.add("fine-tuned", values: [0.812, 0.931, 0.971])
        try bars.writePNGAndSVG(to: dir.appendingPathComponent("bars.png"))
        var single = BarChart(title: "One label count", categories: ["10 labels per class"], yLabel: "test accuracy")
        single.valueText = .percent(decimals: 1)
        single.add("scratch", values: [0.801])
        single.add("frozen", values: [0.772])
        single.add("fine-tuned", values: [0.812])
        try single.writePNG(to: dir.appendingPathComponent("bars-one.png"))

        var report = HTMLReport(title: "LatentPlot samples", intro: "Pictures written by the LatentPlot tests.")
        var s = HTMLReport.Section("Plots")
        for f in ["line.png", "line-log.png", "scatter.png", "scatter-thumbnails.png", "grid.png", "comparison.png", "filters.png",
                  "bars.png", "bars-one.png"] {
            s.image(f, caption: f)
        }
        s.table(["points": "2000", "classes": "10"])
        report.sections.append(s)
        try report.write(to: dir)
    }
}
