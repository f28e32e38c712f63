import LatentTensor

/// Multinomial logistic regression on sparse document vectors: the bag-of-words + linear baseline.
///
/// Trained by plain SGD on softmax cross-entropy with L2 decay, one document at a time in a seeded
/// shuffled order; each step touches only the rows of the document's non-zero features, so an
/// epoch costs O(non-zeros × classes) however large the vocabulary.
///
/// ```swift
/// let train = try LabeledCorpus.read("train.tsv")
/// let bow = BagOfWords(documents: train.documents, minCount: 2)
/// var clf = LinearTextClassifier(features: bow.count, classes: train.classes.count)
/// clf.fit(train.documents.map(bow.vector), targets: train.targets, epochs: 10)
/// clf.predict(bow.vector(Tokenizer().tokens("some new text")))
/// ```
public struct LinearTextClassifier: Sendable {
    /// `features × classes` weights, row-major.
    public private(set) var weights: [Float]
    /// One bias per class.
    public private(set) var bias: [Float]
    /// Input dimension.
    public let features: Int
    /// Number of classes.
    public let classes: Int

    /// A classifier with zero weights.
    public init(features: Int, classes: Int) {
        precondition(features >= 1 && classes >= 2, "LinearTextClassifier: need ≥ 1 feature and ≥ 2 classes")
        self.features = features
        self.classes = classes
        weights = [Float](repeating: 0, count: features * classes)
        bias = [Float](repeating: 0, count: classes)
    }

    /// Class scores (logits) of `x`.
    public func scores(_ x: SparseVector) -> [Float] {
        var s = bias
        for (i, v) in zip(x.indices, x.values) {
            let row = Int(i) * classes
            for c in 0..<classes { s[c] += v * weights[row + c] }
        }
        return s
    }

    /// The most likely class of `x`.
    public func predict(_ x: SparseVector) -> Int {
        let s = scores(x)
        return s.indices.max { s[$0] < s[$1] } ?? 0
    }

    /// Share of `inputs` whose prediction equals the target.
    public func accuracy(_ inputs: [SparseVector], targets: [Int]) -> Double {
        guard !inputs.isEmpty else { return 0 }
        return Double(zip(inputs, targets).filter { predict($0.0) == $0.1 }.count) / Double(inputs.count)
    }

    /// SGD on softmax cross-entropy; returns the mean loss of each epoch.
    @discardableResult
    public mutating func fit(_ inputs: [SparseVector], targets: [Int], epochs: Int = 10, learningRate: Float = 0.5,
                             l2: Float = 1e-5, seed: UInt64 = 1) -> [Double] {
        precondition(inputs.count == targets.count, "LinearTextClassifier.fit: \(inputs.count) inputs, \(targets.count) targets")
        var rng = RandomGenerator(seed: seed)
        var losses: [Double] = []
        for epoch in 0..<epochs {
            let rate = learningRate / (1 + Float(epoch))
            var total = 0.0
            for n in rng.permutation(inputs.count) {
                let x = inputs[n], y = targets[n]
                var p = scores(x)
                let m = p.max() ?? 0
                var z: Float = 0
                for c in 0..<classes { p[c] = exp(p[c] - m); z += p[c] }
                for c in 0..<classes { p[c] /= z }
                total -= Double(log(max(p[y], 1e-12)))
                p[y] -= 1   // ∂loss/∂score
                for c in 0..<classes { bias[c] -= rate * p[c] }
                for (i, v) in zip(x.indices, x.values) {
                    let row = Int(i) * classes
                    for c in 0..<classes { weights[row + c] -= rate * (p[c] * v + l2 * weights[row + c]) }
                }
            }
            losses.append(total / Double(max(1, inputs.count)))
        }
        return losses
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
