import Foundation
import LatentIO
import LatentTensor

/// Something whose state a training checkpoint carries: a module, an optimiser, a random stream,
/// a running average. It writes tensors and small Codable values under its own names and reads
/// them back; `TrainingState` gives each component a namespace.
public protocol TrainingStateComponent: AnyObject {
    /// Writes this component's state.
    func saveState(to writer: inout TrainingStateWriter) throws
    /// Restores the state written by `saveState`; throws (naming what is wrong) if it is absent or
    /// does not fit, leaving the component as it was where it can.
    func loadState(from reader: TrainingStateReader) throws
}

/// What components write into: tensors and JSON values, under names scoped to the component.
public struct TrainingStateWriter {
    let prefix: String
    var tensors: [(String, Tensor)] = []
    var values: [String: String] = [:]

    /// Stores a tensor under `name`.
    public mutating func put(_ name: String, _ tensor: Tensor) { tensors.append((prefix + name, tensor)) }

    /// Stores a Codable value under `name`.
    public mutating func put<T: Encodable>(_ name: String, value: T) throws {
        values[prefix + name] = try Checkpoint.encodeJSON(value)
    }
}

/// What components read from; the counterpart of `TrainingStateWriter`.
public struct TrainingStateReader {
    let prefix: String
    let tensors: [String: Tensor]
    let values: [String: String]
    /// The checkpoint file, for messages.
    public let path: String

    /// The tensor stored under `name`, if any.
    public func tensor(_ name: String) -> Tensor? { tensors[prefix + name] }

    /// Every tensor whose name starts with `namePrefix`, keyed by the rest of its name.
    public func tensors(withPrefix namePrefix: String) -> [String: Tensor] {
        let full = prefix + namePrefix
        var result: [String: Tensor] = [:]
        for (k, t) in tensors where k.hasPrefix(full) { result[String(k.dropFirst(full.count))] = t }
        return result
    }

    /// The value stored under `name`; a missing or malformed value is an error naming the file.
    public func value<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        guard let json = values[prefix + name] else {
            throw CheckpointError.badConfig(path, "training state '\(prefix + name)' is missing")
        }
        return try Checkpoint.config(T.self, from: json, path: path)
    }

    /// The value stored under `name`, or nil when there is none.
    public func optionalValue<T: Decodable>(_ name: String, as type: T.Type) throws -> T? {
        values[prefix + name] == nil ? nil : try value(name, as: type)
    }
}

/// Everything a training run needs to continue exactly where it stopped: any set of modules,
/// optimisers, random streams and other components, saved together in one safetensors file,
/// atomically, and restored bit for bit.
///
/// Modules keep their PyTorch names at the top level of the file (`0.weight`, or
/// `generator.0.weight` when registered as "generator"), so `safetensors.torch.load_file` reads a
/// checkpoint like a model file; every other component's tensors live under `<name>/…`.
public final class TrainingState {
    private var entries: [(name: String, component: any TrainingStateComponent, isModule: Bool)] = []

    public init() {}

    /// Adds a component under `name` (unique within the state).
    public func register(_ component: any TrainingStateComponent, as name: String) {
        precondition(!entries.contains { $0.name == name }, "TrainingState: '\(name)' registered twice")
        entries.append((name, component, component is Module))
    }

    /// Every registered component, in registration order.
    public var components: [any TrainingStateComponent] { entries.map(\.component) }

    /// The modules registered, by name.
    public var modules: [(String, Module)] {
        entries.compactMap { entry in (entry.component as? Module).map { (entry.name, $0) } }
    }

    private func prefix(of entry: (name: String, component: any TrainingStateComponent, isModule: Bool)) -> String {
        entry.isModule ? (entry.name.isEmpty ? "" : entry.name + ".") : entry.name + "/"
    }

