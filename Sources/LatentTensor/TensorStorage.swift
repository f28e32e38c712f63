import CLatentBLAS

/// A heap buffer of `Float` aligned to 64 bytes (one cache line, two AVX2 registers), shared by
/// `Tensor` values until one of them writes (copy-on-write).
public final class TensorStorage: @unchecked Sendable {
    /// Number of `Float` elements.
    public let count: Int
    /// Start of the buffer; valid for `count` elements for the storage's lifetime.
    public let pointer: UnsafeMutablePointer<Float>
    /// Bytes of a buffer that came from `LargeBufferCache` (and goes back to it); 0 otherwise.
    private let cachedBytes: Int

    /// Allocates an uninitialised buffer of `count` floats.
    init(count: Int) {
        _ = TensorStorage.allocatorConfigured
        self.count = count
        let bytes = Swift.max(count, 1) * 4
        let raw: UnsafeMutableRawPointer
        if bytes >= LargeBufferCache.minimumBytes {
            (raw, cachedBytes) = LargeBufferCache.shared.allocate(bytes: bytes)
        } else {
            raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
            cachedBytes = 0
        }
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

    deinit {
        if cachedBytes > 0 {
            LargeBufferCache.shared.release(UnsafeMutableRawPointer(pointer), bytes: cachedBytes)
        } else {
            pointer.deallocate()
        }
    }

    /// Training frees and reallocates the same large buffers every step. glibc's defaults return
    /// such memory to the kernel (munmap, heap trimming) and fault it back in zeroed on the next
    /// step, which cost 13 % of a deep-autoencoder epoch in a profile. Keeping freed memory in the
    /// process (buffers up to 32 MiB from the heap, trimming only above 1 GiB free) removes that.
    /// Larger buffers, which glibc always maps afresh, go through `LargeBufferCache`.
    /// Runs once, on the first tensor allocation.
    private static let allocatorConfigured: Bool = {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 1 << 30)
        #endif
        return true
    }()
}
