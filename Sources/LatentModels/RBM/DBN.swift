import LatentIO
import LatentNN
import LatentTensor

/// A deep belief net as a stack of RBMs, each trained on the hidden probabilities of the one
/// below (Hinton, Osindero & Teh 2006), ready to be unrolled into a deep autoencoder or a
/// classifier and fine-tuned by backpropagation (Hinton & Salakhutdinov 2006).
///
/// Its model file holds the RBMs under their position: `0.weight`, `0.h_bias`, `0.v_bias`,
/// `1.weight`, …
public final class DBN: Module, SavedModel {
    /// The widths and unit types of the stack.
    public struct Config: Codable, Sendable, Equatable {
        /// Widths from the data to the top, e.g. [784, 1000, 500, 250, 30].
        public var layers = [784, 1000, 500, 250, 30]
        /// The first RBM's visible units (Gaussian for real-valued, standardised data).
        public var visibleUnits = RBM.Config.VisibleUnits.bernoulli
        /// The top RBM's hidden units: linear-Gaussian gives the real-valued code of the 2006
        /// autoencoder; every other hidden layer is binary.
        public var topHiddenUnits = RBM.Config.HiddenUnits.bernoulli
        public var seed: UInt64 = 1

        public init(layers: [Int] = [784, 1000, 500, 250, 30], visibleUnits: RBM.Config.VisibleUnits = .bernoulli,
                    topHiddenUnits: RBM.Config.HiddenUnits = .bernoulli, seed: UInt64 = 1) {
            self.layers = layers
            self.visibleUnits = visibleUnits
            self.topHiddenUnits = topHiddenUnits
            self.seed = seed
        }

        /// Rejects a layer list that does not make a stack.
        public func validate() throws(ModelError) {
            if layers.count < 2 { throw .invalidConfig("a DBN needs at least two widths (data and one hidden layer), got \(layers)") }
            if let bad = layers.first(where: { $0 < 1 }) { throw .invalidConfig("layer widths must be positive, got \(bad)") }
        }

        /// The RBM of layer `i` (0-based): its widths, units and seed.
        public func rbm(_ i: Int) -> RBM.Config {
            RBM.Config(visible: layers[i], hidden: layers[i + 1], visibleUnits: i == 0 ? visibleUnits : .bernoulli,
                       hiddenUnits: i == layers.count - 2 ? topHiddenUnits : .bernoulli, seed: seed &+ UInt64(i))
        }

        /// "784-1000-500-250-30 (linear top)".
        public var summary: String {
            layers.map(String.init).joined(separator: "-") + (topHiddenUnits == .linear ? " (linear top)" : "")
                + (visibleUnits == .gaussian ? " (gaussian visible)" : "")
        }
    }

    public let config: Config
    /// The machines, bottom first.
    public let machines: [RBM]

    public init(_ config: Config) throws(ModelError) {
        try config.validate()
        self.config = config
        var machines: [RBM] = []
        for i in 0..<(config.layers.count - 1) { machines.append(try RBM(config.rbm(i))) }
        self.machines = machines
    }

    /// A stack made of trained machines (their weights are shared, not copied).
    public convenience init(_ config: Config, machines trained: [RBM]) throws {
        try self.init(config)
        guard trained.count == machines.count else {
            throw ModelError.invalidConfig("\(trained.count) RBMs for a stack of \(machines.count)")
        }
        for (mine, theirs) in zip(machines, trained) {
            guard mine.config.visible == theirs.config.visible, mine.config.hidden == theirs.config.hidden else {
                throw ModelError.invalidConfig("an RBM of \(theirs.config.summary) does not fit \(mine.config.summary)")
            }
            try mine.load(Dictionary(uniqueKeysWithValues: theirs.stateDict()))
        }
    }

    /// Machines named by position, as a PyTorch `nn.ModuleList` would name them.
    public override var children: [(String, Module)] { machines.enumerated().map { ("\($0.offset)", $0.element) } }

    /// The deterministic up-pass: hidden means of every layer in turn, the top code last.
    public func transform(_ data: Tensor) -> Tensor {
        machines.reduce(data) { x, rbm in rbm.transform(x) }
    }
}

extension DBN {
    public static let kind = "dbn"

    public var summary: String { "DBN " + config.summary }

    /// Every machine's weight matrix.
    public static func minimumWeightCount(_ config: Config) throws -> Int {
        try config.validate()
        return InputLimits.denseWeights(config.layers)
    }

    /// The deep autoencoder the stack unrolls into: the encoder is the stack (sigmoid layers, a
    /// linear code when the top units are linear), the decoder the stack's transposes with the
    /// visible biases, untied so fine-tuning moves each on its own. Trained with cross-entropy on
    /// the logistic output, as Hinton & Salakhutdinov fine-tune it. Before fine-tuning its codes
    /// are the stack's `transform`.
    public func unrolledAutoencoder() throws -> Autoencoder {
        guard config.visibleUnits == .bernoulli else {
            throw ModelError.invalidConfig("the unrolled autoencoder has a logistic output, so it needs a DBN with Bernoulli visible units")
        }
        var c = Autoencoder.Config(kind: .deep)
        c.inputSize = config.layers[0]
        c.layers = config.layers
        c.activation = .sigmoid
        c.codeActivation = config.topHiddenUnits == .linear ? .linear : .sigmoid
        c.loss = .bce
        c.seed = config.seed
        let model = try Autoencoder(c)
        let encoder = model.encoder.layers.compactMap { $0 as? Linear }
        let decoder = model.decoder.layers.compactMap { $0 as? Linear }
        for (i, rbm) in machines.enumerated() {
            encoder[i].weight.value = rbm.weight.value
            encoder[i].bias?.value = rbm.hiddenBias.value
            let mirror = decoder[machines.count - 1 - i]
            mirror.weight.value = rbm.weight.value.transposed()
            mirror.bias?.value = rbm.visibleBias.value
        }
        return model
    }

    /// The classifier the stack unrolls into: its layers with sigmoid units, then a fresh
    /// softmax layer of `classes` (weights drawn from `seed`), with `dropout` after each hidden
    /// layer for fine-tuning (Srivastava et al. 2014 fine-tune DBNs this way).
    public func unrolledClassifier(classes: Int, seed: UInt64, dropout: Float = 0) throws -> Classifier {
        guard config.topHiddenUnits == .bernoulli else {
            throw ModelError.invalidConfig("the classifier's hidden layers are logistic, so it needs a DBN whose top units are Bernoulli (not linear)")
        }
        var c = Classifier.Config(inputSize: config.layers[0], hidden: Array(config.layers.dropFirst()), classes: classes)
        c.activation = .sigmoid
        c.dropout = dropout
        c.seed = seed
        let model = try Classifier(c)
        let linears = model.network.layers.compactMap { $0 as? Linear }
        for (i, rbm) in machines.enumerated() {
            linears[i].weight.value = rbm.weight.value
            linears[i].bias?.value = rbm.hiddenBias.value
        }
        return model
    }
}
