import LatentIO
import LatentNN
import LatentTensor

/// How the tasks of a `MultiTaskNetwork` share parameters.
public enum MultiTaskSharing: String, Codable, Sendable, CaseIterable {
    /// Hard sharing (Caruana 1997): one trunk for every task, a head per task.
    case hard
    /// Soft sharing (Duong et al. 2015): a tower per task, with an L2 penalty pulling the weights
    /// of corresponding layers together (`MultiTaskNetwork.sharingPenalty`).
    case soft
    /// A tower per task and no coupling at all: one network per task, the baseline.
    case single
}

/// Fully connected networks that learn several tasks from the same inputs: a trunk (hard
/// sharing) or a tower per task (soft sharing, or none), each task with its own linear head.
///
/// A tower is `inputSize → hidden…` with ReLU after every layer; a head maps the last hidden layer
/// to the task's output (`LearningTask.outputSize`). Parameters are `towers.<t>.<i>.weight` (one
/// tower under hard sharing) and `heads.<t>.weight`, in the order of `config.tasks`.
public final class MultiTaskNetwork: Module, SavedModel {
    /// The networks' shapes; stored in model files.
    public struct Config: Codable, Sendable, Equatable {
        /// Values per input row (a flat image).
        public var inputSize: Int
        /// The tasks, in the order of the heads.
        public var tasks: [LearningTask]
        public var sharing: MultiTaskSharing
        /// Widths of the hidden layers of the trunk, or of each tower.
        public var hidden: [Int]
        public var seed: UInt64

        public init(inputSize: Int, tasks: [LearningTask], sharing: MultiTaskSharing, hidden: [Int] = [256, 256], seed: UInt64 = 1) {
            self.inputSize = inputSize
            self.tasks = tasks
            self.sharing = sharing
            self.hidden = hidden
            self.seed = seed
        }

        /// Towers the network holds: one under hard sharing, one per task otherwise.
        public var towerCount: Int { sharing == .hard ? 1 : tasks.count }

        /// Rejects shapes that make no network, and sizes no machine could hold (a config may
        /// come from a file, so every count is bounded before anything is allocated).
        public func validate() throws(ModelError) {
            try LearningTask.validate(tasks)
            if !(1...(1 << 24)).contains(inputSize) { throw .invalidConfig("input size must be in 1...\(1 << 24), got \(inputSize)") }
            if hidden.isEmpty { throw .invalidConfig("a multi-task network needs at least one hidden layer to share") }
            if let h = hidden.first(where: { !(1...65_536).contains($0) }) {
                throw .invalidConfig("hidden layer widths must be in 1...65536, got \(h)")
            }
            if MultiTaskNetwork.weightCount(self) > 1 << 28 {
                throw .invalidConfig("\(towerCount) towers of \([inputSize] + hidden) and \(tasks.count) heads need more than \(1 << 28) weights")
            }
        }
    }

    public static let kind = "multitask"

    /// Weights of `config`'s towers and heads, biases not counted (saturating).
    static func weightCount(_ config: Config) -> Int {
        let tower = InputLimits.denseWeights([config.inputSize] + config.hidden)
        let last = config.hidden.last ?? config.inputSize
        let heads = config.tasks.reduce(0) { InputLimits.sum($0, InputLimits.denseWeights([last, $1.outputSize(inputSize: config.inputSize)])) }
        return InputLimits.sum(InputLimits.product(config.towerCount, tower), heads)
    }

    public static func minimumWeightCount(_ config: Config) throws -> Int {
        try config.validate()
        return weightCount(config)
    }

    public let config: Config
    /// The shared trunk (hard sharing) or one tower per task.
    public let towers: [Sequential]
    /// One linear head per task.
    public let heads: [Linear]

    public init(_ config: Config) throws(ModelError) {
        try config.validate()
        self.config = config
        var rng = RandomGenerator(seed: config.seed)
        // Towers drawn one after another from one stream: single-task towers start from
        // different weights, as separately trained networks would.
        towers = (0..<config.towerCount).map { _ in
            Sequential(MLP.layers([config.inputSize] + config.hidden, activateLast: true, activation: { ReLU() }, rng: &rng))
        }
        let last = config.hidden.last ?? config.inputSize
        heads = config.tasks.map { Linear(last, $0.outputSize(inputSize: config.inputSize), rng: &rng) }
    }

    public var summary: String {
        let widths = ([config.inputSize] + config.hidden).map(String.init).joined(separator: "-")
        let shape = switch config.sharing {
        case .hard: "one trunk \(widths)"
        case .soft: "\(config.towerCount) towers \(widths) tied by an L2 penalty"
        case .single: "\(config.towerCount) separate towers \(widths)"
        }
        return "multi-task (\(config.sharing.rawValue)): \(shape), heads for " + config.tasks.map(\.rawValue).joined(separator: ", ")
    }

    /// The tower task `t` reads.
    public func tower(for t: Int) -> Sequential { towers[config.sharing == .hard ? 0 : t] }

    /// The outputs of every head for flat inputs `[N, inputSize]`, in task order: class logits, or
    /// reconstruction logits (a sigmoid gives the image).
    public func callAsFunction(_ input: Variable) -> [Variable] {
        if config.sharing == .hard {
            let shared = towers[0](input)
            return heads.map { $0(shared) }
        }
        return heads.indices.map { output($0, input) }
    }

    /// The output of task `t`'s head alone.
    public func output(_ t: Int, _ input: Variable) -> Variable { heads[t](tower(for: t)(input)) }

    /// Soft sharing's coupling (Duong et al. 2015): the squared distance between the weights (and
    /// biases) of corresponding tower layers, summed over layers and pairs of towers. Nil when
    /// there is only one tower.
    public func sharingPenalty() -> Variable? {
        guard towers.count > 1 else { return nil }
        let layers = towers.map { $0.namedParameters().map(\.1) }
        var total: Variable?
        for k in layers[0].indices {
            for i in 0..<layers.count {
                for j in (i + 1)..<layers.count {
                    let distance = (layers[i][k] - layers[j][k]).square().sum()
                    total = total.map { $0 + distance } ?? distance
                }
            }
        }
        return total
    }

    /// Parameters that serve task `t`: its tower (the shared trunk under hard sharing) and head.
    public func parameters(forTask t: Int) -> Int {
        tower(for: t).parameterCount + heads[t].parameterCount
    }
}
