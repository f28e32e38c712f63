#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Exponential and log(1 + u) on eight lanes at once, for the losses that evaluate them on every
// pixel of every batch (binary cross-entropy from logits). libm's expf/log1pf are scalar calls;
// these are branch-free polynomials the compiler keeps in vector registers.

/// eˣ on eight lanes, relative error below 2e-7 over the float range (Cody–Waite range reduction
/// x = n·ln 2 + r with |r| ≤ ln 2 / 2, a degree-6 polynomial for eʳ, then scaling by 2ⁿ through
/// the exponent bits). Inputs below −87.3 give ~0 and above 88.3 give ~3e38 (no infinities).
@inlinable @inline(__always)
func vectorExp(_ x: SIMD8<Float>) -> SIMD8<Float> {
    // Clamped with masks: the generic pointwiseMin/Max are not inlined and cost a call per use.
    let high = SIMD8<Float>(repeating: 88.3), low = SIMD8<Float>(repeating: -87.3)
    let x = x.replacing(with: high, where: x .> high).replacing(with: low, where: x .< low)
    // Round x·log2(e) to an integer n by adding and subtracting 1.5·2²³: at that magnitude the
    // float spacing is 1, and the sum's bit pattern is 0x4B40_0000 + n. (SIMD's own float→int
    // conversion goes lane by lane through generic code, 20× slower here.)
    let magic = SIMD8<Float>(repeating: 12_582_912)
    let shifted = x * 1.442_695_04 + magic
    let n = shifted - magic
    // ln 2 split in two so that n·ln2High is exact.
    let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
    var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 0.166_666_655
    p = p * r + 0.500_000_01
    let er = p * r * r + r + 1
    let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
    return er * unsafeBitCast((integer &+ 127) &<< 23, to: SIMD8<Float>.self)
}

/// −|x| on eight lanes, by setting the sign bit.
@inlinable @inline(__always)
func negativeMagnitude(_ x: SIMD8<Float>) -> SIMD8<Float> {
    unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) | SIMD8<UInt32>(repeating: 0x8000_0000), to: SIMD8<Float>.self)
}

/// max(x, 0) on eight lanes.
@inlinable @inline(__always)
func positivePart(_ x: SIMD8<Float>) -> SIMD8<Float> {
    x.replacing(with: SIMD8<Float>(repeating: 0), where: x .< SIMD8<Float>(repeating: 0))
}

/// σ(x) on eight lanes from u = e^(−|x|): 1/(1 + u) for x ≥ 0, u/(1 + u) below (no overflow).
@inlinable @inline(__always)
func sigmoid(_ x: SIMD8<Float>, fromUnit u: SIMD8<Float>) -> SIMD8<Float> {
    let one = SIMD8<Float>(repeating: 1)
    return one.replacing(with: u, where: x .< SIMD8<Float>(repeating: 0)) / (one + u)
}

/// σ(x) from u = e^(−|x|), one element.
@inlinable @inline(__always)
func sigmoid(_ x: Float, fromUnit u: Float) -> Float { (x >= 0 ? 1 : u) / (1 + u) }

/// log(1 + u) on eight lanes for u ∈ [0, 1] (as e^(−|z|) is), relative error below 1e-7: with
/// s = u / (2 + u) ∈ [0, 1/3], log(1 + u) = 2·atanh(s) = 2(s + s³/3 + s⁵/5 + …), summed to s¹⁵.
@inlinable @inline(__always)
func vectorLog1pUnit(_ u: SIMD8<Float>) -> SIMD8<Float> {
    let s = u / (u + 2)
    let s2 = s * s
    var p = SIMD8<Float>(repeating: 1 / 15)
    p = p * s2 + 1 / 13
    p = p * s2 + 1 / 11
    p = p * s2 + 1 / 9
    p = p * s2 + 1 / 7
    p = p * s2 + 1 / 5
    p = p * s2 + 1 / 3
    p = p * s2 + 1
    return 2 * s * p
}

/// For logits `z` and targets `t` (n elements each): writes the binary cross-entropy terms
/// max(z, 0) − z·t + log(1 + e^(−|z|)) to `terms` and σ(z) to `sigmoid`, both from one
/// u = e^(−|z|): σ(z) = 1/(1 + u) for z ≥ 0 and u/(1 + u) below.
@usableFromInline
func binaryCrossEntropyTerms(logits z: UnsafePointer<Float>, targets t: UnsafePointer<Float>, count n: Int,
                             terms: UnsafeMutablePointer<Float>, sigmoid: UnsafeMutablePointer<Float>) {
    parallelFor(n, minChunk: 16_384) { range in
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            let zv = SIMD8<Float>(UnsafeBufferPointer(start: z + i, count: 8))
            let tv = SIMD8<Float>(UnsafeBufferPointer(start: t + i, count: 8))
            let u = vectorExp(negativeMagnitude(zv))   // e^(−|z|)
            let term = positivePart(zv) - zv * tv + vectorLog1pUnit(u)
            let s = LatentTensor.sigmoid(zv, fromUnit: u)
            UnsafeMutableRawPointer(terms + i).storeBytes(of: term, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(sigmoid + i).storeBytes(of: s, as: SIMD8<Float>.self)
            i += 8
        }
        while i < range.upperBound {
            let u = expf(-Swift.abs(z[i]))
            terms[i] = Swift.max(z[i], 0) - z[i] * t[i] + log1pf(u)
            sigmoid[i] = LatentTensor.sigmoid(z[i], fromUnit: u)
            i += 1
        }
    }
}

