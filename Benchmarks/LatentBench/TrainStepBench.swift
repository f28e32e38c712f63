import Foundation
import Latent

/// `train-step`: one full training step (forward, backward, Adam update) of the deep autoencoder
/// 784-1000-500-250-30-250-500-1000-784 (ReLU hidden, linear code, sigmoid output, squared error
/// summed over pixels and averaged over the batch, Adam 1e-3), through `Sequential`, `Linear`,
/// `Variable` autodiff and `Adam` — the code every model uses.
///
/// Its GEMM work is counted (forward 2·N·in·out per layer, backward twice that, less the input
/// gradient of the first layer, which autodiff skips because the data needs no gradient) and the
/// achieved GFLOP/s of the step is compared with the same GEMM shapes timed alone (raw `gemm` on
/// preallocated buffers, same transposes and β as the layers use) and with square 1024² sgemm.
/// The efficiency bar of the foundation issue: step GFLOP/s ≥ 60 % of sgemm on the same shapes.
enum TrainStepBench {
    static let widths = [784, 1000, 500, 250, 30, 250, 500, 1000, 784]

    /// One GEMM of the step, as the layers call it.
    struct GemmShape: Codable {
        var name: String
        var transA: Bool
        var transB: Bool
        var m: Int, n: Int, k: Int
        var beta: Float
        var phase: String
        var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
    }

    struct GemmTiming: Codable {
        var name: String
        var m: Int, n: Int, k: Int
        var ms: Double
        var gflops: Double
    }

    struct Output: Codable {
        var workload = "train-step"
        var impl = "latent"
        var threads: Int
        var batch: Int
        var repeats: Int
        var stepsPerRepeat: Int
        var gflopPerStep: Double
        /// Median milliseconds of a full step and of its phases.
        var stepMs: Double
        var forwardMs: Double
        var backwardMs: Double
        var optimizerMs: Double
        /// The step's GEMMs timed alone (whole sequence, median), and split by phase.
        var gemmAloneMs: Double
        var gemmForwardMs: Double
        var gemmBackwardMs: Double
        var gflops: Double
        var gemmAloneGflops: Double
        var sgemm1024Gflops: Double
        /// stepGFLOP/s ÷ GEMM-alone GFLOP/s on the same shapes (the ≥ 0.6 bar).
        var ratioToSameShapes: Double
        var ratioToSgemm1024: Double
        var gemmSharePercent: Double
        var perGemm: [GemmTiming]
        var lossFirst: Double
        var lossLast: Double
        var loadBefore: [Double]
        var loadAfter: [Double]
    }

    /// The GEMMs of one step in the order autodiff runs them.
    static func gemmShapes(batch n: Int) -> [GemmShape] {
        var shapes: [GemmShape] = []
        let layers = Array(zip(widths.dropLast(), widths.dropFirst()))
        for (l, (i, o)) in layers.enumerated() {
            shapes.append(GemmShape(name: "fwd \(l) \(i)→\(o)", transA: false, transB: true, m: n, n: o, k: i,
                                    beta: 1, phase: "forward"))
        }
        for (l, (i, o)) in layers.enumerated().reversed() {
            if l > 0 {
                shapes.append(GemmShape(name: "dX \(l) \(i)←\(o)", transA: false, transB: false, m: n, n: i, k: o,
                                        beta: 0, phase: "backward"))
            }
            shapes.append(GemmShape(name: "dW \(l) \(o)×\(i)", transA: true, transB: false, m: o, n: i, k: n,
                                    beta: 0, phase: "backward"))
        }
        return shapes
    }

    /// Preallocated operands for one GEMM shape.
    final class GemmOperands {
        let shape: GemmShape
        var a: Tensor, b: Tensor, c: Tensor
        init(_ s: GemmShape, rng: inout RandomGenerator) {
            shape = s
            a = Tensor.uniform(s.transA ? [s.k, s.m] : [s.m, s.k], low: -1, high: 1, using: &rng)
            b = Tensor.uniform(s.transB ? [s.n, s.k] : [s.k, s.n], low: -1, high: 1, using: &rng)
            c = Tensor(shape: [s.m, s.n])
        }

        func run() {
            let s = shape
            let lda = s.transA ? s.m : s.k, ldb = s.transB ? s.k : s.n
            c.makeUnique()
            gemm(transA: s.transA, transB: s.transB, m: s.m, n: s.n, k: s.k,
                 a: a.unsafeBaseAddress, lda: lda, b: b.unsafeBaseAddress, ldb: ldb,
                 beta: s.beta, c: c.unsafeBaseAddress, ldc: s.n)
        }
    }

