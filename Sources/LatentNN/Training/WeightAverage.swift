import LatentTensor

/// A running average of a module's parameters (Polyak averaging; for GANs, Yazıcı et al., 2019,
/// "The Unusual Effectiveness of Averaging in GAN Training"), updated after optimiser steps and
/// swapped in for evaluation. Checkpointed with the run, so a resumed run averages alike.
///
/// The decay after t updates is min(`decay`, (1 + t)/(10 + t)): the window grows with the run —
/// about the last ninth of the updates so far — until it reaches 1/(1 − decay) updates (t ≈ 9,000
/// for 0.999). Averaging the whole run instead (decay t/(t + 1) up to the same cap) measured
/// worse on dcgan: it blends networks from too far apart (Fréchet 28.0 instead of 17.5 after 4
/// epochs).
public final class WeightAverage: TrainingStateComponent {
    /// The module whose parameters are averaged.
    public let module: Module
    /// The decay the ramp ends at.
    public let decay: Float
    /// The average, by parameter path.
    private var average: [String: Tensor] = [:]
    /// Updates folded into the average.
    public private(set) var updates = 0

    /// Starts the average at the module's current parameters.
    public init(_ module: Module, decay: Float) {
        self.module = module
        self.decay = decay
        for (name, p) in module.namedParameters() { average[name] = p.value }
    }

    /// Folds the module's current parameters into the average.
    public func update() {
        let k = 1 - Swift.min(decay, Float(1 + updates) / Float(10 + updates))
        for (name, p) in module.namedParameters() {
            guard var a = average.removeValue(forKey: name) else { continue }   // uniquely referenced: in place
            a.update(with: p.value) { a, x in a + k * (x - a) }
            average[name] = a
        }
        updates += 1
    }

    /// Runs `body` with the averaged parameters in place of the live ones, then puts the live ones
    /// (and the buffers) back. `prepare` runs first with the average in place: the place to
    /// re-estimate batch-norm statistics for the averaged weights (statistics gathered for the
    /// live weights normalise the average's activations wrongly).
    public func withAveragedWeights<R>(prepare: () -> Void = {}, _ body: () throws -> R) rethrows -> R {
        let parameters = module.namedParameters()
        let buffers = module.namedBuffers()
        let live = parameters.map(\.1.value)
        let liveBuffers = buffers.map(\.1.value)
        for (name, p) in parameters { if let a = average[name] { p.value = a } }
        defer {
            for ((_, p), value) in zip(parameters, live) { p.value = value }
            for ((_, b), value) in zip(buffers, liveBuffers) { b.value = value }
        }
        prepare()
        return try body()
    }

    public func saveState(to writer: inout TrainingStateWriter) throws {
        for name in average.keys.sorted() { writer.put(name, average[name]!) }
        try writer.put("#updates", value: updates)
    }

    public func loadState(from reader: TrainingStateReader) throws {
        var restored: [String: Tensor] = [:]
        for (name, p) in module.namedParameters() {
            guard let a = reader.tensor(name), a.shape == p.value.shape else {
                throw CheckpointError.mismatch(reader.path, "the running average lacks '\(name)' or has another shape")
            }
            restored[name] = a
        }
        average = restored
        updates = try reader.value("#updates", as: Int.self)
    }
}
