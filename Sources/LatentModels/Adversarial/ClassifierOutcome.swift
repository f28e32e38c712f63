import Foundation
import LatentTensor

/// What a classifier said about each row of a batch: its predicted class, the probability it gave
/// that class, and the log-probabilities (for per-example losses).
public struct ClassifierOutcome: Sendable {
    /// The arg-max class of each row.
    public let predictions: [Int]
    /// The softmax probability of the predicted class.
    public let confidences: [Float]
    /// Log-softmax of the logits, `[N, classes]`.
    public let logProbabilities: Tensor

    /// The outcome of `logits` `[N, classes]` (computed stably in double precision per row).
    public init(logits: Tensor) {
        let (n, k) = (logits.shape[0], logits.shape[1])
        var logp = Tensor(uninitializedShape: [n, k])
        var predictions = [Int](repeating: 0, count: n), confidences = [Float](repeating: 0, count: n)
        logits.withUnsafeBufferPointer { z in
            logp.withUnsafeMutableBufferPointer { out in
                for i in 0..<n {
                    var top = 0
                    for j in 1..<k where z[i * k + j] > z[i * k + top] { top = j }
                    let m = Double(z[i * k + top])
                    var total = 0.0
                    for j in 0..<k { total += Foundation.exp(Double(z[i * k + j]) - m) }
                    let logTotal = m + Foundation.log(total)
                    for j in 0..<k { out[i * k + j] = Float(Double(z[i * k + j]) - logTotal) }
                    predictions[i] = top
                    confidences[i] = Float(1 / total)
                }
            }
        }
        self.predictions = predictions
        self.confidences = confidences
        logProbabilities = logp
    }

    /// −log p(label | row).
    public func crossEntropy(row: Int, label: Int) -> Float {
        -logProbabilities[row, label]
    }
}
