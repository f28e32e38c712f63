import LatentNN
import LatentTensor

/// Measures generated MNIST digits against real ones through a trained `Classifier`:
///
/// - the **Fréchet distance in the feature space of Latent's MNIST classifier**: the real
///   images and the samples are mapped to the classifier's penultimate layer (the last hidden
///   activations) and compared as Gaussians (`FrechetDistance`). It is computed like FID but on
///   a small MNIST network instead of Inception-v3, so its values are only comparable between
///   runs measured with the same classifier file;
/// - the **class histogram** of the samples (the classifier's predictions): a generator that
///   collapses onto a few modes leaves digits out.
///
/// Images are pixels in [0, 1], `[N, 784]` (convert generator output with `GAN.toImages`).
public final class SampleQuality {
    /// One measurement of a set of samples.
    public struct Measurement: Sendable {
        public var frechetDistance: Double
        /// Samples the classifier assigns to each class.
        public var classCounts: [Int]
        /// Share of each class among the samples.
        public var classShares: [Double] {
            let n = Double(Swift.max(classCounts.reduce(0, +), 1))
            return classCounts.map { Double($0) / n }
        }
        /// The figures under `metrics.json` keys: `frechet_distance`, `class_share_<k>`,
        /// `min_class_share`.
        public var figures: [String: Double] {
            var f = ["frechet_distance": frechetDistance, "min_class_share": classShares.min() ?? 0]
            for (k, s) in classShares.enumerated() { f["class_share_\(k)"] = s }
            return f
        }
    }

    public let classifier: Classifier
    /// Statistics of the real images' features.
    public let reference: GaussianStatistics

    /// Prepares measurements against `realImages` (`[N, 784]` pixels in [0, 1]).
    public init(classifier: Classifier, realImages: Tensor) throws {
        guard !classifier.config.hidden.isEmpty else {
            throw ModelError.invalidConfig("the classifier needs a hidden layer to provide features")
        }
        self.classifier = classifier
        reference = try GaussianStatistics(features: try SampleQuality.featuresAndPredictions(classifier, realImages).features)
    }

    /// Features (penultimate activations) and predicted classes of `images`, in batches.
    public static func featuresAndPredictions(_ classifier: Classifier, _ images: Tensor,
                                              batchSize: Int = 1000) throws -> (features: Tensor, predictions: [Int]) {
        guard images.rank == 2, images.shape[1] == classifier.config.inputSize else {
            throw ModelError.invalidConfig("images have shape \(images.shape), the classifier takes \(classifier.config.inputSize) pixels")
        }
        var parts: [Tensor] = [], predictions: [Int] = []
        classifier.withEvaluation {
            for start in stride(from: 0, to: images.shape[0], by: batchSize) {
                let end = Swift.min(start + batchSize, images.shape[0])
                let outputs = classifier.network.activations(Variable(images.rows(start..<end)))
                parts.append(outputs[outputs.count - 2].value)
                predictions += outputs[outputs.count - 1].value.argmax(axis: 1)
            }
        }
        return (Tensor.concat(parts, axis: 0), predictions)
    }

    /// Measures `images` (`[N, 784]`, pixels in [0, 1]; N ≥ 2).
    public func measure(_ images: Tensor) throws -> Measurement {
        let (features, predictions) = try SampleQuality.featuresAndPredictions(classifier, images)
        var counts = [Int](repeating: 0, count: classifier.config.classes)
        for p in predictions { counts[p] += 1 }
        let distance = try FrechetDistance.distance(reference, try GaussianStatistics(features: features))
        return Measurement(frechetDistance: distance, classCounts: counts)
    }
}