/// σ(x) = 1 / (1 + e^(−x)) in place over `count` floats, eight lanes at a time from one
/// u = e^(−|x|) per element (relative error below 3e-7; no overflow at any input).
public func sigmoidInPlace(_ x: UnsafeMutablePointer<Float>, count n: Int) {
    var i = 0
    while i + 8 <= n {
        let v = SIMD8<Float>(UnsafeBufferPointer(start: x + i, count: 8))
        let u = vectorExp(negativeMagnitude(v))
        let s = sigmoid(v, fromUnit: u)
        UnsafeMutableRawPointer(x + i).storeBytes(of: s, as: SIMD8<Float>.self)
        i += 8
    }
    while i < n {
        let u = expf(-Swift.abs(x[i]))
        x[i] = sigmoid(x[i], fromUnit: u)
        i += 1
    }
}

/// σ(xᵢ) in place over `count` floats, returning Σ log(1 + e^(xᵢ)) of the inputs (summed as
/// `laneBlockSum` sums): both from one u = e^(−|x|) per element. An RBM's free energy needs the
/// softplus of the same hidden inputs whose sigmoid gives the hidden probabilities.
public func sigmoidInPlaceSummingSoftplus(_ x: UnsafeMutablePointer<Float>, count n: Int) -> Double {
    laneBlockSum(count: n) { i in
        let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
        let u = vectorExp(negativeMagnitude(v))
        let s = sigmoid(v, fromUnit: u)
        UnsafeMutableRawPointer(x + i).storeBytes(of: s, as: SIMD8<Float>.self)
        return positivePart(v) + vectorLog1pUnit(u)
    } scalar: { i in
        let v = x[i], u = expf(-Swift.abs(v))
        x[i] = sigmoid(v, fromUnit: u)
        return Swift.max(v, 0) + log1pf(u)
    }
}

/// Σ log(1 + e^(xᵢ)) over `count` floats (softplus, as max(x, 0) + log(1 + e^(−|x|))), summed as
/// `laneBlockSum` sums.
public func softplusSum(_ x: UnsafePointer<Float>, count n: Int) -> Double {
    laneBlockSum(count: n) { i in
        let v = SIMD8<Float>(UnsafeBufferPointer(start: x + i, count: 8))
        return positivePart(v) + vectorLog1pUnit(vectorExp(negativeMagnitude(v)))
    } scalar: { i in Swift.max(x[i], 0) + log1pf(expf(-Swift.abs(x[i]))) }
}

/// Σ xᵢ over `count` floats, summed as `laneBlockSum` sums.
public func elementSum(_ x: UnsafePointer<Float>, count n: Int) -> Double {
    laneBlockSum(count: n) { i in SIMD8<Float>(UnsafeBufferPointer(start: x + i, count: 8)) } scalar: { i in x[i] }
}

/// Σ aᵢbᵢ over `count` floats, summed as `laneBlockSum` sums.
public func dotSum(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Double {
    laneBlockSum(count: n) { i in
        SIMD8<Float>(UnsafeBufferPointer(start: a + i, count: 8)) * SIMD8<Float>(UnsafeBufferPointer(start: b + i, count: 8))
    } scalar: { i in a[i] * b[i] }
}

/// Σ (aᵢ − bᵢ)² over `count` floats, summed as `laneBlockSum` sums.
public func squaredDistanceSum(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Double {
    laneBlockSum(count: n) { i in
        let d = SIMD8<Float>(UnsafeBufferPointer(start: a + i, count: 8)) - SIMD8<Float>(UnsafeBufferPointer(start: b + i, count: 8))
        return d * d
    } scalar: { i in (a[i] - b[i]) * (a[i] - b[i]) }
}

/// Σ over `count` elements of eight-lane terms `lanes(i)` (i a multiple of 8) and, for the last
/// count % 8, of `scalar(i)`: float lanes within a block of 64 elements, double across blocks.
@inline(__always)
func laneBlockSum(count n: Int, lanes: (Int) -> SIMD8<Float>, scalar: (Int) -> Float) -> Double {
    var total = 0.0, i = 0
    let whole = n - n % 8
    while i < whole {
        var acc = SIMD8<Float>(repeating: 0)
        let end = Swift.min(whole, i + 64)
        while i < end { acc += lanes(i); i += 8 }
        total += Double(acc.sum())
    }
    while i < n { total += Double(scalar(i)); i += 1 }
    return total
}
