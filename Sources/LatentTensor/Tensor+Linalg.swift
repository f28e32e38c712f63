import CLatentBLAS
import CLatentDNNL

/// Single-precision GEMM on raw row-major buffers: `C = alpha · op(A) · op(B) + beta · C`, with
/// `op(A)` of size m×k and `op(B)` of size k×n.
///
/// Runs oneDNN's sgemm (the GEMM PyTorch's CPU kernels use), on `Threads.blasCount` threads, and
/// falls back to OpenBLAS's `cblas_sgemm` should oneDNN refuse the call.
///
/// `threads` overrides the thread count (1 for a GEMM inside a `parallelFor` worker).
public func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                 alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                 b: UnsafePointer<Float>, ldb: Int,
                 beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int? = nil) {
    if m == 0 || n == 0 { return }
    if k > 0 {
        // The OpenMP thread count is per calling thread, so set it on every call: cheap, and
        // right on whichever thread (or worker of our own) the call comes from.
        let threads = threads ?? Threads.blasCount
        // A linear layer's forward form, large enough to pay for a primitive call: oneDNN's
        // matmul primitive (see `DNNLMatmul`).
        if transB && !transA && alpha == 1 && (beta == 0 || beta == 1) && m * n * k >= 1 << 22,
           DNNLMatmul.run(DNNLMatmulShape(m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc, accumulate: beta == 1,
                                          threads: threads), a: a, b: b, c: c) {
            return
        }
        omp_set_num_threads(Int32(threads))
        let trans = CChar(UInt8(ascii: "T")), keep = CChar(UInt8(ascii: "N"))
        let status = dnnl_sgemm(transA ? trans : keep, transB ? trans : keep, Int64(m), Int64(n), Int64(k),
                                alpha, a, Int64(lda), b, Int64(ldb), beta, c, Int64(ldc))
        if status == dnnl_success { return }
    }
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

extension Tensor {
    /// Matrix product `op(self) · op(other)` of two matrices, where `op` transposes when asked.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        precondition(rank == 2 && other.rank == 2, "Tensor.matmul: needs matrices, got \(shape) and \(other.shape)")
        let m = transposeSelf ? shape[1] : shape[0], k = transposeSelf ? shape[0] : shape[1]
        let k2 = transposeOther ? other.shape[1] : other.shape[0], n = transposeOther ? other.shape[0] : other.shape[1]
        precondition(k == k2, "Tensor.matmul: inner extents differ: \(shape)\(transposeSelf ? "ᵀ" : "") · \(other.shape)\(transposeOther ? "ᵀ" : "")")
        if k == 0 { return Tensor(shape: [m, n]) }
        // β = 0: BLAS writes every element of C without reading it, so no zero-fill first.
        let out = Tensor(uninitializedShape: [m, n])
        gemm(transA: transposeSelf, transB: transposeOther, m: m, n: n, k: k,
             a: storage.pointer, lda: shape[1], b: other.storage.pointer, ldb: other.shape[1],
             c: out.storage.pointer, ldc: n)
        return out
    }

    /// Batched matrix product over the first axis: `[B, m, k] · [B, k, n] → [B, m, n]`
    /// (with optional transposes of each matrix).
    public func batchedMatmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        precondition(rank == 3 && other.rank == 3 && shape[0] == other.shape[0],
                     "Tensor.batchedMatmul: needs [B, m, k] and [B, k, n], got \(shape) and \(other.shape)")
        let batch = shape[0]
        let m = transposeSelf ? shape[2] : shape[1], k = transposeSelf ? shape[1] : shape[2]
        let k2 = transposeOther ? other.shape[2] : other.shape[1], n = transposeOther ? other.shape[1] : other.shape[2]
        precondition(k == k2, "Tensor.batchedMatmul: inner extents differ: \(shape) · \(other.shape)")
        let out = Tensor(shape: [batch, m, n])
        if k == 0 { return out }
        let sa = shape[1] * shape[2], sb = other.shape[1] * other.shape[2]
        for i in 0..<batch {
            gemm(transA: transposeSelf, transB: transposeOther, m: m, n: n, k: k,
                 a: storage.pointer + i * sa, lda: shape[2], b: other.storage.pointer + i * sb, ldb: other.shape[2],
                 c: out.storage.pointer + i * m * n, ldc: n)
        }
        return out
    }

    /// Identity matrix.
    public static func identity(_ n: Int) -> Tensor {
        let t = Tensor(shape: [n, n])
        for i in 0..<n { t.storage.pointer[i * n + i] = 1 }
        return t
    }
}
