// Moving elements around: transpose, permute, slice, concatenate, gather and scatter rows.

import CLatentBLAS

extension Tensor {
    /// The transpose of a matrix.
    public func transposed() -> Tensor {
        precondition(rank == 2, "Tensor.transposed: needs a matrix, got shape \(shape)")
        let rows = shape[0], cols = shape[1]
        let out = Tensor(uninitializedShape: [cols, rows])
        let p = storage.pointer, po = out.storage.pointer
        if rows > 0, cols > 0, rows < Int(Int32.max), cols < Int(Int32.max) {
            // OpenBLAS's out-of-place transpose: about 4× the blocked loop below (0.16 against
            // 0.6 ns per element for 256 × 784, one thread). Threads take bands of rows, which
            // become bands of columns of the result.
            parallelFor(rows, minChunk: Swift.max(1, 65_536 / cols)) { band in
                cblas_somatcopy(CblasRowMajor, CblasTrans, Int32(band.count), Int32(cols), 1, p + band.lowerBound * cols, Int32(cols),
                                po + band.lowerBound, Int32(rows))
            }
            return out
        }
        // Blocked so both sides stay in cache.
        let b = 32
        for i0 in stride(from: 0, to: rows, by: b) {
            for j0 in stride(from: 0, to: cols, by: b) {
                for i in i0..<Swift.min(i0 + b, rows) {
                    for j in j0..<Swift.min(j0 + b, cols) { po[j * rows + i] = p[i * cols + j] }
                }
            }
        }
        return out
    }

    /// Axes reordered: output axis `k` is input axis `axes[k]`.
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.sorted() == Array(0..<rank), "Tensor.permuted: \(axes) is not a permutation of the axes of \(shape)")
        if axes == Array(0..<rank) { return self }
        if rank == 2 { return transposed() }
        let outShape = axes.map { shape[$0] }
        var inStrides = [Int](repeating: 1, count: rank)
        for i in stride(from: rank - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * shape[i + 1] }
        let strides = axes.map { inStrides[$0] }
        let out = Tensor(uninitializedShape: outShape)
        if count == 0 { return out }
        let p = storage.pointer, po = out.storage.pointer
        let inner = outShape[rank - 1], innerStride = strides[rank - 1]
        var index = [Int](repeating: 0, count: rank)
        var src = 0
        for o in 0..<(count / inner) {
            let dst = po + o * inner
            for j in 0..<inner { dst[j] = p[src + j * innerStride] }
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                src += strides[axis]
                if index[axis] < outShape[axis] { break }
                src -= strides[axis] * outShape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return out
    }

    /// The elements at positions `range` along `axis`.
    public func slice(axis: Int = 0, _ range: Range<Int>) -> Tensor {
        let (outer, extent, inner, a) = axisSplit(axis)
        precondition(range.lowerBound >= 0 && range.upperBound <= extent,
                     "Tensor.slice: range \(range) out of bounds for axis \(a) of shape \(shape)")
        var outShape = shape
        outShape[a] = range.count
        let out = Tensor(uninitializedShape: outShape)
        let p = storage.pointer, po = out.storage.pointer
        let block = range.count * inner
        for o in 0..<outer {
            (po + o * block).update(from: p + (o * extent + range.lowerBound) * inner, count: block)
        }
        return out
    }

    /// Writes `source` into positions `range.lowerBound...` along `axis`, adding to what is there
    /// when `accumulate` is true (the adjoint of `slice`).
    public mutating func assignSlice(axis: Int = 0, from start: Int, _ source: Tensor, accumulate: Bool = false) {
        let (outer, extent, inner, a) = axisSplit(axis)
        var expected = shape
        expected[a] = source.rank == rank ? source.shape[a] : -1
        precondition(source.shape == expected && start >= 0 && start + source.shape[a] <= extent,
                     "Tensor.assignSlice: cannot place shape \(source.shape) at \(start) on axis \(a) of \(shape)")
        makeUnique()
        let n = source.shape[a], block = n * inner
        let p = storage.pointer, ps = source.storage.pointer
        for o in 0..<outer {
            let dst = p + (o * extent + start) * inner, src = ps + o * block
            if accumulate { for i in 0..<block { dst[i] += src[i] } } else { dst.update(from: src, count: block) }
        }
    }

    /// Tensors joined along `axis`; all other extents must agree.
    public static func concat(_ parts: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!parts.isEmpty, "Tensor.concat: nothing to concatenate")
        let first = parts[0]
        let a = axis < 0 ? axis + first.rank : axis
        var outShape = first.shape
        outShape[a] = 0
        for t in parts {
            var s = t.shape
            precondition(t.rank == first.rank, "Tensor.concat: shapes \(first.shape) and \(t.shape) differ in rank")
            s[a] = 0
            var f = first.shape
            f[a] = 0
            precondition(s == f, "Tensor.concat: shapes \(first.shape) and \(t.shape) differ off axis \(a)")
            outShape[a] += t.shape[a]
        }
        var out = Tensor(uninitializedShape: outShape)
        var offset = 0
        for t in parts {
            out.assignSlice(axis: a, from: offset, t)
            offset += t.shape[a]
        }
        return out
    }

    /// Rows `indices` of the first axis (an embedding lookup); indices must be in range.
    public func gatherRows(_ indices: [Int]) -> Tensor {
        precondition(rank >= 1, "Tensor.gatherRows: needs rank ≥ 1, got shape \(shape)")
        let rowSize = count / Swift.max(shape[0], 1)
        var outShape = shape
        outShape[0] = indices.count
        let out = Tensor(uninitializedShape: outShape)
        let p = storage.pointer, po = out.storage.pointer
        for (k, i) in indices.enumerated() {
            precondition(i >= 0 && i < shape[0], "Tensor.gatherRows: index \(i) out of range for \(shape[0]) rows")
            (po + k * rowSize).update(from: p + i * rowSize, count: rowSize)
        }
        return out
    }

    /// A tensor of `rowCount` rows, zero except that row `indices[k]` accumulates row `k` of this
    /// tensor (the adjoint of `gatherRows`; repeated indices add up).
    public func scatterAddRows(_ indices: [Int], rowCount: Int) -> Tensor {
        precondition(rank >= 1 && shape[0] == indices.count,
                     "Tensor.scatterAddRows: \(indices.count) indices for shape \(shape)")
        let rowSize = count / Swift.max(shape[0], 1)
        var outShape = shape
        outShape[0] = rowCount
        let out = Tensor(shape: outShape)
        let p = storage.pointer, po = out.storage.pointer
        for (k, i) in indices.enumerated() {
            precondition(i >= 0 && i < rowCount, "Tensor.scatterAddRows: index \(i) out of range for \(rowCount) rows")
            let dst = po + i * rowSize, src = p + k * rowSize
            for j in 0..<rowSize { dst[j] += src[j] }
        }
        return out
    }

    /// Rows `range` of the first axis.
    public func rows(_ range: Range<Int>) -> Tensor { slice(axis: 0, range) }
}
