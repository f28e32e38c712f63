import Testing
@testable import LatentTensor

/// The cache of freed large buffers behind `TensorStorage`: reuse, the size window, eviction.
struct LargeBufferCacheTests {
    static let mib = 1 << 20

    @Test func aReleasedBufferServesTheNextRequestOfAboutItsSize() {
        let cache = LargeBufferCache(capacityBytes: 256 * Self.mib)
        defer { cache.purge() }
        let first = cache.allocate(bytes: 40 * Self.mib)
        cache.release(first.pointer, bytes: first.bytes)
        #expect(cache.cachedBytes == 40 * Self.mib)
        let second = cache.allocate(bytes: 36 * Self.mib)
        #expect(second.pointer == first.pointer)
        #expect(second.bytes == 40 * Self.mib)
        #expect(cache.cachedBytes == 0)
        cache.release(second.pointer, bytes: second.bytes)
    }

    @Test func aMuchSmallerOrALargerRequestGetsAFreshBuffer() {
        let cache = LargeBufferCache(capacityBytes: 256 * Self.mib)
        defer { cache.purge() }
        let block = cache.allocate(bytes: 64 * Self.mib)
        cache.release(block.pointer, bytes: block.bytes)
        let small = cache.allocate(bytes: 40 * Self.mib)      // 64 MiB would waste more than a fifth
        #expect(small.pointer != block.pointer)
        #expect(small.bytes == 40 * Self.mib)
        let large = cache.allocate(bytes: 65 * Self.mib)
        #expect(large.pointer != block.pointer)
        #expect(cache.cachedBytes == 64 * Self.mib)
        cache.release(small.pointer, bytes: small.bytes)
        cache.release(large.pointer, bytes: large.bytes)
    }

    @Test func theOldestBuffersAreFreedBeyondTheCapacity() {
        let cache = LargeBufferCache(capacityBytes: 100 * Self.mib)
        defer { cache.purge() }
        let a = cache.allocate(bytes: 40 * Self.mib), b = cache.allocate(bytes: 41 * Self.mib)
        let c = cache.allocate(bytes: 42 * Self.mib)
        cache.release(a.pointer, bytes: a.bytes)
        cache.release(b.pointer, bytes: b.bytes)
        cache.release(c.pointer, bytes: c.bytes)                // 123 MiB > 100: a goes
        #expect(cache.cachedBytes == 83 * Self.mib)
        let again = cache.allocate(bytes: 40 * Self.mib)        // served by b (41 MiB), not a
        #expect(again.pointer == b.pointer)
        cache.release(again.pointer, bytes: again.bytes)
    }

    @Test func largeTensorsComputeTheSameThroughReusedBuffers() {
        // Two rounds of the same product of tensors above the cache's threshold: the second runs
        // in buffers the first released (holding its stale values) and must give the same bits.
        var rng = RandomGenerator(seed: 3)
        let a = Tensor.uniform([3000, 3000], low: -1, high: 1, using: &rng)
        let expected = (a * 2 + 1).sum(axis: 0)
        let again = (a * 2 + 1).sum(axis: 0)
        #expect(expected == again)
    }
}
