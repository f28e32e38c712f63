// Batch normalisation, fused: one op with a closed-form backward instead of a chain of
// reductions, which would cost several passes over the activations; and, when asked, with the
// rectifier that follows it in one pass (what a BatchNorm then ReLU in a `Sequential` runs).

/// The rectifier `Variable.batchNorm` applies to its output in the same pass: none, or
/// max(x, 0), or x for x > 0 and `slope`·x otherwise (`slope` ≥ 0).
public enum NormalizationActivation: Sendable, Equatable {
    case identity
    case relu
    case leakyRelu(slope: Float)

    /// The slope below zero (1 for the identity: no rectifier).
    var slope: Float {
        switch self {
        case .identity: 1
        case .relu: 0
        case .leakyRelu(let slope): slope
        }
    }
}

extension Variable {
    /// Batch normalisation over `[N, C]` or `[N, C, H, W]`, per channel C.
    ///
    /// Training: normalise with the batch's mean and (biased) variance, and move the running
    /// statistics toward them by `momentum` (running variance uses the unbiased estimate, as
    /// PyTorch does). Evaluation: normalise with the running statistics.
    /// y = γ · (x − μ) / √(σ² + ε) + β, then `activation` of y (the same values, bit for bit,
    /// as the rectifier applied after, with one pass less each way and no normalised copy kept).
    public static func batchNorm(_ x: Variable, gamma: Variable, beta: Variable,
                                 runningMean: inout Tensor, runningVar: inout Tensor,
                                 training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5,
                                 activation: NormalizationActivation = .identity) -> Variable {
        precondition(x.shape.count >= 2 && gamma.shape == [x.shape[1]] && beta.shape == [x.shape[1]],
                     "batchNorm: input \(x.shape) does not match γ \(gamma.shape) / β \(beta.shape)")
        let slope = activation.slope
        precondition(slope >= 0 && slope.isFinite, "batchNorm: activation slope \(slope) must be finite and ≥ 0")
        let n = x.shape[0], c = x.shape[1], s = x.value.count / Swift.max(n * c, 1)
        let m = n * s
        var mean = [Float](repeating: 0, count: c), invStd = [Float](repeating: 0, count: c)
        let px = x.value.storage.pointer
        // Synchronised batch norm: the statistics of the global batch, summed over the ranks.
        let reducer = training ? ExampleShard.current?.synchronizeStatistics : nil
        var globalCount = m
        if training {
            var moments = [Double](repeating: 0, count: 2 * c + 1)
            // Per channel, over its n planes: float lanes within a plane, double across them;
            // channels split over the threads (each sums in the same order on any count).
            let (sums, squares) = channelSums(batch: n, channels: c, planeSize: s) { plane in
                let p = px + plane * s
                return (elementSum(p, count: s), dotSum(p, p, count: s))
            }
            for ch in 0..<c { (moments[ch], moments[c + ch]) = (sums[ch], squares[ch]) }
            moments[2 * c] = Double(m)
            if let reducer { moments.withUnsafeMutableBufferPointer { reducer($0) } }
            globalCount = Int(moments[2 * c])
            let m = globalCount
            precondition(m > 1, "batchNorm: training needs more than one value per channel, got input \(x.shape)")
            for ch in 0..<c {
                let sum = moments[ch], sq = moments[c + ch]
                let mu = sum / Double(m)
                let varB = Swift.max(sq / Double(m) - mu * mu, 0)
                mean[ch] = Float(mu)
                invStd[ch] = Float(1 / (varB + Double(epsilon)).squareRoot())
                runningMean.withUnsafeMutableBufferPointer { $0[ch] = (1 - momentum) * $0[ch] + momentum * Float(mu) }
                let unbiased = varB * Double(m) / Double(m - 1)
                runningVar.withUnsafeMutableBufferPointer { $0[ch] = (1 - momentum) * $0[ch] + momentum * Float(unbiased) }
            }
        } else {
            for ch in 0..<c {
                mean[ch] = runningMean.scalars[ch]
                invStd[ch] = 1 / (runningVar.scalars[ch] + epsilon).squareRoot()
            }
        }
        let y = Tensor(uninitializedShape: x.shape)
        let py = y.storage.pointer
        let pg = gamma.value.storage.pointer, pb = beta.value.storage.pointer
        mean.withUnsafeBufferPointer { mean in
            invStd.withUnsafeBufferPointer { invStd in
                parallelFor(n * c, minChunk: Swift.max(1, 16_384 / Swift.max(s, 1))) { planes in
                    for plane in planes {
                        let ch = plane % c, o = plane * s
                        let mu = mean[ch], k = invStd[ch], ga = pg[ch], be = pb[ch]
                        if slope == 1 {
                            for j in 0..<s { py[o + j] = ga * ((px[o + j] - mu) * k) + be }
                        } else {
                            for j in 0..<s {
                                let v = ga * ((px[o + j] - mu) * k) + be
                                py[o + j] = v > 0 ? v : slope * v
                            }
                        }
                    }
                }
            }
        }
        let gammaValue = gamma.value
        let weight = Double(ExampleShard.current?.weight ?? 1)
        return record(y, parents: [x, gamma, beta]) { g in
            // Re-derive pointers from tensors the closure owns, so the buffers outlive the forward.
            // The normalised input x̂ = (x − μ)/σ is recomputed from x, and the gradient before the
            // rectifier from the sign of y (positive exactly where its input was, for slopes ≥ 0).
            let pgr = g.storage.pointer, px = x.value.storage.pointer, py = y.storage.pointer
            let pg = gammaValue.storage.pointer
            let (dots, sums) = channelSums(batch: n, channels: c, planeSize: s) { plane in
                let ch = plane % c, o = plane * s
                return normalizationGradientSums(g: pgr + o, x: px + o, y: slope == 1 ? nil : py + o, count: s,
                                                 mean: mean[ch], invStd: invStd[ch], slope: slope)
            }
            let dgamma = dots.map { Float($0) }, dbeta = sums.map { Float($0) }
            var dx: Tensor?
            if x.requiresGrad {
                let out = Tensor(uninitializedShape: x.shape)
                let pd = out.storage.pointer
                // dx = γ/σ · (g − mean(g) − x̂ · mean(g · x̂)), the means over the whole batch. With
                // synchronised statistics the means run over every rank's rows: each rank's g is
                // the gradient of its own mean loss, weighted by its share w in the global loss, and
                // its dx is divided by w again because the optimiser's all-reduce multiplies by it.
                var sums = (0..<c).map { Double(dbeta[$0]) } + (0..<c).map { Double(dgamma[$0]) }
                var scale = 1.0 / Double(m)
                if let reducer, training {
                    for i in sums.indices { sums[i] *= weight }
                    sums.withUnsafeMutableBufferPointer { reducer($0) }
                    scale = 1 / (weight * Double(globalCount))
                }
                let means = (0..<(2 * c)).map { Float(sums[$0] * scale) }
                parallelFor(n * c, minChunk: Swift.max(1, 16_384 / Swift.max(s, 1))) { planes in
                    for plane in planes {
                        let ch = plane % c, o = plane * s, k = invStd[ch] * pg[ch]
                        if training {
                            let mg = means[ch], mgh = means[c + ch], mu = mean[ch], sd = invStd[ch]
                            if slope == 1 {
                                for j in 0..<s { pd[o + j] = k * (pgr[o + j] - mg - ((px[o + j] - mu) * sd) * mgh) }
                            } else {
                                for j in 0..<s {
                                    let gp = py[o + j] > 0 ? pgr[o + j] : slope * pgr[o + j]
                                    pd[o + j] = k * (gp - mg - ((px[o + j] - mu) * sd) * mgh)
                                }
                            }
                        } else if slope == 1 {
                            for j in 0..<s { pd[o + j] = k * pgr[o + j] }
                        } else {
                            for j in 0..<s { pd[o + j] = k * (py[o + j] > 0 ? pgr[o + j] : slope * pgr[o + j]) }
                        }
                    }
                }
                dx = out
            }
            return [dx, Tensor(shape: [c], scalars: dgamma), Tensor(shape: [c], scalars: dbeta)]
        }
    }

