// Elementwise arithmetic with NumPy broadcasting, and vectorised unary maps.

extension Tensor {
    /// The shape two shapes broadcast to (NumPy rules: align on the right; extents must be equal
    /// or 1), or `nil` when they are incompatible.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let r = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: r)
        for i in 0..<r {
            let da = i < r - a.count ? 1 : a[i - (r - a.count)]
            let db = i < r - b.count ? 1 : b[i - (r - b.count)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
        }
        return out
    }

    /// Row-major strides of `shape` left-padded to `rank`, with 0 on broadcast axes of extent 1.
    @usableFromInline static func broadcastStrides(_ shape: [Int], to out: [Int]) -> [Int] {
        let pad = out.count - shape.count
        var strides = [Int](repeating: 0, count: out.count)
        var s = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i + pad] = shape[i] == 1 && out[i + pad] != 1 ? 0 : s
            s *= shape[i]
        }
        return strides
    }

    /// Applies `f` elementwise to `a` and `b` broadcast together.
    @inlinable
    public static func zipMap(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        let pa = a.storage.pointer, pb = b.storage.pointer
        if a.shape == b.shape {
            let out = Tensor(uninitializedShape: a.shape)
            let po = out.storage.pointer
            parallelFor(a.count) { r in for i in r { po[i] = f(pa[i], pb[i]) } }
            return out
        }
        if b.count == 1, a.rank >= b.rank {
            let out = Tensor(uninitializedShape: a.shape)
            let po = out.storage.pointer, s = pb[0]
            parallelFor(a.count) { r in for i in r { po[i] = f(pa[i], s) } }
            return out
        }
        if a.count == 1, b.rank >= a.rank {
            let out = Tensor(uninitializedShape: b.shape)
            let po = out.storage.pointer, s = pa[0]
            parallelFor(b.count) { r in for i in r { po[i] = f(s, pb[i]) } }
            return out
        }
        return zipMapBroadcast(a, b, f)
    }

    /// The general broadcasting path: walks all axes but the last with counters and runs the last
    /// axis as a strided inner loop.
    @inlinable
    static func zipMapBroadcast(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        guard let shape = broadcastShape(a.shape, b.shape) else {
            preconditionFailure("Tensor: shapes \(a.shape) and \(b.shape) cannot be broadcast together")
        }
        let out = Tensor(uninitializedShape: shape)
        if out.count == 0 { return out }
        let sa = broadcastStrides(a.shape, to: shape), sb = broadcastStrides(b.shape, to: shape)
        let pa = a.storage.pointer, pb = b.storage.pointer, po = out.storage.pointer
        let r = shape.count
        let inner = shape[r - 1], ia = sa[r - 1], ib = sb[r - 1]
        let outer = out.count / inner
        var index = [Int](repeating: 0, count: r)
        var oa = 0, ob = 0
        for o in 0..<outer {
            let base = o * inner
            for j in 0..<inner { po[base + j] = f(pa[oa + j * ia], pb[ob + j * ib]) }
            var axis = r - 2
            while axis >= 0 {
                index[axis] += 1
                oa += sa[axis]; ob += sb[axis]
                if index[axis] < shape[axis] { break }
                oa -= sa[axis] * shape[axis]; ob -= sb[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return out
    }

    /// Applies `f` to every element.
    @inlinable
    public func map(_ f: (Float) -> Float) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        let p = storage.pointer, po = out.storage.pointer
        parallelFor(count) { r in for i in r { po[i] = f(p[i]) } }
        return out
    }

    /// Replaces every element `x` with `f(x)` in place.
    @inlinable
    public mutating func apply(_ f: (Float) -> Float) {
        makeUnique()
        let p = storage.pointer
        parallelFor(count) { r in for i in r { p[i] = f(p[i]) } }
    }

    /// Replaces each element with `f(self, other)`, broadcasting `other` to this tensor's shape.
    @inlinable
    public mutating func update(with other: Tensor, _ f: (Float, Float) -> Float) {
        if other.shape == shape {
            makeUnique()
            let p = storage.pointer, q = other.storage.pointer
            parallelFor(count) { r in for i in r { p[i] = f(p[i], q[i]) } }
        } else {
            let result = Tensor.zipMap(self, other, f)
            precondition(result.shape == shape, "Tensor: in-place update cannot grow shape \(shape) to \(result.shape)")
            self = result
        }
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { zipMap(a, b, +) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { zipMap(a, b, -) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { zipMap(a, b, *) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { zipMap(a, b, /) }
    public static func + (a: Tensor, s: Float) -> Tensor { a.map { $0 + s } }
    public static func - (a: Tensor, s: Float) -> Tensor { a.map { $0 - s } }
    public static func * (a: Tensor, s: Float) -> Tensor { a.map { $0 * s } }
    public static func / (a: Tensor, s: Float) -> Tensor { a.map { $0 / s } }
    public static func + (s: Float, a: Tensor) -> Tensor { a.map { s + $0 } }
    public static func - (s: Float, a: Tensor) -> Tensor { a.map { s - $0 } }
    public static func * (s: Float, a: Tensor) -> Tensor { a.map { s * $0 } }
    public static func / (s: Float, a: Tensor) -> Tensor { a.map { s / $0 } }
    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }
    public static func += (a: inout Tensor, b: Tensor) { a.update(with: b, +) }
    public static func -= (a: inout Tensor, b: Tensor) { a.update(with: b, -) }
    public static func *= (a: inout Tensor, b: Tensor) { a.update(with: b, *) }
    public static func /= (a: inout Tensor, b: Tensor) { a.update(with: b, /) }
    public static func *= (a: inout Tensor, s: Float) { a.apply { $0 * s } }
    public static func += (a: inout Tensor, s: Float) { a.apply { $0 + s } }

    /// `self += alpha * x` in place (BLAS saxpy); shapes must match.
    public mutating func addScaled(_ x: Tensor, _ alpha: Float) {
        precondition(x.shape == shape, "Tensor.addScaled: shapes \(shape) and \(x.shape) differ")
        makeUnique()
        let p = storage.pointer, q = x.storage.pointer
        parallelFor(count) { r in for i in r { p[i] += alpha * q[i] } }
    }

    /// True when no element is NaN or infinite.
    public var isFinite: Bool {
        let p = storage.pointer
        for i in 0..<count where !p[i].isFinite { return false }
        return true
    }

    /// Elements clamped to `[low, high]`.
    public func clamped(_ low: Float, _ high: Float) -> Tensor { map { Swift.min(Swift.max($0, low), high) } }
}
