/// An n-dimensional array of `Float`: contiguous, row-major, with value semantics.
///
/// Copies share one 64-byte-aligned buffer until one of them is written to (copy-on-write), so
/// passing tensors around is cheap. Shapes are checked at every op; a mismatch is a programming
/// error and stops with a message naming both shapes. Data that comes from outside the program
/// (files, flags) is validated where it enters, by the readers in `LatentIO`, which throw.
///
/// ```swift
/// var x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
/// let y = x.matmul(x.transposed())   // [2, 2]
/// x[0, 1] = 10
/// ```
public struct Tensor: Sendable {
    /// The extent of each axis, outermost first. An empty shape is a scalar.
    public private(set) var shape: [Int]
    @usableFromInline var storage: TensorStorage

    /// The number of elements (the product of `shape`).
    @inlinable public var count: Int { storage.count }
    /// The number of axes.
    @inlinable public var rank: Int { shape.count }

    /// Wraps an existing storage; `shape` must multiply out to `storage.count`.
    init(shape: [Int], storage: TensorStorage) {
        self.shape = shape
        self.storage = storage
    }

    /// A tensor whose elements are left uninitialised: for kernels that write every element.
    public init(uninitializedShape shape: [Int]) {
        self.init(shape: shape, storage: TensorStorage(count: Tensor.elementCount(shape)))
    }

    /// A tensor of the given shape with every element equal to `value` (zeros by default).
    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape, storage: TensorStorage(count: Tensor.elementCount(shape), repeating: value))
    }

    /// A tensor of the given shape holding `scalars` in row-major order.
    public init(shape: [Int], scalars: [Float]) {
        let n = Tensor.elementCount(shape)
        precondition(scalars.count == n, "Tensor: \(scalars.count) scalars do not fill shape \(shape) (\(n) elements)")
        self.init(uninitializedShape: shape)
        scalars.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: n) }
    }

    /// A tensor of shape `[n]` holding `scalars`.
    public init(_ scalars: [Float]) { self.init(shape: [scalars.count], scalars: scalars) }

    /// A rank-0 tensor holding one value.
    public init(scalar: Float) { self.init(shape: [], repeating: scalar) }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape) }
    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 1) }

    /// Number of elements of a shape; stops on negative extents.
    public static func elementCount(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape {
            precondition(d >= 0, "Tensor: negative extent in shape \(shape)")
            n *= d
        }
        return n
    }

    /// All elements in row-major order.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// The single element of a tensor with one element.
    public var scalar: Float {
        precondition(count == 1, "Tensor.scalar: shape \(shape) has \(count) elements, not 1")
        return storage.pointer[0]
    }

    /// Calls `body` with a read-only view of the elements.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// Calls `body` with a writable view of the elements, copying the storage first if it is shared.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        makeUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// Ensures this value owns its storage alone.
    @inlinable
    public mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// The element buffer, for kernels in other Latent modules that cannot use the closure-based
    /// accessors (several tensors walked in one loop). It stays valid while this value's storage
    /// is alive; writing through it bypasses copy-on-write, so call `makeUnique()` first.
    @inlinable public var unsafeBaseAddress: UnsafeMutablePointer<Float> { storage.pointer }

    /// Row-major offset of a multi-index.
    @inlinable
    func offset(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "Tensor: index \(index) has wrong rank for shape \(shape)")
        var o = 0
        for (i, d) in zip(index, shape) {
            precondition(i >= 0 && i < d, "Tensor: index \(index) out of range for shape \(shape)")
            o = o * d + i
        }
        return o
    }

    /// Element access by multi-index (`t[i, j]`). For tests and small code; kernels use buffers.
    public subscript(_ index: Int...) -> Float {
        get { storage.pointer[offset(index)] }
        set {
            makeUnique()
            storage.pointer[offset(index)] = newValue
        }
    }

    /// The same elements viewed with another shape of equal element count; `-1` infers one extent.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var s = newShape
        if let inferred = s.firstIndex(of: -1) {
            let known = s.enumerated().filter { $0.offset != inferred }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "Tensor.reshaped: cannot infer -1 in \(newShape) from shape \(shape)")
            s[inferred] = count / known
        }
        precondition(Tensor.elementCount(s) == count, "Tensor.reshaped: shape \(shape) (\(count) elements) cannot become \(newShape)")
        return Tensor(shape: s, storage: storage)
    }

    /// True when both shapes and all elements are equal.
    public static func == (a: Tensor, b: Tensor) -> Bool {
        a.shape == b.shape && a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in
            pa.elementsEqual(pb) } }
    }
}

extension Tensor: Equatable {}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = count <= 16 ? scalars.map { String($0) }.joined(separator: ", ")
            : scalars.prefix(8).map { String($0) }.joined(separator: ", ") + ", …"
        return "Tensor(shape: \(shape), [\(shown)])"
    }
}
