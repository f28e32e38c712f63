/// One task a `MultiTaskNetwork` learns, named as on the command line (`--tasks left,right`).
///
/// `left` and `right` read the two digits of a MultiMNIST image; `digit`, `parity` and
/// `reconstruction` are MNIST with auxiliary tasks (the class, whether it is odd, and the image
/// itself).
public enum LearningTask: String, Codable, Sendable, CaseIterable {
    case left, right, digit, parity, reconstruction

    /// Whether the task is read off MultiMNIST images (`left`, `right`) rather than single digits.
    public var needsPairs: Bool { self == .left || self == .right }

    /// Whether the head predicts a class (scored by accuracy) rather than the input (scored by
    /// squared error).
    public var isClassification: Bool { self != .reconstruction }

    /// Width of the head's output for inputs of `inputSize` values.
    public func outputSize(inputSize: Int) -> Int {
        switch self {
        case .left, .right, .digit: 10
        case .parity: 2
        case .reconstruction: inputSize
        }
    }

    /// The figure `metrics.json` reports for this task on the test set.
    public var metricName: String { isClassification ? "test_\(rawValue)_accuracy" : "test_reconstruction_error" }

    /// Checks a task list typed by a user: not empty, no repeats, and no mixing of MultiMNIST
    /// tasks with single-digit ones (they read different images).
    public static func validate(_ tasks: [LearningTask]) throws(ModelError) {
        if tasks.isEmpty { throw .invalidConfig("give at least one task") }
        if Set(tasks).count != tasks.count { throw .invalidConfig("each task may be named once, got \(tasks.map(\.rawValue))") }
        if tasks.contains(where: \.needsPairs) && tasks.contains(where: { $0 == .digit || $0 == .parity }) {
            throw .invalidConfig("left and right (MultiMNIST) cannot be mixed with digit and parity (single digits)")
        }
    }
}
