import LatentNN
import LatentTensor

/// A classifier made of a trunk (everything that turns an input into features) and a last layer
/// (the head) that maps features to one task's classes: what transfer learning reuses and what
/// it replaces.
///
/// A new kind of classifier joins transfer by naming its trunk; `ClassifierModelConfig.pretrained`
/// (LatentExperiments) then maps a saved model of a kind with an encoder onto one of these. A
/// deep belief network (`dbn`, being added) would map onto an MLP `Classifier` whose hidden
/// layers take the DBN's stacked RBM weights.
public protocol TransferableClassifier: LabelPredictor, SavedModel {
    /// Module paths of the trunk, in forward order (the head is every other parameter).
    var trunkPaths: [String] { get }
    /// The trunk's output for `input`: the features the head reads.
    func trunkFeatures(_ input: Variable) -> Variable
}

extension TransferableClassifier {
    /// Whether the parameter or buffer at `name` belongs to the trunk.
    public func isTrunk(_ name: String) -> Bool {
        trunkPaths.contains { name == $0 || name.hasPrefix($0 + ".") }
    }

    /// The trunk's modules (each path resolved in the tree).
    public var trunkModules: [Module] {
        let modules = Dictionary(namedModules().map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
        return trunkPaths.compactMap { modules[$0] }
    }

    /// The trunk's features of the rows of `inputs`, `[N, features]`, in batches, in evaluation
    /// mode without gradients: a learned representation for other learners (zero-shot, t-SNE).
    public func features(_ inputs: Tensor, batchSize: Int = 500) -> Tensor {
        inferInBatches(inputs, batchSize: batchSize, emptyShape: [0, 0]) { trunkFeatures($0) }
    }

    /// Freezes the trunk (the head keeps training).
    public func freezeTrunk() { for m in trunkModules { m.freeze() } }

    /// Lets the trunk train again; optimiser state is kept by parameter path, so fine-tuning
    /// picks up where it would have been.
    public func unfreezeTrunk() { for m in trunkModules { m.unfreeze() } }

    /// Parameters of the trunk.
    public var trunkParameterCount: Int {
        namedParameters().filter { isTrunk($0.0) }.reduce(0) { $0 + $1.1.value.count }
    }

    /// Copies the trunk's parameters and buffers from `state` (names as this model's), leaving the
    /// head as initialised. Every trunk tensor must be there with this model's shape; nothing is
    /// assigned unless all are.
    public func loadTrunk(_ state: [String: Tensor]) throws(ModuleError) {
        let current = stateDict().filter { isTrunk($0.0) }
        var kept = Dictionary(stateDict(), uniquingKeysWith: { first, _ in first })
        for (name, tensor) in current {
            guard let t = state[name] else { throw .missing(name) }
            guard t.shape == tensor.shape else { throw .shapeMismatch(name, expected: tensor.shape, got: t.shape) }
            kept[name] = t
        }
        try load(kept)
    }
}

extension Classifier: TransferableClassifier {
    /// Every layer before the last linear layer (the hidden layers and their activations).
    public var trunkPaths: [String] {
        let layers = network.children
        guard let head = layers.lastIndex(where: { !$0.1.namedParameters().isEmpty }) else { return [] }
        return layers[..<head].map(\.0)
    }

    public func trunkFeatures(_ input: Variable) -> Variable {
        let count = trunkPaths.count
        return network.layers.prefix(count).reduce(input) { x, layer in layer(x) }
    }
}

extension ConvClassifier: TransferableClassifier {
    /// The convolution blocks and every fully connected layer before the last one.
    public var trunkPaths: [String] {
        let layers = classifier.children
        guard let head = layers.lastIndex(where: { !$0.1.namedParameters().isEmpty }) else { return ["features"] }
        return ["features"] + layers[..<head].map { "classifier." + $0.0 }
    }

    public func trunkFeatures(_ input: Variable) -> Variable {
        let count = trunkPaths.count - 1
        return classifier.layers.prefix(count).reduce(embed(input)) { x, layer in layer(x) }
    }
}

extension EncoderClassifier: TransferableClassifier {
    /// The autoencoder's (or VAE's) encoder.
    public var trunkPaths: [String] { ["encoder"] }

    public func trunkFeatures(_ input: Variable) -> Variable { encoder(input) }
}
