import Foundation
import Latent

/// The VAE tour: a 2-d latent space to look at (the manifold of digits and the codes of the test
/// images), and a 20-d one to generate from (samples and a walk between two digits).
struct VAESection: DemoSection {
    let key = "vae", title = "A variational autoencoder (generating digits)"

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Metric]) {
        let dir = try context.folder(key)
        var figures: [String: Metric] = [:]
        var blocks: [HTMLReport.Block] = [
            .paragraph("The encoder predicts a Gaussian over codes instead of a point, a code is drawn from it (z = μ + σ·ε, so gradients reach μ and σ), and the decoder turns the code into pixel probabilities. Training maximises the evidence lower bound: reconstruction minus the KL divergence that pulls every posterior toward N(0, I). That pull is what makes the space smooth enough to sample from and walk through."),
        ]
        var models: [Int: VAE] = [:]
        var rows: [[String]] = []
        for latent in [2, 20] {
            // The 2-d model gets a deeper network: with one layer of 400, 5s share their region of
            // the plane with 3s and 8s and no cell of the manifold decodes to a clear 5.
            var config = VAE.Config(inputSize: 784, hidden: context.quick ? [128] : (latent == 2 ? [512, 256] : [400]), latentSize: latent)
            config.seed = context.seed
            var training = TrainingConfig()
            training.epochs = context.quick ? 1 : (latent == 2 ? 15 : 10)
            training.seed = context.seed
            let settings = VAERunSettings(model: config, training: training, data: context.data,
                                          iwaeSamples: context.quick ? 10 : 100, iwaeLimit: context.quick ? 50 : 2000)
            let report = try VAEExperiment.run(settings, in: try context.start(settings, in: "\(key)/latent\(latent)"), log: context.log)
            let r = report.results, iwaeImages = r.iwaeImages ?? 0, nll = r.iwaeNLL ?? .nan
            models[latent] = report.model
            // The bound on the same images as the IWAE estimate, so the two compare.
            let elbo = report.model.evaluate(context.test.inputs.rows(0..<iwaeImages))
            rows.append(["\(latent)", "\(training.epochs)", String(format: "%.1f", elbo.reconstruction),
                         String(format: "%.1f", elbo.kl), String(format: "%.1f", elbo.negativeELBO),
                         String(format: "%.1f", nll), "\(r.activeUnits)", duration(r.trainSeconds)])
            figures["latent\(latent)"] = ["test_negative_elbo": .value(elbo.negativeELBO), "iwae_nll": .value(nll),
                                          "iwae_images": .value(Double(iwaeImages)), "epochs": .history(report.history),
                                          "seconds": .value(r.trainSeconds)]
        }
        blocks.append(.table(header: ["latent", "epochs", "reconstruction", "KL", "−ELBO", "NLL (IWAE)", "active units", "time"], rows: rows))
        blocks.append(.paragraph("Nats per test image. The importance-weighted NLL (k samples from the encoder, combined in double precision) is a tighter bound than the ELBO, so it is lower."))

        // The 2-d space: decode a grid over the prior's quantiles; plot where the test digits land.
        if let small = models[2] {
            let grid = context.quick ? 8 : 20
            let gridCodes = try LatentGrid.codes(small, size: grid)
            let cells = small.decode(gridCodes)
            try GridPicture.writeLatentGrid(cells, codes: gridCodes, size: grid, dimensions: (0, 1), scale: 1,
                                            to: dir + "/manifold.png")
            // Which digits the manifold shows, as the classifier section's model reads its cells.
            let classifierPath = context.directory + "/classifier/model.safetensors"
            if FileManager.default.fileExists(atPath: classifierPath) {
                let read = LatentGrid.confidentCells(try Classifier.load(path: classifierPath).probabilities(cells), threshold: 0.9)
                figures["manifold_cells_recognised_per_class"] = .map(Dictionary(uniqueKeysWithValues: read.enumerated().map { ("\($0.offset)", .value(Double($0.element))) }))
                blocks.append(.keyValues([("digits in the manifold", read.enumerated().map { "\($0.offset): \($0.element)" }.joined(separator: "  ")
                                           + " of \(grid * grid) cells (read by the classifier with ≥ 90 %)")]))
            }
            var scatter = ScatterPlot(points: small.encodeInBatches(context.test.inputs), labels: context.test.labels,
                                      title: "Test codes of the 2-d VAE by digit")
            scatter.xLabel = "z0"
            scatter.yLabel = "z1"
            try scatter.writePNGAndSVG(to: URL(fileURLWithPath: dir + "/codes.png"))
            blocks.append(.image(path: "\(key)/manifold.png", caption: "The learned manifold: a \(grid)×\(grid) grid over the 5–95 % quantiles of the prior in the 2-d latent space, decoded", width: nil))
            blocks.append(.image(path: "\(key)/codes.png", caption: "Where the test digits' codes (posterior means) lie", width: nil))
        }
        // The 20-d space: samples from the prior and a walk between two test digits.
        if let large = models[20] {
            var rng = RandomGenerator(seed: context.seed)
            try ImageGrid(columns: 16, padding: 2, scale: 2, title: "64 draws from the prior, decoded (20-d VAE)").writePNG(large.sample(count: 64, using: &rng),
                                                                    to: URL(fileURLWithPath: dir + "/samples.png"))
            let labels = context.test.labels ?? []
            let a = labels.firstIndex(of: 4) ?? 0, b = labels.firstIndex(of: 9) ?? 1
            let codes = large.encode(context.test.inputs.gatherRows([a, b]))
            let d = large.latentSize
            var strip: [Tensor] = []
            for kind in LatentInterpolation.allCases {
                let path = kind.path(from: Array(codes.scalars[0..<d]), to: Array(codes.scalars[d..<2 * d]), steps: 10)
                strip += [context.test.inputs.rows(a..<a + 1), large.decode(path), context.test.inputs.rows(b..<b + 1)]
            }
            try ImageGrid(columns: 12, padding: 2, scale: 2, rowLabels: LatentInterpolation.allCases.map(\.rawValue),
                          title: "From a test 4 to a test 9 through the latent space")
                .writePNG(Tensor.concat(strip, axis: 0), to: URL(fileURLWithPath: dir + "/interpolation.png"))
            blocks.append(.image(path: "\(key)/samples.png", caption: "New digits: codes drawn from N(0, I), decoded by the 20-d VAE", width: nil))
            blocks.append(.image(path: "\(key)/interpolation.png", caption: "From one test digit to another through the 20-d latent space, on a straight line and on the great circle (the originals at the ends)", width: nil))
        }
        return (HTMLReport.Section(title, blocks: blocks), figures)
    }
}