    /// Inverted dropout: in training, zero each element with probability `p` and scale the rest by
    /// 1/(1 − p) so the expected value is unchanged; in evaluation, the identity.
    public func dropout(_ p: Float, training: Bool, using rng: inout RandomGenerator) -> Variable {
        guard training, p > 0 else { return self }
        precondition(p < 1, "dropout: probability \(p) must be below 1")
        let keep = 1 - p, scale = 1 / keep
        // One mask row per example, drawn as a single process would for the whole batch.
        let rowShape = Array(shape.dropFirst())
        let mask = ExampleShard.draw(rows: shape.isEmpty ? 1 : shape[0]) { rows in
            var m = Tensor(uninitializedShape: shape.isEmpty ? [] : [rows] + rowShape)
            m.withUnsafeMutableBufferPointer { m in
                for i in m.indices { m[i] = rng.nextFloat() < keep ? scale : 0 }
            }
            return m
        }
        return Variable.record(value * mask, parents: [self]) { g in [g * mask] }
    }
}

/// Per channel of a `[N, C, S…]` tensor, the sums over its N planes of two per-plane figures
/// `plane(index)` (index n·C + c). The planes are visited in memory order, split over the
/// threads; each channel's figures are then added in image order, so the result is the same
/// on any thread count. (Walking one channel's planes at a time, a stride of C·S apart, left the
/// hardware prefetchers behind.)
private func channelSums(batch n: Int, channels c: Int, planeSize s: Int,
                         _ plane: (Int) -> (Double, Double)) -> ([Double], [Double]) {
    var perPlane = [Double](repeating: 0, count: 2 * n * c)
    perPlane.withUnsafeMutableBufferPointer { buffer in
        guard let out = buffer.baseAddress else { return }     // an empty batch: nothing to sum
        parallelFor(n * c, minChunk: Swift.max(1, 16_384 / Swift.max(s, 1))) { planes in
            for p in planes { (out[2 * p], out[2 * p + 1]) = plane(p) }
        }
    }
    var first = [Double](repeating: 0, count: c), second = [Double](repeating: 0, count: c)
    for i in 0..<n {
        for ch in 0..<c {
            first[ch] += perPlane[2 * (i * c + ch)]
            second[ch] += perPlane[2 * (i * c + ch) + 1]
        }
    }
    return (first, second)
}

