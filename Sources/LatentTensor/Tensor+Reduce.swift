// Reductions: over all elements, along one axis, and back down to a broadcast shape.

extension Tensor {
    /// Sum of all elements (accumulated in eight float lanes, then in double).
    public func sum() -> Float {
        let p = storage.pointer, n = count
        var acc = SIMD8<Float>()
        var i = 0
        while i + 8 <= n {
            acc += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var total = Double(acc.sum())
        while i < n { total += Double(p[i]); i += 1 }
        return Float(total)
    }

    /// Mean of all elements.
    public func mean() -> Float { count == 0 ? .nan : sum() / Float(count) }

    /// Largest element.
    public func max() -> Float { scalars.max() ?? -.infinity }

    /// Smallest element.
    public func min() -> Float { scalars.min() ?? .infinity }

    /// Splits the shape around `axis` into (outer, extent, inner) for axis reductions.
    func axisSplit(_ axis: Int) -> (outer: Int, extent: Int, inner: Int, axis: Int) {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "Tensor: axis \(axis) out of range for shape \(shape)")
        let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *)
        return (outer, shape[a], inner, a)
    }

    /// Reduces along `axis` with `combine`, starting every output at `initial`.
    func reduce(axis: Int, keepDims: Bool, initial: Float, _ combine: (Float, Float) -> Float) -> Tensor {
        let (outer, extent, inner, a) = axisSplit(axis)
        var outShape = shape
        if keepDims { outShape[a] = 1 } else { outShape.remove(at: a) }
        let out = Tensor(shape: outShape, repeating: initial)
        let p = storage.pointer, po = out.storage.pointer
        for o in 0..<outer {
            for k in 0..<extent {
                let src = p + (o * extent + k) * inner, dst = po + o * inner
                for i in 0..<inner { dst[i] = combine(dst[i], src[i]) }
            }
        }
        return out
    }

    /// Sum along `axis`.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor {
        reduce(axis: axis, keepDims: keepDims, initial: 0, +)
    }

    /// Mean along `axis`.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor {
        let n = Float(shape[axis < 0 ? axis + rank : axis])
        return sum(axis: axis, keepDims: keepDims) / n
    }

    /// Maximum along `axis`.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        reduce(axis: axis, keepDims: keepDims, initial: -.infinity) { Swift.max($0, $1) }
    }

    /// Index of the largest element along `axis` (first one on ties), as integers.
    public func argmax(axis: Int) -> [Int] {
        let (outer, extent, inner, _) = axisSplit(axis)
        let p = storage.pointer
        var result = [Int](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = -Float.infinity, arg = 0
                for k in 0..<extent {
                    let v = p[(o * extent + k) * inner + i]
                    if v > best { best = v; arg = k }
                }
                result[o * inner + i] = arg
            }
        }
        return result
    }

    /// Sums this tensor down to `target`, a shape it was broadcast from: the adjoint of
    /// broadcasting, used by the backward pass of every broadcasting op.
    public func sum(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        precondition(Tensor.broadcastShape(target, shape) == shape,
                     "Tensor.sum(toShape:): \(target) does not broadcast to \(shape)")
        // Common case: a bias row, [.., D] -> [D] (or [1, D]).
        if let last = shape.last, Tensor.elementCount(target) == last, target.last == last {
            let rows = count / last
            let out = Tensor(shape: target)
            let po = out.storage.pointer, p = storage.pointer
            for r in 0..<rows {
                let src = p + r * last
                for j in 0..<last { po[j] += src[j] }
            }
            return out
        }
        let out = Tensor(shape: target)
        let strides = Tensor.broadcastStrides(target, to: shape)
        let p = storage.pointer, po = out.storage.pointer
        var index = [Int](repeating: 0, count: rank)
        var o = 0
        for i in 0..<count {
            po[o] += p[i]
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                o += strides[axis]
                if index[axis] < shape[axis] { break }
                o -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return out
    }
}
