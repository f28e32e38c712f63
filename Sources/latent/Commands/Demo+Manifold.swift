import Foundation
import Latent

/// Seeing the digits: PCA, the crowding problem (SNE vs t-SNE), t-SNE of pixels and of the
/// classifier's hidden layer, and the curse of dimensionality.
struct ManifoldSection: DemoSection {
    let key = "manifold", title = "Seeing high-dimensional data: PCA and t-SNE"

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Metric]) {
        let dir = try context.folder(key)
        var figures: [String: Metric] = [:]
        var blocks: [HTMLReport.Block] = []
        let data = context.train
        let labels = data.labels ?? []

        // PCA of all training digits.
        let pca = try PCA.fit(data.inputs, config: .init(components: 50))
        let pca2 = try pca.transform(data.inputs).slice(axis: 1, 0..<2)
        try EmbeddingPictures.write(pca2, labels: labels, images: nil, title: "PCA of \(data.count) digits", to: dir, name: "pca")
        let ratios = pca.explainedVarianceRatio
        figures["pca_explained_variance_ratio"] = .list(ratios.prefix(10).map(Metric.number))
        figures["pca_cumulative_50"] = .value(ratios.reduce(0, +))
        blocks.append(.paragraph("PCA finds the directions of largest variance: the best linear projection, and what a linear autoencoder learns. The first two components of the \(data.count) training digits explain \(String(format: "%.1f", (ratios[0] + ratios[1]) * 100)) % of the variance and 50 explain \(String(format: "%.1f", ratios.reduce(0, +) * 100)) %; classes overlap heavily in two linear dimensions."))
        blocks.append(.image(path: "\(key)/pca.png", caption: "The first two principal components, coloured by digit", width: nil))

        // SNE vs t-SNE on the same small set: the crowding problem.
        let small = context.quick ? 150 : 600
        let x50 = try pca.transform(data.inputs)
        let smallX = x50.rows(0..<small), smallLabels = Array(labels.prefix(small))
        var rows: [[String]] = []
        for method in [TSNE.Method.sne, .tsne] {
            var config = TSNE.Config(perplexity: 20, method: method, backend: .exact)
            config.seed = context.seed
            if context.quick { config.earlyIterations = 50; config.iterations = 100 }
            let e = try TSNE.fit(smallX, config: config)
            let name = method.rawValue
            try EmbeddingPictures.write(e.coordinates, labels: smallLabels, images: nil, title: "\(name == "sne" ? "SNE" : "t-SNE") of \(small) digits", to: dir, name: name)
            let accuracy = try EmbeddingQuality.knnAccuracy(e.coordinates, labels: smallLabels)
            figures["\(name)_knn10_accuracy"] = .value(accuracy)
            figures["\(name)_kl"] = .value(e.kl)
            rows.append([name == "sne" ? "SNE (Gaussian)" : "t-SNE (Student-t)", String(format: "%.3f", e.kl), String(format: "%.1f %%", accuracy * 100)])
        }
        blocks.append(.paragraph("SNE and t-SNE on the same \(small) digits and the same affinities (perplexity 20). With a Gaussian in the map, moderately distant points cannot be placed far enough apart and everything crowds into the centre; the Student-t kernel's heavy tail lets clusters separate."))
        blocks.append(.table(header: ["method", "KL(P‖Q)", "10-NN accuracy"], rows: rows))
        blocks.append(.image(path: "\(key)/sne.png", caption: "SNE: crowded", width: 480))
        blocks.append(.image(path: "\(key)/tsne.png", caption: "t-SNE: separated", width: 480))

        // t-SNE of pixels, then of the classifier's hidden layer.
        let n = context.quick ? 400 : 5000
        let count = min(n, data.count)
        let nLabels = Array(labels.prefix(count))
        var config = TSNE.Config()
        config.seed = context.seed
        if context.quick { config.earlyIterations = 50; config.iterations = 100 }
        let pixels = try TSNE.fit(x50.rows(0..<count), config: config)
        try EmbeddingPictures.write(pixels.coordinates, labels: nLabels, images: data.inputs.rows(0..<count),
                                    title: "t-SNE of \(count) digits (pixels, PCA 50)", to: dir, name: "tsne-pixels")
        let pixelAccuracy = try EmbeddingQuality.knnAccuracy(pixels.coordinates, labels: nLabels)
        var loss = LinePlot(title: "t-SNE objective", xLabel: "iteration", yLabel: "KL(P‖Q)")
        loss.add("pixels", x: pixels.history.map { Double($0.iteration) }, y: pixels.history.map(\.kl), showMarkers: true)
        figures["tsne_pixels"] = ["points": .value(Double(count)), "kl": .value(pixels.kl), "knn10_accuracy": .value(pixelAccuracy),
                                  "seconds": .value(pixels.affinitySeconds + pixels.optimizeSeconds), "backend": .text(pixels.backendKind.rawValue)]
        var table = [["pixels (PCA 50)", String(format: "%.3f", pixels.kl), String(format: "%.1f %%", pixelAccuracy * 100),
                      duration(pixels.affinitySeconds + pixels.optimizeSeconds)]]
        let checkpoint = context.directory + "/classifier/model.safetensors"
        if FileManager.default.fileExists(atPath: checkpoint) {
            let hidden = try ModelActivations.of(checkpoint: checkpoint, layer: "1", inputs: data.inputs.rows(0..<count))
            let h = try TSNE.fit(hidden.shape[1] > 50 ? PCA.fit(hidden, config: .init(components: 50)).transform(hidden) : hidden, config: config)
            try EmbeddingPictures.write(h.coordinates, labels: nLabels, images: data.inputs.rows(0..<count),
                                        title: "t-SNE of the classifier's hidden layer", to: dir, name: "tsne-hidden")
            let acc = try EmbeddingQuality.knnAccuracy(h.coordinates, labels: nLabels)
            loss.add("hidden layer", x: h.history.map { Double($0.iteration) }, y: h.history.map(\.kl), showMarkers: true)
            figures["tsne_hidden"] = ["points": .value(Double(count)), "kl": .value(h.kl), "knn10_accuracy": .value(acc)]
            table.append(["classifier hidden layer (256 ReLU)", String(format: "%.3f", h.kl), String(format: "%.1f %%", acc * 100),
                          duration(h.affinitySeconds + h.optimizeSeconds)])
        }
        try loss.writePNG(to: URL(fileURLWithPath: dir + "/tsne-loss.png"))
        blocks.append(.paragraph("t-SNE (perplexity 30, Barnes-Hut gradient, PCA initialisation, early exaggeration 12 for \(config.earlyIterations) iterations then \(config.iterations) more) of \(count) digits: first of the pixels, then of the 256 hidden units of the classifier trained above. The supervised representation pulls the classes apart."))
        blocks.append(.table(header: ["input", "KL(P‖Q)", "10-NN accuracy in 2-d", "time"], rows: table))
        blocks.append(.image(path: "\(key)/tsne-pixels-thumbnails.png", caption: "t-SNE of the pixels, drawn as the digits themselves", width: nil))
        if table.count > 1 {
            blocks.append(.image(path: "\(key)/tsne-hidden.png", caption: "t-SNE of the classifier's hidden layer", width: nil))
        }
        blocks.append(.image(path: "\(key)/tsne-loss.png", caption: "KL divergence during optimisation (the jump at the end of early exaggeration is expected)", width: nil))

        // The curse of dimensionality.
        let dims = context.quick ? [2, 3, 10, 100, 1000, 10_000] : [2, 3, 10, 100, 1000, 10_000, 100_000, 1_000_000]
        let curse = dims.map { d in CurseOfDimensionality.meanDistances(dimensions: [d], pairs: max(20, min(2000, 20_000_000 / d / (context.quick ? 10 : 1))), seed: context.seed)[0] }
        figures["curse_of_dimensionality"] = .list(curse.map { ["d": .value(Double($0.dimension)), "mean_distance": .value($0.meanDistance), "sqrt_d_over_6": .value($0.analytic)] })
        blocks.append(.paragraph("Why neighbours are hard in high dimension: the mean distance between two random points of the unit hypercube grows like √(d/6) while its spread stays constant, so relative to the mean all points become equally far apart."))
        blocks.append(.table(header: ["d", "mean distance", "√(d/6)", "spread / mean"],
                             rows: curse.map { ["\($0.dimension)", String(format: "%.2f", $0.meanDistance), String(format: "%.2f", $0.analytic), String(format: "%.3f", $0.relativeSpread)] }))
        return (HTMLReport.Section(title, blocks: blocks), figures)
    }
}
