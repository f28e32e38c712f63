import LatentTensor

/// Why a PCA, neighbour search, affinity computation or embedding could not run.
///
/// `description` is one line naming the offending value and where it came from, so the command
/// line can print it as is.
public enum ManifoldError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The data cannot be used: wrong rank, too few points, NaN or infinite values.
    case invalidData(String)
    /// A setting is out of range (perplexity too large for n, components > features, …).
    case invalidConfig(String)
    /// Two inputs that must agree do not (labels vs points, feature counts).
    case mismatch(String)
    /// A LAPACK routine reported failure.
    case numerical(String)
    /// A saved model could not be read back.
    case badModel(String)

    public var description: String {
        switch self {
        case .invalidData(let m), .invalidConfig(let m), .mismatch(let m), .numerical(let m), .badModel(let m): m
        }
    }
}

/// Checks that `x` is a finite `[n, d]` matrix with at least `minRows` rows; `what` names it in errors.
func validateMatrix(_ x: Tensor, minRows: Int, what: String) throws(ManifoldError) {
    guard x.rank == 2 else { throw .invalidData("\(what) must be a matrix [n, d], got shape \(x.shape)") }
    guard x.shape[0] >= minRows else {
        throw .invalidData("\(what) has \(x.shape[0]) point\(x.shape[0] == 1 ? "" : "s"), at least \(minRows) needed")
    }
    guard x.shape[1] >= 1 else { throw .invalidData("\(what) has no features (shape \(x.shape))") }
    let d = x.shape[1]
    let bad: Int? = x.withUnsafeBufferPointer { p in
        for i in 0..<p.count where !p[i].isFinite { return i }
        return nil
    }
    if let bad {
        throw .invalidData("\(what) has a non-finite value (\(x.withUnsafeBufferPointer { $0[bad] })) at row \(bad / d), column \(bad % d)")
    }
}
