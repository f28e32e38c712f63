import LatentIO
import LatentNN
import LatentTensor

/// Domain-adversarial neural network (DANN, Ganin & Lempitsky 2015): a convolutional feature
/// extractor and label predictor (a `ConvClassifier`), and a domain classifier that reads the same
/// features through a gradient-reversal layer. Training the domain classifier to tell source from
/// target while the reversed gradient trains the features to defeat it makes the features of the
/// two domains alike, so the label predictor learned on the labelled source transfers to the
/// unlabelled target.
///
/// As a classifier it is its `network`: the file loads in `latent attack` and `latent evaluate`.
/// Parameters: `network.features.*`, `network.classifier.*`, `domain.*` (index 0 is the
/// gradient reversal, so the first linear layer is `domain.1`).
public final class DomainAdversarialNetwork: Module, LabelPredictor, SavedModel {
    /// The networks' shapes; stored in its model files.
    public struct Config: Codable, Sendable, Equatable {
        /// The feature extractor and label predictor.
        public var network: ConvClassifier.Config
        /// Hidden layers of the domain classifier.
        public var domainHidden: [Int]
        /// A value per channel subtracted from every input pixel before the network sees it; nil
        /// subtracts nothing. Ganin & Lempitsky centre the inputs of both domains on one mean, so
        /// the two domains differ only around zero and plain SGD is well conditioned on both;
        /// `DomainAdaptationExperiment` sets it to the mean of both domains' training images.
        public var inputMean: [Float]?

        /// Ganin & Lempitsky's MNIST → MNIST-M shape for `channels × height × width` images:
        /// unpadded 5×5 convolutions of 32 and 48 channels with 2×2 max pooling (28×28 becomes
        /// 48 maps of 4×4), a 100-100 label predictor and a 100-unit domain classifier; with
        /// `batchNorm`, batch normalisation after each convolution (statistics shared by both
        /// domains' images, see `DomainAdaptation.adversarialLosses`), as many reproductions add.
        public init(channels: Int = 3, height: Int = 28, width: Int = 28, classes: Int = 10, batchNorm: Bool = false,
                    seed: UInt64 = 1) {
            var network = ConvClassifier.Config()
            network.channels = channels
            network.height = height
            network.width = width
            network.convolutions = [32, 48]
            network.kernelSize = 5
            network.padding = 0
            network.hidden = [100, 100]
            network.classes = classes
            network.batchNorm = batchNorm ? true : nil
            network.seed = seed
            self.network = network
            domainHidden = [100]
        }

        public func validate() throws(ModelError) {
            try network.validate()
            if let h = domainHidden.first(where: { !(1...65_536).contains($0) }) {
                throw .invalidConfig("domain classifier widths must be in 1...65536, got \(h)")
            }
            if let mean = inputMean {
                guard mean.count == network.channels, mean.allSatisfy({ $0.isFinite }) else {
                    throw .invalidConfig("the input mean needs one finite value per channel (\(network.channels)), got \(mean)")
                }
            }
        }
    }

    public static let kind = "dann"

    /// The network's weights and the domain classifier's.
    public static func minimumWeightCount(_ config: Config) throws -> Int {
        try config.validate()
        let domain = InputLimits.denseWeights([config.network.flatFeatures] + config.domainHidden + [2])
        let (total, overflow) = try ConvClassifier.minimumWeightCount(config.network).addingReportingOverflow(domain)
        return overflow ? Int.max : total
    }

    public let config: Config
    public let network: ConvClassifier
    public let domain: Sequential
    /// The reversal in front of the domain classifier; its λ follows the training schedule.
    public let reversal: GradientReversal

    public init(_ config: Config) throws(ModelError) {
        try config.validate()
        self.config = config
        // The network subtracts the mean itself, so `network` alone (as `--init-from` takes it)
        // still classifies raw images; the file keeps the mean in the DANN's own config.
        var centred = config.network
        centred.inputMean = config.inputMean
        network = try ConvClassifier(centred)
        var rng = RandomGenerator(seed: config.network.seed &+ 0xD0A1)
        let gate = GradientReversal(lambda: 0)
        reversal = gate
        domain = Sequential([gate] + MLP.layers([config.network.flatFeatures] + config.domainHidden + [2],
                                                activation: { ReLU() }, rng: &rng))
    }

    public override var children: [(String, Module)] { [("network", network), ("domain", domain)] }

    public var classCount: Int { config.network.classes }
    public var inputSize: Int { config.network.inputSize }
    public var summary: String {
        "DANN: \(config.network.summary), domain classifier " + (config.domainHidden + [2]).map(String.init).joined(separator: "-")
    }

    /// Class logits of flat images.
    public func callAsFunction(_ input: Variable) -> Variable { network.classifier(features(input)) }

    /// The feature extractor's output `[N, network.config.flatFeatures]` for flat images, after
    /// subtracting the input mean: what the label predictor and the domain classifier read.
    public func features(_ input: Variable) -> Variable { network.embed(input) }

    /// Domain logits (source 0, target 1) of features from `network.embed`.
    public func domainLogits(_ features: Variable) -> Variable { domain(features) }
}
