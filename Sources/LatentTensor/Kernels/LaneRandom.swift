/// Eight xoshiro128+ generators in the lanes of SIMD registers, for kernels that need a uniform
/// number per element of a large tensor (Bernoulli sampling of RBM states: ~66,000 per update).
/// Drawing them one by one from `RandomGenerator` is a serial dependency chain; eight lanes
/// advance together in a handful of vector instructions.
///
/// A `LaneRandom` is seeded from a `RandomGenerator` (16 of its outputs), so the same seed
/// still gives the same numbers. Uniforms use the top 23 bits of each output (xoshiro128+'s low
/// bits are its weak ones).
public struct LaneRandom {
    @usableFromInline var s0, s1, s2, s3: SIMD8<UInt32>

    public init(seededFrom rng: inout RandomGenerator) {
        func lanes(_ rng: inout RandomGenerator) -> SIMD8<UInt32> {
            var v = SIMD8<UInt32>()
            for k in stride(from: 0, to: 8, by: 2) {
                let x = rng.next()
                v[k] = UInt32(truncatingIfNeeded: x)
                v[k + 1] = UInt32(truncatingIfNeeded: x >> 32)
            }
            return v
        }
        s0 = lanes(&rng); s1 = lanes(&rng); s2 = lanes(&rng); s3 = lanes(&rng)
        // A lane whose four words are all zero would stay zero; give it a fixed non-zero word.
        let dead = (s0 | s1 | s2 | s3) .== SIMD8<UInt32>()
        s0.replace(with: 0x9E37_79B9, where: dead)
    }

    /// Eight uniforms in [0, 1).
    @inlinable @inline(__always)
    public mutating func nextUniforms() -> SIMD8<Float> {
        let result = s0 &+ s3
        let t = s1 &<< 9
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 &<< 11) | (s3 &>> 21)
        // 1.m with the top 23 bits as mantissa is uniform in [1, 2).
        let bits = (result &>> 9) | SIMD8<UInt32>(repeating: 0x3F80_0000)
        return unsafeBitCast(bits, to: SIMD8<Float>.self) - 1
    }
}
