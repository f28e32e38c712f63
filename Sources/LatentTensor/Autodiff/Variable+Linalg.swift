// Matrix products. The pullbacks are GEMMs too, and skip operands that need no gradient.

extension Variable {
    /// Matrix product `self · other` (optionally of transposes).
    public func matmul(_ other: Variable, transposeSelf: Bool = false, transposeOther: Bool = false) -> Variable {
        let a = self, b = other
        let y = a.value.matmul(b.value, transposeSelf: transposeSelf, transposeOther: transposeOther)
        return Variable.record(y, parents: [a, b]) { g in
            // Y = A·B ⇒ dA = G·Bᵀ, dB = Aᵀ·G; the transposed cases follow by swapping roles.
            let da: Tensor? = !a.requiresGrad ? nil : transposeSelf
                ? b.value.matmul(g, transposeSelf: transposeOther, transposeOther: true)
                : g.matmul(b.value, transposeOther: !transposeOther)
            let db: Tensor? = !b.requiresGrad ? nil : transposeOther
                ? g.matmul(a.value, transposeSelf: true, transposeOther: transposeSelf)
                : a.value.matmul(g, transposeSelf: !transposeSelf)
            return [da, db]
        }
    }

    /// Batched matrix product over the first axis.
    public func batchedMatmul(_ other: Variable) -> Variable {
        let a = self, b = other
        return Variable.record(a.value.batchedMatmul(b.value), parents: [a, b]) { g in
            [a.requiresGrad ? g.batchedMatmul(b.value, transposeOther: true) : nil,
             b.requiresGrad ? a.value.batchedMatmul(g, transposeSelf: true) : nil]
        }
    }

    /// The affine map `x · Wᵀ + b` with PyTorch's weight layout `[out, in]`, fused so the bias is
    /// added by the GEMM itself (β = 1 over a broadcast bias) rather than by a second pass.
    public static func linear(_ x: Variable, weight: Variable, bias: Variable?) -> Variable {
        precondition(x.shape.count == 2 && weight.shape.count == 2 && x.shape[1] == weight.shape[1],
                     "linear: input \(x.shape) does not match weight \(weight.shape) ([out, in])")
        let n = x.shape[0], inF = weight.shape[1], outF = weight.shape[0]
        let y = Tensor(uninitializedShape: [n, outF])
        let py = y.storage.pointer
        if let bias {
            precondition(bias.shape == [outF], "linear: bias \(bias.shape) does not match \(outF) outputs")
            let pb = bias.value.storage.pointer
            for r in 0..<n { (py + r * outF).update(from: pb, count: outF) }
        }
        gemm(transB: true, m: n, n: outF, k: inF, a: x.value.storage.pointer, lda: inF,
             b: weight.value.storage.pointer, ldb: inF, beta: bias == nil ? 0 : 1, c: py, ldc: outF)
        let parents = bias.map { [x, weight, $0] } ?? [x, weight]
        return record(y, parents: parents) { g in
            let dx = x.requiresGrad ? g.matmul(weight.value) : nil
            let dw = weight.requiresGrad ? g.matmul(x.value, transposeSelf: true) : nil
            var grads = [dx, dw]
            if let bias { grads.append(bias.requiresGrad ? g.sum(axis: 0) : nil) }
            return grads
        }
    }
}
