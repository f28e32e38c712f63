import CLatentBLAS

/// Thin checked wrappers over the few LAPACK routines PCA needs. Each takes column-major storage,
/// as Fortran does, and throws `ManifoldError.numerical` when LAPACK reports failure.
enum LAPACK {
    /// Eigen-decomposes the symmetric `n × n` matrix `a` (either triangle filled) in double
    /// precision. On return `a` holds the eigenvectors: eigenvector `i` is `a[i*n ..< (i+1)*n]`;
    /// the returned eigenvalues are ascending.
    static func symmetricEigen(_ a: inout [Double], n: Int) throws(ManifoldError) -> [Double] {
        var jobz = CChar(UInt8(ascii: "V")), uplo = CChar(UInt8(ascii: "L"))
        var n32 = Int32(n), lda = Int32(n), info: Int32 = 0
        var w = [Double](repeating: 0, count: n)
        var lwork: Int32 = -1, liwork: Int32 = -1
        var workQuery = 0.0, iworkQuery: Int32 = 0
        a.withUnsafeMutableBufferPointer { ap in
            dsyevd_(&jobz, &uplo, &n32, ap.baseAddress, &lda, &w, &workQuery, &lwork, &iworkQuery, &liwork, &info)
        }
        guard info == 0 else { throw .numerical("dsyevd workspace query failed (info \(info))") }
        lwork = Int32(workQuery)
        liwork = iworkQuery
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        a.withUnsafeMutableBufferPointer { ap in
            dsyevd_(&jobz, &uplo, &n32, ap.baseAddress, &lda, &w, &work, &lwork, &iwork, &liwork, &info)
        }
        guard info == 0 else { throw .numerical("dsyevd failed to converge (info \(info)) on a \(n)×\(n) matrix") }
        return w
    }

    /// Replaces the column-major `m × k` matrix at `a` (leading dimension `m`, `m ≥ k`) by an
    /// orthonormal basis of its column space (the Q of its QR factorisation).
    static func orthonormalizeColumns(_ a: UnsafeMutablePointer<Float>, rows m: Int, columns k: Int) throws(ManifoldError) {
        var m32 = Int32(m), k32 = Int32(k), lda = Int32(m), info: Int32 = 0, lwork: Int32 = -1
        var tau = [Float](repeating: 0, count: k)
        var query: Float = 0
        sgeqrf_(&m32, &k32, a, &lda, &tau, &query, &lwork, &info)
        var query2: Float = 0
        sorgqr_(&m32, &k32, &k32, a, &lda, &tau, &query2, &lwork, &info)
        lwork = Int32(Swift.max(query, query2, 1))
        var work = [Float](repeating: 0, count: Int(lwork))
        sgeqrf_(&m32, &k32, a, &lda, &tau, &work, &lwork, &info)
        guard info == 0 else { throw .numerical("sgeqrf failed (info \(info)) on a \(m)×\(k) matrix") }
        sorgqr_(&m32, &k32, &k32, a, &lda, &tau, &work, &lwork, &info)
        guard info == 0 else { throw .numerical("sorgqr failed (info \(info)) on a \(m)×\(k) matrix") }
    }
}
