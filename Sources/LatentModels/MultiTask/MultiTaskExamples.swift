import LatentIO
import LatentTensor

/// Inputs with a target per task: MultiMNIST images with their left and right digits, or MNIST
/// digits with their class and parity (reconstruction needs no labels: the input is its target).
public struct MultiTaskExamples: Sendable {
    /// Flat images `[n, d]`.
    public let inputs: Tensor
    /// The labels of each classification task, one per row.
    public let labels: [LearningTask: [Int]]

    public var count: Int { inputs.shape[0] }

    /// Examples from parts already checked: one label per row for each task listed.
    public init(inputs: Tensor, labels: [LearningTask: [Int]]) {
        self.inputs = inputs
        self.labels = labels
    }

    /// MultiMNIST pairs: `left` and `right` labelled.
    public init(pairs: MultiMNIST.Pairs) {
        self.init(inputs: pairs.images, labels: [.left: pairs.left, .right: pairs.right])
    }

    /// Single labelled digits: `digit` and `parity` (1 for odd) labelled.
    public init(digits: Dataset) {
        let classes = digits.labels ?? []
        self.init(inputs: digits.inputs, labels: [.digit: classes, .parity: classes.map { $0 % 2 }])
    }

    /// The first `n` examples (all when `n` is nil or not smaller).
    public func prefix(_ n: Int?) -> MultiTaskExamples {
        guard let n, n < count else { return self }
        return MultiTaskExamples(inputs: inputs.rows(0..<n), labels: labels.mapValues { Array($0.prefix(n)) })
    }
}
