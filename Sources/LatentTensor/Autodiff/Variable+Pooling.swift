extension Variable {
    /// Max pooling of `[N, C, H, W]` over `kernelSize × kernelSize` windows moved by `stride`
    /// (default: the kernel size, PyTorch's `nn.MaxPool2d(k)`), no padding; output
    /// `[N, C, ⌊(H − k)/s⌋ + 1, ⌊(W − k)/s⌋ + 1]`.
    ///
    /// The gradient flows to the first maximum of each window (PyTorch picks the same element), so
    /// ties are broken deterministically.
    public static func maxPool2d(_ x: Variable, kernelSize k: Int, stride: Int? = nil) -> Variable {
        let s = stride ?? k
        precondition(x.shape.count == 4, "maxPool2d expects [N, C, H, W], got \(x.shape)")
        precondition(k >= 1 && s >= 1, "maxPool2d needs a positive kernel and stride, got \(k), \(s)")
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        precondition(h >= k && w >= k, "maxPool2d: a \(k)×\(k) window does not fit \(h)×\(w)")
        let oh = (h - k) / s + 1, ow = (w - k) / s + 1
        let planes = n * c
        let y = Tensor(uninitializedShape: [n, c, oh, ow])
        // The flat index (within its plane) of each output's maximum, for the backward pass.
        var argmax = [Int32](repeating: 0, count: planes * oh * ow)
        let src = x.value.storage.pointer, dst = y.storage.pointer
        argmax.withUnsafeMutableBufferPointer { winners in
            let winnerBase = winners.baseAddress!
            parallelFor(planes, minChunk: Swift.max(1, 16_384 / Swift.max(1, h * w))) { range in
                for plane in range {
                    let input = src + plane * h * w
                    let output = dst + plane * oh * ow
                    let chosen = winnerBase + plane * oh * ow
                    for i in 0..<oh {
                        for j in 0..<ow {
                            var best = -Float.infinity, bestIndex = (i * s) * w + j * s
                            for di in 0..<k {
                                let row = (i * s + di) * w + j * s
                                for dj in 0..<k where input[row + dj] > best || input[row + dj].isNaN {
                                    best = input[row + dj]
                                    bestIndex = row + dj
                                    if best.isNaN { break }
                                }
                            }
                            output[i * ow + j] = best
                            chosen[i * ow + j] = Int32(bestIndex)
                        }
                    }
                }
            }
        }
        return record(y, parents: [x]) { g in
            let dx = Tensor(shape: x.shape)
            let gp = g.storage.pointer, dp = dx.storage.pointer
            argmax.withUnsafeBufferPointer { winners in
                let winnerBase = winners.baseAddress!
                parallelFor(planes, minChunk: Swift.max(1, 16_384 / Swift.max(1, h * w))) { range in
                    for plane in range {
                        let grad = gp + plane * oh * ow, into = dp + plane * h * w
                        let chosen = winnerBase + plane * oh * ow
                        for o in 0..<(oh * ow) { into[Int(chosen[o])] += grad[o] }
                    }
                }
            }
            return [dx]
        }
    }
}
