import LatentTensor

extension LatentGrid {
    /// How many cells of a decoded grid a classifier reads as each class with at least
    /// `threshold` probability: "the manifold shows all ten digits" as counts, not an impression.
    /// `probabilities` is `[cells, classes]` (a classifier's softmax of the decoded cells); the
    /// result has one count per class, in class order.
    public static func confidentCells(_ probabilities: Tensor, threshold: Float) -> [Int] {
        precondition(probabilities.rank == 2, "LatentGrid.confidentCells: probabilities of shape \(probabilities.shape)")
        let classes = probabilities.shape[1], p = probabilities.scalars
        var counts = [Int](repeating: 0, count: classes)
        for row in 0..<probabilities.shape[0] {
            for c in 0..<classes where p[row * classes + c] >= threshold { counts[c] += 1 }
        }
        return counts
    }
}
