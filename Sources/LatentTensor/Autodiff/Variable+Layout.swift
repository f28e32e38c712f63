// Ops that move elements without arithmetic; each pullback moves the gradient back.

extension Variable {
    /// The same elements with another shape (`-1` infers one extent).
    public func reshaped(_ shape: [Int]) -> Variable {
        let original = self.shape
        return Variable.record(value.reshaped(shape), parents: [self]) { g in [g.reshaped(original)] }
    }

    /// Matrix transpose.
    public func transposed() -> Variable {
        Variable.record(value.transposed(), parents: [self]) { g in [g.transposed()] }
    }

    /// Axes reordered: output axis k is input axis `axes[k]`.
    public func permuted(_ axes: [Int]) -> Variable {
        var inverse = [Int](repeating: 0, count: axes.count)
        for (k, a) in axes.enumerated() { inverse[a] = k }
        return Variable.record(value.permuted(axes), parents: [self]) { g in [g.permuted(inverse)] }
    }

    /// Positions `range` along `axis`.
    public func slice(axis: Int = 0, _ range: Range<Int>) -> Variable {
        let shape = self.shape
        return Variable.record(value.slice(axis: axis, range), parents: [self]) { g in
            var full = Tensor(shape: shape)
            full.assignSlice(axis: axis, from: range.lowerBound, g)
            return [full]
        }
    }

    /// Variables joined along `axis`.
    public static func concat(_ parts: [Variable], axis: Int = 0) -> Variable {
        let a = axis < 0 ? axis + parts[0].shape.count : axis
        let extents = parts.map { $0.shape[a] }
        return record(Tensor.concat(parts.map(\.value), axis: a), parents: parts) { g in
            var start = 0
            return zip(parts, extents).map { part, n in
                defer { start += n }
                return part.requiresGrad ? g.slice(axis: a, start..<(start + n)) : nil
            }
        }
    }

    /// Rows `indices` of the first axis (embedding lookup); the pullback scatter-adds.
    public func gatherRows(_ indices: [Int]) -> Variable {
        let gathered = value.gatherRows(indices)  // checks the rank before shape[0] is read
        let rows = shape[0]
        return Variable.record(gathered, parents: [self]) { g in
            [g.scatterAddRows(indices, rowCount: rows)]
        }
    }
}