/// Over one plane of `count` elements, Σ g′ · x̂ and Σ g′, where x̂ = (x − mean) · invStd and
/// g′ is the gradient before the rectifier: `g` where the output `y` is positive, `slope · g`
/// elsewhere (a NaN in y counts by its sign bit) (`y` nil: no rectifier, g′ = g). Summed as `laneBlockSum` sums (float lanes over
/// blocks of 64, double across), so the result is the same bits as those sums over a
/// materialised g′ and x̂; both sums in one pass.
private func normalizationGradientSums(g: UnsafePointer<Float>, x: UnsafePointer<Float>, y: UnsafePointer<Float>?,
                                       count n: Int, mean: Float, invStd: Float, slope: Float) -> (Double, Double) {
    let mu = SIMD8<Float>(repeating: mean), k = SIMD8<Float>(repeating: invStd)
    let one = unsafeBitCast(SIMD8<Float>(repeating: 1), to: SIMD8<Int32>.self)
    let slopeBits = unsafeBitCast(SIMD8<Float>(repeating: slope), to: SIMD8<Int32>.self)
    var dot = 0.0, sum = 0.0, i = 0
    let whole = n - n % 8
    while i < whole {
        var accDot = SIMD8<Float>(repeating: 0), accSum = SIMD8<Float>(repeating: 0)
        let end = Swift.min(whole, i + 64)
        while i < end {
            var gv = SIMD8<Float>(UnsafeBufferPointer(start: g + i, count: 8))
            if let y {
                // All ones where y ≤ 0 (either sign of zero included), from the bits alone: the
                // sign bit of b | (b − 1). Mask compares compile lane by lane here.
                let bits = unsafeBitCast(SIMD8<Float>(UnsafeBufferPointer(start: y + i, count: 8)), to: SIMD8<Int32>.self)
                let nonPositive = (bits | (bits &- 1)) &>> 31
                gv *= unsafeBitCast((nonPositive & slopeBits) | (~nonPositive & one), to: SIMD8<Float>.self)
            }
            let xv = SIMD8<Float>(UnsafeBufferPointer(start: x + i, count: 8))
            accDot += gv * ((xv - mu) * k)
            accSum += gv
            i += 8
        }
        dot += Double(accDot.sum())
        sum += Double(accSum.sum())
    }
    while i < n {
        var gi = g[i]
        if let y, !(y[i] > 0) { gi = slope * gi }
        dot += Double(gi * ((x[i] - mean) * invStd))
        sum += Double(gi)
        i += 1
    }
    return (dot, sum)
}
