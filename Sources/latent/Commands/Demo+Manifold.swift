import Foundation
import Latent

/// Seeing the digits: PCA, the crowding problem (SNE vs t-SNE), t-SNE of pixels and of the
/// classifier's hidden layer, UMAP of the same digits beside t-SNE (and new digits placed by its
/// `transform`), and the curse of dimensionality. Every embedding is made by
/// `EmbeddingExperiment.embed`, the function behind `latent embed`.
struct ManifoldSection: DemoSection {
    let key = "manifold", title = "Seeing high-dimensional data: PCA, t-SNE and UMAP"

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Metric]) {
        let folder = try RunFolder(try context.folder(key), name: key)
        var figures: [String: Metric] = [:]
        var blocks: [HTMLReport.Block] = []
        let x50 = try principalComponents(context, folder, &blocks, &figures)
        try crowding(x50, context, folder, &blocks, &figures)
        try digitsAndHiddenLayer(x50, context, folder, &blocks, &figures)
        try umapBesideTSNE(x50, context, folder, &blocks, &figures)
        curseOfDimensionality(context, &blocks, &figures)
        return (HTMLReport.Section(title, blocks: blocks), figures)
    }

    /// PCA of all training digits; returns their 50 principal components, the input of the
    /// t-SNE parts.
    private func principalComponents(_ context: DemoContext, _ folder: RunFolder, _ blocks: inout [HTMLReport.Block],
                                     _ figures: inout [String: Metric]) throws -> Tensor {
        let data = context.train
        // Without labels: a 10-NN accuracy in 50 dimensions is not what this part shows, and it
        // would cost a pass over all pairs.
        var pcaConfig = PCA.Config(components: 50)
        pcaConfig.seed = context.seed
        let pca = try EmbeddingExperiment.embed(EmbeddingData(points: data.inputs, source: "MNIST"), method: .pca(pcaConfig))
        let x50 = pca.coordinates
        try EmbeddingPictures.write(x50.slice(axis: 1, 0..<2), labels: data.labels, images: nil,
                                    title: "PCA of \(data.count) digits", in: folder, name: "pca")
        let ratios = pca.results.explainedVarianceRatio ?? []
        figures["pca_explained_variance_ratio"] = .list(ratios.prefix(10).map(Metric.number))
        figures["pca_cumulative_50"] = .number(ratios.reduce(0, +))
        blocks.append(.paragraph("PCA finds the directions of largest variance: the best linear projection, and what a linear autoencoder learns. The first two components of the \(data.count) training digits explain \(String(format: "%.1f", ratios.prefix(2).reduce(0, +) * 100)) % of the variance and 50 explain \(String(format: "%.1f", ratios.reduce(0, +) * 100)) %; classes overlap heavily in two linear dimensions."))
        blocks.append(.image(path: "\(key)/pca.png", caption: "The first two principal components, coloured by digit", width: nil))
        return x50
    }

    /// SNE and t-SNE of the same few digits: the crowding problem.
    private func crowding(_ x50: Tensor, _ context: DemoContext, _ folder: RunFolder, _ blocks: inout [HTMLReport.Block],
                          _ figures: inout [String: Metric]) throws {
        let labels = context.train.labels ?? []
        let small = context.quick ? 150 : 600
        let smallData = EmbeddingData(points: x50.rows(0..<small), labels: Array(labels.prefix(small)), source: "MNIST, PCA 50")
        var rows: [[String]] = []
        for method in [TSNE.Method.sne, .tsne] {
            var config = TSNE.Config(perplexity: 20, method: method, backend: .exact)
            config.seed = context.seed
            if context.quick { config.earlyIterations = 50; config.iterations = 100 }
            let e = try EmbeddingExperiment.embed(smallData, method: .neighbours(config, pcaDims: 0), trustworthinessLimit: 0)
            let name = method.rawValue
            try EmbeddingPictures.write(e.coordinates, labels: smallData.labels, images: nil,
                                        title: "\(name == "sne" ? "SNE" : "t-SNE") of \(small) digits", in: folder, name: name)
            let accuracy = e.results.knn10Accuracy ?? .nan, kl = e.results.kl ?? .nan
            figures["\(name)_knn10_accuracy"] = .number(accuracy)
            figures["\(name)_kl"] = .number(kl)
            rows.append([name == "sne" ? "SNE (Gaussian)" : "t-SNE (Student-t)", String(format: "%.3f", kl), String(format: "%.1f %%", accuracy * 100)])
        }
        blocks.append(.paragraph("SNE and t-SNE on the same \(small) digits and the same affinities (perplexity 20). With a Gaussian in the map, moderately distant points cannot be placed far enough apart and everything crowds into the centre; the Student-t kernel's heavy tail lets clusters separate."))
        blocks.append(.table(header: ["method", "KL(P‖Q)", "10-NN accuracy"], rows: rows))
        blocks.append(.image(path: "\(key)/sne.png", caption: "SNE: crowded", width: 480))
        blocks.append(.image(path: "\(key)/tsne.png", caption: "t-SNE: separated", width: 480))
    }

    /// t-SNE of the pixels, then of the hidden layer of the classifier the demo trained.
    private func digitsAndHiddenLayer(_ x50: Tensor, _ context: DemoContext, _ folder: RunFolder,
                                      _ blocks: inout [HTMLReport.Block], _ figures: inout [String: Metric]) throws {
        let data = context.train, labels = data.labels ?? []
        let count = min(context.quick ? 400 : 5000, data.count)
        let digits = EmbeddingData(points: data.inputs.rows(0..<count), labels: Array(labels.prefix(count)),
                                   images: data.inputs.rows(0..<count), source: "MNIST")
        var config = TSNE.Config()
        config.seed = context.seed
        if context.quick { config.earlyIterations = 50; config.iterations = 100 }
        // The pixels go in as the 50 principal components of all training digits found above.
        let reduced = EmbeddingData(points: x50.rows(0..<count), labels: digits.labels, source: "MNIST, PCA 50")
        let pixels = try EmbeddingExperiment.embed(reduced, method: .neighbours(config, pcaDims: 0), trustworthinessLimit: 0)
        try EmbeddingPictures.write(pixels.coordinates, labels: digits.labels, images: digits.images,
                                    title: "t-SNE of \(count) digits (pixels, PCA 50)", in: folder, name: "tsne-pixels")
        var objectives = [(name: "pixels", history: pixels.results.history ?? [])]
        figures["tsne_pixels"] = ["points": .number(Double(count)), "kl": .number(pixels.results.kl ?? .nan),
                                  "knn10_accuracy": .number(pixels.results.knn10Accuracy ?? .nan),
                                  "seconds": .number(Self.seconds(pixels)), "backend": .text(pixels.results.backend?.rawValue ?? "")]
        var table = [row("pixels (PCA 50)", pixels)]
        let checkpoint = context.directory + "/classifier/model.safetensors"
        if FileManager.default.fileExists(atPath: checkpoint) {
            let hidden = try EmbeddingExperiment.embed(digits.activations(of: checkpoint, layer: "1"),
                                                       method: .neighbours(config, pcaDims: 50), trustworthinessLimit: 0)
            try EmbeddingPictures.write(hidden.coordinates, labels: digits.labels, images: digits.images,
                                        title: "t-SNE of the classifier's hidden layer", in: folder, name: "tsne-hidden")
            objectives.append((name: "hidden layer", history: hidden.results.history ?? []))
            figures["tsne_hidden"] = ["points": .number(Double(count)), "kl": .number(hidden.results.kl ?? .nan),
                                      "knn10_accuracy": .number(hidden.results.knn10Accuracy ?? .nan)]
            table.append(row("classifier hidden layer (256 ReLU)", hidden))
        }
        try EmbeddingPictures.writeObjective(objectives, title: "t-SNE objective", earlyIterations: config.earlyIterations,
                                             to: folder.file("tsne-loss.png"))
        blocks.append(.paragraph("t-SNE (perplexity 30, Barnes-Hut gradient, PCA initialisation, early exaggeration 12 for \(config.earlyIterations) iterations then \(config.iterations) more) of \(count) digits: first of the pixels, then of the 256 hidden units of the classifier trained above. The supervised representation pulls the classes apart."))
        blocks.append(.table(header: ["input", "KL(P‖Q)", "10-NN accuracy in 2-d", "time"], rows: table))
        blocks.append(.image(path: "\(key)/tsne-pixels-thumbnails.png", caption: "t-SNE of the pixels, drawn as the digits themselves", width: nil))
        if table.count > 1 {
            blocks.append(.image(path: "\(key)/tsne-hidden.png", caption: "t-SNE of the classifier's hidden layer", width: nil))
        }
        blocks.append(.image(path: "\(key)/tsne-loss.png", caption: "KL divergence during optimisation (the jump at the end of early exaggeration is expected)", width: nil))
    }

    /// UMAP of the digits t-SNE embedded above (same 50 principal components), then `transform`
    /// of digits it has not seen: each is placed into the fixed layout and judged by a 10-NN vote
    /// of the training digits around it.
    private func umapBesideTSNE(_ x50: Tensor, _ context: DemoContext, _ folder: RunFolder,
                                _ blocks: inout [HTMLReport.Block], _ figures: inout [String: Metric]) throws {
        let data = context.train, labels = data.labels ?? []
        let count = min(context.quick ? 400 : 5000, data.count)
        let held = min(context.quick ? 200 : 1000, data.count - count)
        var config = UMAP.Config()
        config.seed = context.seed
        if context.quick { config.nEpochs = 100 }
        let started = Date()
        let embedding = try UMAP.fit(x50.rows(0..<count), config: config)
        let seconds = Date().timeIntervalSince(started)
        let y = embedding.coordinates
        let accuracy = try EmbeddingQuality.knnAccuracy(y, labels: Array(labels.prefix(count)), k: 10)
        try EmbeddingPictures.write(y, labels: Array(labels.prefix(count)), images: data.inputs.rows(0..<count),
                                    title: "UMAP of \(count) digits (pixels, PCA 50)", in: folder, name: "umap")
        var umapFigures: [String: Metric] = ["points": .number(Double(count)), "knn10_accuracy": .number(accuracy),
                                             "seconds": .number(seconds), "epochs": .number(Double(embedding.epochsDone)),
                                             "init": .text(embedding.initializationUsed.rawValue)]
        var transformSentence = ""
        if held >= 10 {
            let placed = try embedding.transform(x50.rows(count..<(count + held)))
            let near = NearestNeighbors.exact(queries: placed, reference: y, k: 10)
            var correct = 0
            for i in 0..<held {
                var votes = [Int](repeating: 0, count: 10)
                for e in i * 10..<(i + 1) * 10 { votes[labels[Int(near.indices[e])] % 10] += 1 }
                if votes.firstIndex(of: votes.max() ?? 0) == labels[count + i] { correct += 1 }
            }
            let transformAccuracy = Double(correct) / Double(held)
            umapFigures["transform_points"] = .number(Double(held))
            umapFigures["transform_knn10_accuracy"] = .number(transformAccuracy)
            transformSentence = " Its transform then placed \(held) digits the layout had not seen, keeping the \(count) fixed: \(String(format: "%.1f", transformAccuracy * 100)) % of them land among digits of their own class (a 10-NN vote of the training digits around them)."
        }
        figures["umap_pixels"] = .map(umapFigures)
        var rows = [["UMAP (n_neighbors 15, min_dist 0.1, \(embedding.epochsDone) epochs)", String(format: "%.1f %%", accuracy * 100), duration(seconds)]]
        if case .map(let tsne)? = figures["tsne_pixels"], case .number(let a)? = tsne["knn10_accuracy"],
           case .number(let t)? = tsne["seconds"] {
            rows.insert(["t-SNE (perplexity 30)", String(format: "%.1f %%", a * 100), duration(t)], at: 0)
        }
        blocks.append(.paragraph("UMAP (McInnes et al. 2018) on the same \(count) digits: a fuzzy graph of each digit's 15 nearest neighbours (distances rescaled per point so every neighbourhood counts alike), a spectral start, then SGD that pulls graph neighbours together and pushes random pairs apart. It keeps t-SNE's clusters at a fraction of the cost on large data, and can place new points.\(transformSentence)"))
        blocks.append(.table(header: ["method", "10-NN accuracy in 2-d", "time"], rows: rows))
        blocks.append(.image(path: "\(key)/umap-thumbnails.png", caption: "UMAP of the pixels, drawn as the digits themselves", width: nil))
    }

    /// Mean distances between random points of the unit hypercube as the dimension grows.
    private func curseOfDimensionality(_ context: DemoContext, _ blocks: inout [HTMLReport.Block],
                                       _ figures: inout [String: Metric]) {
        let dims = context.quick ? [2, 3, 10, 100, 1000, 10_000] : [2, 3, 10, 100, 1000, 10_000, 100_000, 1_000_000]
        let curse = dims.map { d in CurseOfDimensionality.meanDistances(dimensions: [d], pairs: max(20, min(2000, 20_000_000 / d / (context.quick ? 10 : 1))), seed: context.seed)[0] }
        figures["curse_of_dimensionality"] = .list(curse.map {
            ["d": .number(Double($0.dimension)), "mean_distance": .number($0.meanDistance), "sqrt_d_over_6": .number($0.analytic)]
        })
        blocks.append(.paragraph("Why neighbours are hard in high dimension: the mean distance between two random points of the unit hypercube grows like √(d/6) while its spread stays constant, so relative to the mean all points become equally far apart."))
        blocks.append(.table(header: ["d", "mean distance", "√(d/6)", "spread / mean"],
                             rows: curse.map { ["\($0.dimension)", String(format: "%.2f", $0.meanDistance), String(format: "%.2f", $0.analytic), String(format: "%.3f", $0.relativeSpread)] }))
    }

    /// Affinities plus optimisation: the time an embedding took.
    private static func seconds(_ e: Embedding) -> Double { (e.results.affinitySeconds ?? 0) + (e.results.optimizeSeconds ?? 0) }

    /// A row of the t-SNE table: input, KL, 10-NN accuracy, time.
    private func row(_ input: String, _ e: Embedding) -> [String] {
        [input, String(format: "%.3f", e.results.kl ?? .nan), String(format: "%.1f %%", (e.results.knn10Accuracy ?? .nan) * 100),
         duration(Self.seconds(e))]
    }
}
