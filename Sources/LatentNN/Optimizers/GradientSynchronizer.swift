import LatentTensor

/// Combines parameter gradients across data-parallel workers (summing or averaging them), in
/// place, before an optimiser applies them. Every `Optimizer.update` of every model passes
/// through one, so a data-parallel run installs an all-reduce here without touching the models.
public protocol GradientSynchronizer: Sendable {
    /// Combines `gradients` across workers. `buffer` belongs to the calling optimiser and is kept
    /// between updates: an implementation that wants one contiguous buffer uses
    /// `gradients.withFlatBuffer(&buffer) { … }`, which reuses it.
    func synchronize(_ gradients: inout Gradients, buffer: inout Tensor)
}

/// A single process: gradients are already complete, nothing is copied.
public struct LocalGradients: GradientSynchronizer {
    public init() {}
    public func synchronize(_ gradients: inout Gradients, buffer: inout Tensor) {}
}

/// The synchroniser new optimisers start with.
public enum GradientSynchronization {
    nonisolated(unsafe) private static var current: any GradientSynchronizer = LocalGradients()

    /// The process-wide default; a launcher (e.g. MPI) sets it once at start-up, before any
    /// optimiser is created.
    public static var shared: any GradientSynchronizer {
        get { current }
        set { current = newValue }
    }
}
