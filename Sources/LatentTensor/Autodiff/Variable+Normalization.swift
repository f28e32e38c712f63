// Batch normalisation, fused: one op with a closed-form backward instead of a chain of
// reductions, which would cost several passes over the activations.

extension Variable {
    /// Batch normalisation over `[N, C]` or `[N, C, H, W]`, per channel C.
    ///
    /// Training: normalise with the batch's mean and (biased) variance, and move the running
    /// statistics toward them by `momentum` (running variance uses the unbiased estimate, as
    /// PyTorch does). Evaluation: normalise with the running statistics.
    /// y = γ · (x − μ) / √(σ² + ε) + β.
    public static func batchNorm(_ x: Variable, gamma: Variable, beta: Variable,
                                 runningMean: inout Tensor, runningVar: inout Tensor,
                                 training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5) -> Variable {
        precondition(x.shape.count >= 2 && gamma.shape == [x.shape[1]] && beta.shape == [x.shape[1]],
                     "batchNorm: input \(x.shape) does not match γ \(gamma.shape) / β \(beta.shape)")
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
            moments.withUnsafeMutableBufferPointer { moments in
                let pm = moments.baseAddress!
                parallelFor(c, minChunk: Swift.max(1, 16_384 / Swift.max(m, 1))) { channels in
                    for ch in channels {
                        var sum = 0.0, sq = 0.0
                        for i in 0..<n {
                            let p = px + (i * c + ch) * s
                            sum += elementSum(p, count: s)
                            sq += dotSum(p, p, count: s)
                        }
                        pm[ch] = sum
                        pm[c + ch] = sq
                    }
                }
            }
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
        let xhat = Tensor(uninitializedShape: x.shape), y = Tensor(uninitializedShape: x.shape)
        let ph = xhat.storage.pointer, py = y.storage.pointer
        let pg = gamma.value.storage.pointer, pb = beta.value.storage.pointer
        mean.withUnsafeBufferPointer { mean in
            invStd.withUnsafeBufferPointer { invStd in
                parallelFor(n * c, minChunk: Swift.max(1, 16_384 / Swift.max(s, 1))) { planes in
                    for plane in planes {
                        let ch = plane % c, o = plane * s
                        let mu = mean[ch], k = invStd[ch], ga = pg[ch], be = pb[ch]
                        for j in 0..<s {
                            let h = (px[o + j] - mu) * k
                            ph[o + j] = h
                            py[o + j] = ga * h + be
                        }
                    }
                }
            }
        }
        let gammaValue = gamma.value
        let weight = Double(ExampleShard.current?.weight ?? 1)
        return record(y, parents: [x, gamma, beta]) { g in
            // Re-derive pointers from tensors the closure owns, so the buffers outlive the forward.
            let pgr = g.storage.pointer, ph = xhat.storage.pointer, pg = gammaValue.storage.pointer
            var dgamma = [Float](repeating: 0, count: c), dbeta = [Float](repeating: 0, count: c)
            dgamma.withUnsafeMutableBufferPointer { dgamma in
                dbeta.withUnsafeMutableBufferPointer { dbeta in
                    let (pdg, pdb) = (dgamma.baseAddress!, dbeta.baseAddress!)
                    parallelFor(c, minChunk: Swift.max(1, 16_384 / Swift.max(m, 1))) { channels in
                        for ch in channels {
                            var a = 0.0, b = 0.0
                            for i in 0..<n {
                                let o = (i * c + ch) * s
                                a += dotSum(pgr + o, ph + o, count: s)
                                b += elementSum(pgr + o, count: s)
                            }
                            pdg[ch] = Float(a)
                            pdb[ch] = Float(b)
                        }
                    }
                }
            }
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
                            let mg = means[ch], mgh = means[c + ch]
                            for j in 0..<s { pd[o + j] = k * (pgr[o + j] - mg - ph[o + j] * mgh) }
                        } else {
                            for j in 0..<s { pd[o + j] = k * pgr[o + j] }
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
