import LatentIO
import LatentNN
import LatentTensor

/// A multilayer perceptron classifier: `inputSize → hidden… → classes`, with an activation
/// (and optional dropout) after each hidden layer, producing logits for softmax cross-entropy.
///
/// Parameters are named as in a PyTorch `nn.Sequential` of the same layers (`0.weight`,
/// `0.bias`, `2.weight`, …), so a checkpoint loads into either.
public final class Classifier: Module, Layer {
    /// The shape and regularisation of a classifier; stored in its checkpoints.
    public struct Config: Codable, Sendable, Equatable {
        public var inputSize = 784
        public var hidden = [256]
        public var classes = 10
        public var activation = Activation.relu
        public var dropout: Float = 0
        public var initializer = Initializer.pytorchDefault
        public var seed: UInt64 = 1

        public init() {}
        public init(inputSize: Int, hidden: [Int], classes: Int) {
            self.inputSize = inputSize
            self.hidden = hidden
            self.classes = classes
        }

        /// Rejects shapes that cannot make a network.
        public func validate() throws(ModelError) {
            if inputSize < 1 { throw .invalidConfig("input size must be positive, got \(inputSize)") }
            if classes < 2 { throw .invalidConfig("need at least 2 classes, got \(classes)") }
            if let h = hidden.first(where: { $0 < 1 }) { throw .invalidConfig("hidden layer sizes must be positive, got \(h)") }
            if !(dropout >= 0 && dropout < 1) { throw .invalidConfig("dropout must be in [0, 1), got \(dropout)") }
        }
    }

    public let config: Config
    public let network: Sequential

    /// A freshly initialised classifier.
    public init(_ config: Config) throws(ModelError) {
        try config.validate()
        self.config = config
        var rng = RandomGenerator(seed: config.seed)
        network = Sequential(MLP.layers([config.inputSize] + config.hidden + [config.classes], initializer: config.initializer,
                                        activation: config.activation.layer,
                                        dropout: { i in config.dropout > 0 ? Dropout(config.dropout, seed: config.seed &+ UInt64(i) &+ 1) : nil },
                                        rng: &rng))
    }

    /// Names the layers by position alone, as a bare PyTorch `nn.Sequential` would.
    public override var children: [(String, Module)] { network.children }

    /// Logits `[N, classes]`.
    public func callAsFunction(_ input: Variable) -> Variable { network(input) }
}

/// A model that maps inputs to class logits; gets batched prediction and accuracy for free.
public protocol LabelPredictor: Layer {
    /// Number of classes (width of the logits).
    var classCount: Int { get }
    /// Features per input row; inputs of another width are checked against it before they reach
    /// the first layer (which would trap on them).
    var inputSize: Int { get }
}

extension LabelPredictor {
    /// The logits `[N, classCount]` of `inputs`, in batches of `batchSize` rows, in evaluation
    /// mode without gradients (the mode is restored after).
    public func logits(_ inputs: Tensor, batchSize: Int = 1000) -> Tensor {
        inferInBatches(inputs, batchSize: batchSize, emptyShape: [0, classCount]) { self($0) }
    }

    /// Predicted class of each row of `inputs`, evaluated in batches without gradients.
    public func predict(_ inputs: Tensor, batchSize: Int = 1000) -> [Int] {
        logits(inputs, batchSize: batchSize).argmax(axis: 1)
    }

    /// Class probabilities (softmax of the logits) of each row of `inputs`, `[N, classCount]`,
    /// evaluated in batches without gradients.
    public func probabilities(_ inputs: Tensor, batchSize: Int = 1000) -> Tensor {
        logits(inputs, batchSize: batchSize).softmaxLastAxis()
    }

    /// Fraction of rows whose predicted class equals the label.
    public func accuracy(_ inputs: Tensor, labels: [Int]) -> Double {
        let predicted = predict(inputs)
        let correct = zip(predicted, labels).filter { $0 == $1 }.count
        return Double(correct) / Double(Swift.max(labels.count, 1))
    }
}

extension Classifier: LabelPredictor, SavedModel {
    public var classCount: Int { config.classes }
    public var inputSize: Int { config.inputSize }
    public static let kind = "classifier"
    public var summary: String { "MLP " + ([config.inputSize] + config.hidden + [config.classes]).map(String.init).joined(separator: "-") }

    public static func minimumWeightCount(_ config: Config) throws -> Int {
        try config.validate()
        return InputLimits.denseWeights([config.inputSize] + config.hidden + [config.classes])
    }
}

/// A hidden-layer nonlinearity, chosen by name in configs and on the command line.
public enum Activation: String, Codable, Sendable, CaseIterable {
    case relu, leakyRelu = "leaky-relu", sigmoid, tanh, softplus

    /// A layer applying this activation.
    public func layer() -> any Layer {
        switch self {
        case .relu: ReLU()
        case .leakyRelu: LeakyReLU(0.2)
        case .sigmoid: Sigmoid()
        case .tanh: Tanh()
        case .softplus: Softplus()
        }
    }
}

/// A model configuration that cannot be built.
public enum ModelError: Error, CustomStringConvertible {
    case invalidConfig(String)
    public var description: String {
        switch self { case .invalidConfig(let m): m }
    }
}