    static func run(_ options: Options) throws {
        let repeats = options.repeats ?? 7
        let steps = options.steps
        let n = options.batch
        let loadBefore = loadAverage()

        // Data: real MNIST batches when the directory is there (values matter little for speed,
        // but real data keeps activations in their usual range), random pixels otherwise.
        var rng = RandomGenerator(seed: options.seed)
        var batches: [Tensor] = []
        if let train = try? MNIST.dataset(directory: options.data, split: .train) {
            let order = rng.permutation(train.count)
            for b in 0..<16 { batches.append(train.inputs.gatherRows(Array(order[(b * n)..<((b + 1) * n)]))) }
            print("data: 16 batches of \(n) MNIST training images from \(options.data)")
        } else {
            for _ in 0..<16 { batches.append(Tensor.uniform([n, 784], using: &rng)) }
            print("data: \(options.data) not readable; 16 batches of \(n) uniform random images")
        }

        var layers: [any Layer] = []
        for (l, (i, o)) in zip(widths.dropLast(), widths.dropFirst()).enumerated() {
            layers.append(Linear(i, o, rng: &rng))
            if l == widths.count - 2 { layers.append(Sigmoid()) } else if o != 30 { layers.append(ReLU()) }
        }
        let model = Sequential(layers)
        let optimizer = try Adam(learningRate: 1e-3)
        print("model: \(widths.map(String.init).joined(separator: "-")), \(model.parameterCount) parameters, batch \(n)")

        let shapes = gemmShapes(batch: n)
        let flopsStep = shapes.reduce(0) { $0 + $1.flops }
        let flopsForward = shapes.filter { $0.phase == "forward" }.reduce(0) { $0 + $1.flops }
        print("GEMM work per step: \(fmt(flopsStep / 1e9, 3)) GFLOP (forward \(fmt(flopsForward / 1e9, 3)), "
              + "backward \(fmt((flopsStep - flopsForward) / 1e9, 3))), \(shapes.count) GEMMs")

        var stepIndex = 0
        var forwardT = 0.0, backwardT = 0.0, optimizerT = 0.0
        var losses: [Double] = []
        func trainStep() {
            let x = batches[stepIndex % batches.count]
            stepIndex += 1
            let t0 = now()
            var t1 = t0
            let (loss, gradients) = valueAndGrad(model) {
                defer { t1 = now() }
                return model(Variable(x)).mseLoss(x, reduction: .batchMean)
            }
            let t2 = now()
            optimizer.update(gradients)
            let t3 = now()
            forwardT += t1 - t0
            backwardT += t2 - t1
            optimizerT += t3 - t2
            losses.append(Double(loss))
        }

        var gemmRng = RandomGenerator(seed: options.seed &+ 7)
        let operands = shapes.map { GemmOperands($0, rng: &gemmRng) }
        var gemmForwardT = 0.0, gemmBackwardT = 0.0
        func gemmSequence() {
            let t0 = now()
            for op in operands where op.shape.phase == "forward" { op.run() }
            let t1 = now()
            for op in operands where op.shape.phase == "backward" { op.run() }
            let t2 = now()
            gemmForwardT += t1 - t0
            gemmBackwardT += t2 - t1
        }

        // Warm up: first steps allocate optimiser state and fault in pages.
        for _ in 0..<5 { trainStep() }
        if options.profile {
            // Steps only, no reference GEMMs: for perf / callgrind.
            let t = timed { for _ in 0..<steps { trainStep() } }
            print("profile: \(steps) steps, \(fmt(t / Double(steps) * 1000)) ms/step "
                  + "(forward \(fmt(forwardT / Double(steps + 5) * 1000)), backward \(fmt(backwardT / Double(steps + 5) * 1000)), "
                  + "Adam \(fmt(optimizerT / Double(steps + 5) * 1000)) ms, incl. warm-up)")
            return
        }
        for _ in 0..<5 { gemmSequence() }
        let sgemm1024 = GemmBench.squareRate(1024, repeats: 5, seed: options.seed)
        print("sgemm 1024² alone: \(fmt(sgemm1024, 1)) GFLOP/s")

        var stepMs: [Double] = [], fwdMs: [Double] = [], bwdMs: [Double] = [], optMs: [Double] = []
        var gemmMs: [Double] = [], gemmFwdMs: [Double] = [], gemmBwdMs: [Double] = []
        for r in 0..<repeats {
            forwardT = 0; backwardT = 0; optimizerT = 0
            let ts = timed { for _ in 0..<steps { trainStep() } }
            gemmForwardT = 0; gemmBackwardT = 0
            let tg = timed { for _ in 0..<steps { gemmSequence() } }
            let k = 1000 / Double(steps)
            stepMs.append(ts * k); fwdMs.append(forwardT * k); bwdMs.append(backwardT * k); optMs.append(optimizerT * k)
            gemmMs.append(tg * k); gemmFwdMs.append(gemmForwardT * k); gemmBwdMs.append(gemmBackwardT * k)
            print("repeat \(r + 1): step \(fmt(stepMs.last!)) ms (forward \(fmt(fwdMs.last!)), backward \(fmt(bwdMs.last!)), "
                  + "Adam \(fmt(optMs.last!))), same GEMMs alone \(fmt(gemmMs.last!)) ms")
        }

        // Each GEMM alone, to see which shapes run below the machine's rate.
        var perGemm: [GemmTiming] = []
        for op in operands {
            var samples: [Double] = []
            for _ in 0..<5 {
                let t = timed { for _ in 0..<steps { op.run() } }
                samples.append(t / Double(steps))
            }
            let med = Stats(samples).median
            perGemm.append(GemmTiming(name: op.shape.name, m: op.shape.m, n: op.shape.n, k: op.shape.k,
                                      ms: med * 1000, gflops: op.shape.flops / med / 1e9))
        }
        let loadAfter = loadAverage()

        let step = Stats(stepMs).median, gemmAlone = Stats(gemmMs).median
        let fwd = Stats(fwdMs).median, bwd = Stats(bwdMs).median, opt = Stats(optMs).median
        let gFwd = Stats(gemmFwdMs).median, gBwd = Stats(gemmBwdMs).median
        let rate = flopsStep / (step / 1000) / 1e9, aloneRate = flopsStep / (gemmAlone / 1000) / 1e9

        print("")
        print("per GEMM alone (median of 5 × \(steps)):")
        for g in perGemm {
            print("  \(g.name.padding(toLength: 20, withPad: " ", startingAt: 0)) m=\(g.m) n=\(g.n) k=\(g.k): "
                  + "\(fmt(g.ms, 3)) ms, \(fmt(g.gflops, 1)) GFLOP/s")
        }
        print("")
        print("train-step (batch \(n), \(repeats) repeats × \(steps) steps, medians):")
        print("  step          \(fmt(step)) ms  = \(fmt(rate, 1)) GFLOP/s")
        print("  forward       \(fmt(fwd)) ms  (GEMMs alone \(fmt(gFwd)) ms, other \(fmt(fwd - gFwd)) ms)")
        print("  backward      \(fmt(bwd)) ms  (GEMMs alone \(fmt(gBwd)) ms, other \(fmt(bwd - gBwd)) ms)")
        print("  Adam          \(fmt(opt)) ms  (no GEMM)")
        print("  GEMMs alone   \(fmt(gemmAlone)) ms  = \(fmt(aloneRate, 1)) GFLOP/s on the same shapes")
        print("  GEMM share of the step ≈ \(fmt(gemmAlone / step * 100, 1)) %, other \(fmt(step - gemmAlone)) ms")
        print("  ratio step / same-shape GEMMs = \(fmt(rate / aloneRate * 100, 1)) %  (bar: ≥ 60 %)")
        print("  ratio step / sgemm 1024²      = \(fmt(rate / sgemm1024 * 100, 1)) %  (sgemm \(fmt(sgemm1024, 1)) GFLOP/s)")
        print("  loss \(fmt(losses.first ?? .nan, 2)) → \(fmt(losses.last ?? .nan, 2)) over \(losses.count) steps; \(loadLine())")
        printResult(Output(threads: options.threads, batch: n, repeats: repeats, stepsPerRepeat: steps,
                           gflopPerStep: flopsStep / 1e9, stepMs: step, forwardMs: fwd, backwardMs: bwd,
                           optimizerMs: opt, gemmAloneMs: gemmAlone, gemmForwardMs: gFwd, gemmBackwardMs: gBwd,
                           gflops: rate, gemmAloneGflops: aloneRate, sgemm1024Gflops: sgemm1024,
                           ratioToSameShapes: rate / aloneRate, ratioToSgemm1024: rate / sgemm1024,
                           gemmSharePercent: gemmAlone / step * 100, perGemm: perGemm,
                           lossFirst: losses.first ?? .nan, lossLast: losses.last ?? .nan,
                           loadBefore: loadBefore, loadAfter: loadAfter))
    }
}
