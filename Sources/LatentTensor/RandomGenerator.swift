#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// Every random choice in Latent takes one of these, so the same seed gives the same numbers on
/// every run and machine. Its whole state is four words (`state`), which checkpoints store so that
/// a resumed run continues the exact sequence.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Codable, Equatable {
    // The four words of state as stored properties, not an array: `next()` runs once per random
    // number (per pixel of a Gibbs sample), and an array's bounds and uniqueness checks cost more
    // than the generator itself.
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// The generator's complete state, four words.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        var sm = seed
        func splitMix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// Restores a generator from a saved `state`; `nil` unless it has four words, not all zero.
    public init?(state: [UInt64]) {
        guard state.count == 4, state.contains(where: { $0 != 0 }) else { return nil }
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    private enum CodingKeys: String, CodingKey { case state }

    /// Decodes `{"state": [four words]}`, the format checkpoints and run files have always had.
    public init(from decoder: any Decoder) throws {
        let words = try decoder.container(keyedBy: CodingKeys.self).decode([UInt64].self, forKey: .state)
        guard let generator = RandomGenerator(state: words) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "a random generator's state must be four words, not all zero"))
        }
        self = generator
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
    }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inlinable func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A new generator seeded from this one: for giving each worker or component its own stream.
    public mutating func split() -> RandomGenerator { RandomGenerator(seed: next()) }

    /// Uniform in [0, 1) with 24 random bits.
    @inlinable
    public mutating func nextFloat() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Uniform in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextDouble() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }

    /// A standard normal sample (Box–Muller on doubles; one of the pair is used, keeping the
    /// stream position independent of how many samples were drawn before).
    @inlinable
    public mutating func nextNormal() -> Float {
        let u1 = 1.0 - nextDouble()   // (0, 1]
        let u2 = nextDouble()
        return Float((-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2))
    }

    /// Uniform integer in `0..<upperBound` without modulo bias.
    @inlinable
    public mutating func nextInt(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "RandomGenerator.nextInt: upper bound \(upperBound) must be positive")
        return Int(next(upperBound: UInt64(upperBound)))
    }

    /// A uniformly random permutation of `0..<n` (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        shuffle(&p)
        return p
    }

    /// Shuffles `array` in place (Fisher–Yates, reproducible for a given state).
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = nextInt(below: i + 1)
            if i != j { array.swapAt(i, j) }
        }
    }
}

extension Tensor {
    /// Elements drawn uniformly from `[low, high)`.
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                               using rng: inout RandomGenerator) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        let p = t.storage.pointer
        for i in 0..<t.count { p[i] = low + (high - low) * rng.nextFloat() }
        return t
    }

    /// Elements drawn from a normal distribution.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1,
                              using rng: inout RandomGenerator) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        let p = t.storage.pointer
        for i in 0..<t.count { p[i] = mean + std * rng.nextNormal() }
        return t
    }

    /// Elements equal to 1 with probability `p` (elementwise from `probabilities` if given), else 0.
    public static func bernoulli(_ shape: [Int], probability p: Float,
                                 using rng: inout RandomGenerator) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        let q = t.storage.pointer
        for i in 0..<t.count { q[i] = rng.nextFloat() < p ? 1 : 0 }
        return t
    }

    /// Samples 0/1 with per-element probabilities taken from this tensor (values in [0, 1]).
    public func bernoulliSample(using rng: inout RandomGenerator) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        let q = t.storage.pointer, p = storage.pointer
        for i in 0..<count { q[i] = rng.nextFloat() < p[i] ? 1 : 0 }
        return t
    }
}
