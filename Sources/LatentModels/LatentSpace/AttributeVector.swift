import LatentTensor

/// A direction in latent space that adds an attribute: the mean code of examples that have it
/// minus the mean code of examples that do not ("thick" minus "thin" digits, class 9 minus
/// class 4). Added to a new example's code with a strength, it moves the decoded image toward
/// the attribute while keeping the rest of what the code says.
public struct AttributeVector: Sendable, Equatable {
    /// mean(with) − mean(without), one entry per latent dimension.
    public let direction: [Float]

    /// The difference of the mean rows of `with` and `without` (codes, `[N, D]` each).
    public init(with: Tensor, without: Tensor) throws(LatentSpaceError) {
        guard with.rank == 2, without.rank == 2, with.shape[1] == without.shape[1] else {
            throw .invalid("attribute sets have code shapes \(with.shape) and \(without.shape)")
        }
        guard with.shape[0] > 0, without.shape[0] > 0 else { throw .invalid("an attribute needs examples on both sides") }
        let a = with.mean(axis: 0).scalars, b = without.mean(axis: 0).scalars
        direction = zip(a, b).map { $0 - $1 }
    }

    /// The vector from the mean code of class `from` to that of class `to`, among `codes` with `labels`.
    public static func classDifference(codes: Tensor, labels: [Int], from: Int, to: Int) throws(LatentSpaceError) -> AttributeVector {
        let a = labels.indices.filter { labels[$0] == to }, b = labels.indices.filter { labels[$0] == from }
        if a.isEmpty { throw .tooFewExamples(label: to, count: 0, needed: 1) }
        if b.isEmpty { throw .tooFewExamples(label: from, count: 0, needed: 1) }
        return try AttributeVector(with: codes.gatherRows(a), without: codes.gatherRows(b))
    }

    /// Euclidean length of the direction.
    public var norm: Float { direction.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// Every code moved by every strength: row `i · scales.count + s` is `codes[i] + scales[s] · direction`.
    public func apply(to codes: Tensor, scales: [Float]) -> Tensor {
        let n = codes.shape[0], d = direction.count
        precondition(codes.rank == 2 && codes.shape[1] == d, "AttributeVector.apply: codes \(codes.shape) for a \(d)-d direction")
        var out = [Float](repeating: 0, count: n * scales.count * d)
        let p = codes.scalars
        for i in 0..<n {
            for (s, k) in scales.enumerated() {
                let row = (i * scales.count + s) * d
                for j in 0..<d { out[row + j] = p[i * d + j] + k * direction[j] }
            }
        }
        return Tensor(shape: [n * scales.count, d], scalars: out)
    }
}
