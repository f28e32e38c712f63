import LatentIO
import LatentNN
import LatentTensor

/// A model that can be written to a model file and rebuilt from it: a kind tag, a `Codable`
/// config that builds the network, and the weights under PyTorch's names.
///
/// Conformers get `save(to:)` and `load(path:)`; `ModelRegistry` opens a file of any registered
/// kind. A model file is a safetensors file whose metadata holds `latent.kind` and
/// `latent.config`; a training checkpoint is one too, so either opens.
public protocol SavedModel: Module {
    associatedtype Config: Codable & Equatable & Sendable
    /// The tag stored in the file (`"classifier"`, `"vae"`, …).
    static var kind: String { get }
    /// What the model is, in a few words (`"MLP 784-256-10"`).
    var summary: String { get }
    /// How the model was built; stored in the file.
    var config: Config { get }
    /// A freshly initialised model of this shape.
    init(_ config: Config) throws
    /// Loads weights read from `path` (a mismatch is an error naming the file, the tensor and
    /// both shapes). The default loads the whole tree; models of several networks name the one
    /// at fault.
    func loadWeights(_ tensors: [String: Tensor], path: String) throws
    /// How many weights a model of `config` has at least (saturating at `Int.max`), computed
    /// without building it: a file whose tensors hold fewer values cannot fit the config, so a
    /// hostile config is refused before it can ask for terabytes. Throws for a config that makes
    /// no network.
    static func minimumWeightCount(_ config: Config) throws -> Int
}

extension SavedModel {
    public func loadWeights(_ tensors: [String: Tensor], path: String) throws {
        try Checkpoint.load(tensors, into: self, path: path)
    }
}

extension SavedModel {
    /// Writes the weights and config to `path`, atomically.
    public func save(to path: String, extraMetadata: [String: String] = [:]) throws {
        try Checkpoint.save(self, kind: Self.kind, config: config, extraMetadata: extraMetadata, to: path)
    }

    /// Loads a model written by `save` (or a training checkpoint of it) in evaluation mode. Another
    /// kind of model, a config that does not decode, or weights that do not fit are errors naming
    /// the file (and, for weights, the tensor and both shapes).
    public static func load(path: String) throws -> Self {
        let file = try ModelFile(path: path)
        guard file.kind == kind else { throw CheckpointError.wrongKind(path, expected: Checkpoint.withArticle(kind), got: file.kind) }
        return try file.build(Self.self)
    }
}

/// A model file read from disk, before the model is built: its kind, config JSON and tensors.
public struct ModelFile {
    public let path: String
    public let kind: String
    public let configJSON: String
    public let tensors: [String: Tensor]
    public let metadata: [String: String]

    /// Reads `path`; a missing file or one without Latent's metadata is an error naming it.
    public init(path: String) throws {
        (kind, configJSON, tensors, metadata) = try Checkpoint.read(path: path)
        self.path = path
    }

    /// A model file already in memory (`path` names it in errors): a server's upload, a fuzzer's input.
    public init(bytes: [UInt8], path: String) throws {
        (kind, configJSON, tensors, metadata) = try Checkpoint.read(bytes: bytes, path: path)
        self.path = path
    }

    /// A model file from its parts, as `init(path:)` would have read them.
    public init(path: String, kind: String, configJSON: String, tensors: [String: Tensor], metadata: [String: String] = [:]) {
        self.path = path
        self.kind = kind
        self.configJSON = configJSON
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Builds a `type` from the config and loads the weights (training-only tensors of a
    /// checkpoint, under `name/…`, are skipped).
    ///
    /// The config is checked against the file before anything is allocated: the weights it
    /// implies must fit `InputLimits.modelWeights` and at most twice the values the file holds
    /// (plus 2²⁰), so the memory a model file can claim is bounded by its own size. Weights must
    /// be finite.
    public func build<M: SavedModel>(_ type: M.Type) throws -> M {
        let config = try Checkpoint.config(M.Config.self, from: configJSON, path: path)
        let weights = tensors.filter { !$0.key.contains("/") }
        let needed: Int
        do {
            needed = try M.minimumWeightCount(config)
        } catch {
            throw CheckpointError.badConfig(path, "\(error)")
        }
        let held = weights.values.reduce(0) { $0 + $1.count }
        if needed > InputLimits.modelWeights {
            throw CheckpointError.badConfig(path, "it describes \(Checkpoint.withArticle(M.kind)) model of \(needed == Int.max ? "more than \(Int.max)" : "at least \(needed)") weights; at most \(InputLimits.modelWeights) are accepted")
        }
        // A file about the right size is built, so a mismatch names the tensor and both shapes;
        // one far too small is refused here, so what a file can make us allocate stays within
        // twice its own size (plus 4 MB).
        if needed > InputLimits.sum(InputLimits.product(2, held), 1 << 20) {
            throw CheckpointError.mismatch(path, "its config describes at least \(needed) weights but the file holds \(held) values")
        }
        // A NaN or an infinity in a weight would flow into every picture and figure the model
        // makes; it is refused here, naming the tensor, instead of surfacing as NaN metrics.
        if let bad = weights.keys.sorted().first(where: { !(weights[$0]?.isFinite ?? true) }) {
            throw LatentIOError.invalidValue(path, "tensor '\(bad)' holds NaN or infinite values")
        }
        let model = try M(config)
        try model.loadWeights(weights, path: path)
        model.eval()
        return model
    }
}


