import CLatentBLAS
import LatentTensor

/// Solves the regularised normal equations (A + γI) X = B of ridge regression and ESZSL, for a
/// symmetric positive semi-definite A, by a Cholesky factorisation (LAPACK `spotrf`) and two
/// triangular solves (BLAS `strsm`).
public enum RidgeSolver {
    /// X = (A + γI)⁻¹ B for `a` `[n, n]` symmetric and `b` `[n, k]`; γ > 0 keeps the system
    /// positive definite.
    public static func solve(_ a: Tensor, ridge gamma: Float, _ b: Tensor) throws(ZeroShotError) -> Tensor {
        let n = a.shape[0], k = b.shape[1]
        var m = a.scalars
        for i in 0..<n { m[i * n + i] += gamma }
        // Column-major right-hand side: column j of B is row j of Bᵀ.
        var x = b.transposed().scalars
        var uplo = CChar(UInt8(ascii: "L")), n32 = Int32(n), info: Int32 = 0
        // A symmetric matrix reads the same in row- and column-major order.
        m.withUnsafeMutableBufferPointer { spotrf_(&uplo, &n32, $0.baseAddress, &n32, &info) }
        guard info == 0 else {
            throw .invalid("the \(n)×\(n) regularised system is not positive definite (LAPACK spotrf info \(info)); raise the regularisation")
        }
        m.withUnsafeBufferPointer { l in
            x.withUnsafeMutableBufferPointer { p in
                // L Y = B, then Lᵀ X = Y.
                cblas_strsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, Int32(n), Int32(k), 1,
                            l.baseAddress, Int32(n), p.baseAddress, Int32(n))
                cblas_strsm(CblasColMajor, CblasLeft, CblasLower, CblasTrans, CblasNonUnit, Int32(n), Int32(k), 1,
                            l.baseAddress, Int32(n), p.baseAddress, Int32(n))
            }
        }
        return Tensor(shape: [k, n], scalars: x).transposed()
    }
}
