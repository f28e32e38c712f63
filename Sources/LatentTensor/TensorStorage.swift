/// A heap buffer of `Float` aligned to 64 bytes (one cache line, two AVX2 registers), shared by
/// `Tensor` values until one of them writes (copy-on-write).
public final class TensorStorage: @unchecked Sendable {
    /// Number of `Float` elements.
    public let count: Int
    /// Start of the buffer; valid for `count` elements for the storage's lifetime.
    public let pointer: UnsafeMutablePointer<Float>

    /// Allocates an uninitialised buffer of `count` floats.
    init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(count, 1) * 4, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: Swift.max(count, 1))
    }

    /// Allocates a buffer of `count` floats, each set to `value`.
    convenience init(count: Int, repeating value: Float) {
        self.init(count: count)
        pointer.initialize(repeating: value, count: count)
    }

    /// A new storage holding a copy of this one's elements.
    @usableFromInline func copy() -> TensorStorage {
        let other = TensorStorage(count: count)
        other.pointer.update(from: pointer, count: count)
        return other
    }

    deinit { pointer.deallocate() }
}
