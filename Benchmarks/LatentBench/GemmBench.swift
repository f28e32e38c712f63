import Latent

/// `gemm`: float32 square matrix products C = A·B through `Tensor.matmul` (allocates and returns
/// C, as model code uses it) and through raw `gemm` into a preallocated C (the BLAS call alone).
enum GemmBench {
    struct SizeResult: Codable {
        var n: Int
        /// Median GFLOP/s of `Tensor.matmul` and of raw `gemm`.
        var matmulGflops: Double
        var gemmGflops: Double
        var matmulSpreadPercent: Double
        var gemmSpreadPercent: Double
        var productsPerRepeat: Int
    }

    struct Output: Codable {
        var workload = "gemm"
        var impl = "latent"
        var threads: Int
        var repeats: Int
        /// GFLOP/s by size (raw gemm, the figure compared with numpy).
        var gflops: [String: Double]
        var sizes: [SizeResult]
        var loadBefore: [Double]
        var loadAfter: [Double]
    }

    /// Repeats of each measurement, each at least this long, so timer noise is negligible.
    static let minRepeatSeconds = 0.2

    static func run(_ options: Options) throws {
        let repeats = options.repeats ?? 7
        let loadBefore = loadAverage()
        var rng = RandomGenerator(seed: options.seed)
        var results: [SizeResult] = []
        for n in options.sizes {
            let a = Tensor.uniform([n, n], low: -1, high: 1, using: &rng)
            let b = Tensor.uniform([n, n], low: -1, high: 1, using: &rng)
            var c = Tensor(shape: [n, n])
            let flops = 2 * Double(n) * Double(n) * Double(n)
            // Warm up (BLAS threads, page faults) and size the repeats.
            var sink: Float = 0
            let once = timed { sink += a.matmul(b).withUnsafeBufferPointer { $0[0] } }
            let per = Swift.max(1, Int((minRepeatSeconds / Swift.max(once, 1e-6)).rounded(.up)))
            var matmulRates: [Double] = [], gemmRates: [Double] = []
            for _ in 0..<repeats {
                // Alternate the two paths so drift in machine load hits both alike.
                let tm = timed {
                    for _ in 0..<per { sink += a.matmul(b).withUnsafeBufferPointer { $0[0] } }
                }
                matmulRates.append(flops * Double(per) / tm / 1e9)
                let tg = c.withUnsafeMutableBufferPointer { pc in
                    a.withUnsafeBufferPointer { pa in
                        b.withUnsafeBufferPointer { pb in
                            timed {
                                for _ in 0..<per {
                                    gemm(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n,
                                         c: pc.baseAddress!, ldc: n)
                                }
                            }
                        }
                    }
                }
                sink += c.withUnsafeBufferPointer { $0[0] }
                gemmRates.append(flops * Double(per) / tg / 1e9)
            }
            let m = Stats(matmulRates), g = Stats(gemmRates)
            results.append(SizeResult(n: n, matmulGflops: m.median, gemmGflops: g.median,
                                      matmulSpreadPercent: m.spreadPercent, gemmSpreadPercent: g.spreadPercent,
                                      productsPerRepeat: per))
            print("gemm n=\(n): Tensor.matmul \(fmt(m.median, 1)) GFLOP/s (min \(fmt(m.min, 1)), max \(fmt(m.max, 1))), "
                  + "raw gemm \(fmt(g.median, 1)) GFLOP/s (min \(fmt(g.min, 1)), max \(fmt(g.max, 1))), "
                  + "\(repeats) repeats × \(per) products" + (sink.isNaN ? " (NaN)" : ""))
        }
        let loadAfter = loadAverage()
        print("after: \(loadLine())")
        var gflops: [String: Double] = [:]
        for r in results { gflops[String(r.n)] = r.gemmGflops }
        printResult(Output(threads: options.threads, repeats: repeats, gflops: gflops, sizes: results,
                           loadBefore: loadBefore, loadAfter: loadAfter))
    }

    /// Median GFLOP/s of raw `n×n` sgemm, for other workloads that compare against it.
    static func squareRate(_ n: Int, repeats: Int, seed: UInt64) -> Double {
        var rng = RandomGenerator(seed: seed)
        let a = Tensor.uniform([n, n], low: -1, high: 1, using: &rng)
        let b = Tensor.uniform([n, n], low: -1, high: 1, using: &rng)
        var c = Tensor(shape: [n, n])
        let flops = 2 * Double(n) * Double(n) * Double(n)
        return c.withUnsafeMutableBufferPointer { pc in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    func product() {
                        gemm(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n,
                             c: pc.baseAddress!, ldc: n)
                    }
                    let once = timed(product)
                    let per = Swift.max(1, Int((minRepeatSeconds / Swift.max(once, 1e-6)).rounded(.up)))
                    var rates: [Double] = []
                    for _ in 0..<repeats {
                        let t = timed { for _ in 0..<per { product() } }
                        rates.append(flops * Double(per) / t / 1e9)
                    }
                    return Stats(rates).median
                }
            }
        }
    }
}
