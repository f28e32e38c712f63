import LatentTensor

/// The agreement protocol of class-conditional sampling: fit one Gaussian per class to the codes
/// of labelled examples, draw `count` codes of every class, decode them, and ask a classifier
/// (the judge) which class it sees. The share of samples read as the class requested measures
/// at once how well the latent space separates the classes and how well the decoder draws them;
/// a judge that reads real images well is what makes the share mean something.
public struct ClassConditionalAgreement {
    /// The Gaussians the samples were drawn from.
    public let gaussians: ClassConditionalGaussians
    /// The classes sampled, in increasing order (those present among the labels).
    public let classes: [Int]
    /// Per class, in `classes` order: the share of its samples the judge reads as that class.
    public let perClass: [Double]
    /// The share of all samples read as the class requested.
    public let overall: Double
    /// Per class, in `classes` order: the decoded samples, `[count, dataSize]`.
    public let samples: [Tensor]

    /// Fits `covariance` Gaussians to `codes` `[N, D]` (from `codec`'s encoder) with `labels`,
    /// then draws, decodes and judges `count` samples of each class, drawing from `rng` class by
    /// class in increasing order (so a seed fixes every sample).
    public static func measure(codec: any LatentCodec, judge: any LabelPredictor, codes: Tensor, labels: [Int],
                               covariance: ClassConditionalGaussians.Covariance, count: Int,
                               using rng: inout RandomGenerator) throws(LatentSpaceError) -> ClassConditionalAgreement {
        guard count > 0 else { throw .invalid("need at least one sample per class, got \(count)") }
        guard judge.inputSize == codec.dataSize else {
            throw .featureMismatch(expected: judge.inputSize, got: codec.dataSize)
        }
        let gaussians = try ClassConditionalGaussians(codes: codes, labels: labels, covariance: covariance)
        var perClass: [Double] = [], samples: [Tensor] = [], agreed = 0
        for c in gaussians.classes {
            let images = codec.decodeInBatches(try gaussians.sample(label: c, count: count, using: &rng))
            let hits = judge.predict(images).filter { $0 == c }.count
            perClass.append(Double(hits) / Double(count))
            agreed += hits
            samples.append(images)
        }
        return ClassConditionalAgreement(gaussians: gaussians, classes: gaussians.classes, perClass: perClass,
                                         overall: Double(agreed) / Double(count * gaussians.classes.count), samples: samples)
    }
}
