import CLatentDNNL

/// One GEMM shape on oneDNN's matmul primitive, `C = A · Bᵀ (+ C)`, with A `[m, k]` and B
/// `[n, k]` row-major at their leading dimensions: a linear layer's forward pass. For this form
/// the primitive (brgemm kernels) ran the deep autoencoder's layers 10–18 % faster than
/// `dnnl_sgemm` in a C probe (256 × 1000 × 784, 2 threads: 210 against 181 GFLOP/s);
/// for the other transposition patterns the two measured alike, so those stay on sgemm.
struct DNNLMatmulShape: Hashable, Sendable {
    var m: Int, n: Int, k: Int
    var lda: Int, ldb: Int, ldc: Int
    /// Whether C is added to (β = 1) rather than overwritten (β = 0).
    var accumulate: Bool
    var threads: Int
}

/// Cached matmul primitives by shape (creation compiles kernels).
enum DNNLMatmul {
    private static let cache = DNNLPrimitiveCache<DNNLMatmulShape, DNNLPrimitive>(capacity: 128)

    /// Runs `C = A · Bᵀ (+ C)`; `false` when oneDNN has no primitive for the shape or fails,
    /// and the caller then runs sgemm.
    static func run(_ shape: DNNLMatmulShape, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                    c: UnsafeMutablePointer<Float>) -> Bool {
        guard let primitive = primitive(for: shape) else { return false }
        return primitive.run([DNNLOperand(a), DNNLOperand(b), DNNLOperand(c)]) != nil
    }

    /// The primitive for `shape`, made once; `nil` when oneDNN has none.
    static func primitive(for shape: DNNLMatmulShape) -> DNNLPrimitive? {
        cache.value(for: shape, make: make)
    }

    private static func make(_ shape: DNNLMatmulShape) -> DNNLPrimitive? {
        var (a, b, c) = (dnnl_memory_desc_t(), dnnl_memory_desc_t(), dnnl_memory_desc_t())
        // Bᵀ as a [k, n] matrix whose rows are B's columns: strides (1, ldb).
        guard dnnl_memory_desc_init_by_strides(&a, 2, dnnlDims([shape.m, shape.k]), dnnl_f32,
                                               dnnlDims([shape.lda, 1])) == dnnl_success,
              dnnl_memory_desc_init_by_strides(&b, 2, dnnlDims([shape.k, shape.n]), dnnl_f32,
                                               dnnlDims([1, shape.ldb])) == dnnl_success,
              dnnl_memory_desc_init_by_strides(&c, 2, dnnlDims([shape.m, shape.n]), dnnl_f32,
                                               dnnlDims([shape.ldc, 1])) == dnnl_success else { return nil }
        var op = dnnl_matmul_desc_t()
        guard dnnl_matmul_desc_init(&op, &a, &b, nil, &c) == dnnl_success else { return nil }
        let specs = [
            DNNLArgumentSpec(id: DNNL_ARG_SRC, isOutput: false, plain: a, query: dnnl_query_src_md),
            DNNLArgumentSpec(id: DNNL_ARG_WEIGHTS, isOutput: false, plain: b, query: dnnl_query_weights_md),
            DNNLArgumentSpec(id: DNNL_ARG_DST, isOutput: true, plain: c, query: dnnl_query_dst_md),
        ]
        return withUnsafePointer(to: &op) { operation in
            DNNLPrimitive(operation: operation, hint: nil, threads: shape.threads, arguments: specs) { attr in
                guard shape.accumulate else { return true }
                // β = 1: the primitive adds its product to what C holds.
                var postOps: dnnl_post_ops_t?
                guard dnnl_post_ops_create(&postOps) == dnnl_success, let postOps else { return false }
                defer { dnnl_post_ops_destroy(postOps) }
                return dnnl_post_ops_append_sum(postOps, 1) == dnnl_success
                    && dnnl_primitive_attr_set_post_ops(attr, postOps) == dnnl_success
            }
        }
    }
}