    /// Writes every component's state and `metadata` to `path`, atomically.
    public func save(to path: String, metadata: [String: String]) throws {
        var tensors: [(String, Tensor)] = []
        var values: [String: String] = [:]
        for entry in entries {
            var writer = TrainingStateWriter(prefix: prefix(of: entry))
            try entry.component.saveState(to: &writer)
            tensors += writer.tensors
            values.merge(writer.values) { a, _ in a }
        }
        var m = metadata
        m[Self.valuesKey] = try Checkpoint.encodeJSON(values)
        m["format"] = "pt"
        try SafeTensors.write(tensors: tensors, metadata: m, to: path)
    }

    /// Restores every component from `path`; returns the file's metadata.
    @discardableResult
    public func restore(from path: String) throws -> [String: String] {
        try restore(from: try SafeTensors.read(path: path), path: path)
    }

    /// Restores every component from `file`, already read from `path`; returns its metadata.
    @discardableResult
    public func restore(from file: SafeTensorsFile, path: String) throws -> [String: String] {
        guard let json = file.metadata[Self.valuesKey] else { throw CheckpointError.notLatent(path) }
        let values = try Checkpoint.config([String: String].self, from: json, path: path)
        var tensors: [String: Tensor] = [:]
        for t in file.tensors { tensors[t.name] = t.tensor }
        for entry in entries {
            try entry.component.loadState(from: TrainingStateReader(prefix: prefix(of: entry), tensors: tensors,
                                                                    values: values, path: path))
        }
        return file.metadata
    }

    /// Metadata key of the components' JSON values.
    static let valuesKey = "latent.state"
}

extension Module: TrainingStateComponent {
    /// Parameters and buffers by path, the random stream of every `RandomStateful` submodule and
    /// which submodules are frozen.
    public func saveState(to writer: inout TrainingStateWriter) throws {
        for (name, t) in stateDict() { writer.put(name, t) }
        var streams: [String: [UInt64]] = [:]
        for (path, m) in namedModules() { if let r = m as? any RandomStateful { streams[path] = r.rng.state } }
        try writer.put("#random", value: streams)
        try writer.put("#frozen", value: frozenModulePaths)
    }

    public func loadState(from reader: TrainingStateReader) throws {
        var tensors: [String: Tensor] = [:]
        for (name, _) in stateDict() { if let t = reader.tensor(name) { tensors[name] = t } }
        try Checkpoint.load(tensors, into: self, path: reader.path)
        let streams = try reader.value("#random", as: [String: [UInt64]].self)
        for (path, m) in namedModules() {
            guard let r = m as? any RandomStateful else { continue }
            guard let s = streams[path], let g = RandomGenerator(state: s) else {
                throw CheckpointError.badConfig(reader.path, "no valid random state for module '\(path)'")
            }
            r.rng = g
        }
        setFrozenModules(try reader.value("#frozen", as: [String].self))
    }
}

extension Optimizer: TrainingStateComponent {
    /// Every slot by "<parameter path>/<slot>", the step count and the learning rate.
    public func saveState(to writer: inout TrainingStateWriter) throws {
        for key in slots.keys.sorted() { writer.put(key, slots[key]!) }
        try writer.put("#steps", value: stepCount)
        try writer.put("#learningRate", value: learningRate)
    }

    public func loadState(from reader: TrainingStateReader) throws {
        stepCount = try reader.value("#steps", as: Int.self)
        learningRate = try reader.value("#learningRate", as: Float.self)
        slots = reader.tensors(withPrefix: "")
    }
}

/// A random stream a training loop draws from (shuffling, noise), shared by reference so the
/// step function and the checkpoint see the same state.
public final class RandomStream: TrainingStateComponent {
    /// The generator; draw with `&stream.generator`.
    public var generator: RandomGenerator

    public init(seed: UInt64) { generator = RandomGenerator(seed: seed) }

    public func saveState(to writer: inout TrainingStateWriter) throws {
        try writer.put("state", value: generator.state)
    }

    public func loadState(from reader: TrainingStateReader) throws {
        guard let g = RandomGenerator(state: try reader.value("state", as: [UInt64].self)) else {
            throw CheckpointError.badConfig(reader.path, "bad random state")
        }
        generator = g
    }
}
