import ArgumentParser
import Foundation
import Latent

/// `mpirun -np N LatentBench allreduce`: the time of one gradient all-reduce (MPI_Allreduce,
/// float sum, in place) by message size, and the latency and bandwidth of the ring model
/// T(n) = 2(N−1)/N · n / B + 2(N−1) · α that the smallest and largest messages give. The
/// figures feed the cost model of docs/distributed.md (scripts/mpi_cost_model.py).
struct AllReduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allreduce",
        abstract: "MPI_Allreduce time by message size under mpirun, and the fitted latency and bandwidth.")

    @Option(help: "Timed repeats per size.")
    var repeats = 30

    @Option(help: "Message sizes in bytes, comma-separated (default: 4 KB to 16 MB, plus the deep autoencoder's and the dcgan's gradients).")
    var sizes = "4096,65536,262144,1048576,2720000,4194304,11340000,16777216"

    func validate() throws { try require(repeats, atLeast: 3, "--repeats") }

    func run() throws {
        guard MPICommunicator.launchedByMPIRun else {
            throw ValidationError("run it under mpirun: mpirun -np 2 LatentBench allreduce")
        }
        let byteCounts = sizes.split(separator: ",").compactMap { Int($0) }
        guard byteCounts.count == sizes.split(separator: ",").count, byteCounts.allSatisfy({ $0 >= 4 }) else {
            throw ValidationError("--sizes must be byte counts ≥ 4 separated by commas, got '\(sizes)'.")
        }
        let mpi = try MPICommunicator.start()
        defer { mpi.finish() }
        let n = mpi.size
        var ping = [Double](repeating: 0, count: 1)
        var rows: [(bytes: Int, seconds: Double)] = []
        for bytes in byteCounts {
            var buffer = [Float](repeating: 1, count: bytes / 4)
            var times: [Double] = []
            for r in 0..<(repeats + 3) {
                ping.withUnsafeMutableBufferPointer { mpi.allReduceSum($0) }  // line the ranks up
                let start = DispatchTime.now().uptimeNanoseconds
                buffer.withUnsafeMutableBufferPointer { mpi.allReduceSum($0) }
                let t = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                if r >= 3 { times.append(t) }
            }
            // The slowest rank's time is the collective's.
            var slowest = [Double](repeating: 0, count: n)
            slowest[mpi.rank] = median(times)
            slowest.withUnsafeMutableBufferPointer { mpi.allReduceSum($0) }
            rows.append((bytes, slowest.max() ?? .nan))
        }
        guard mpi.isPrimary else { return }
        print("LatentBench allreduce: \(n) ranks, \(repeats) repeats per size, \(loadLine())")
        print("bytes        median ms   GB/s (algorithmic)")
        for row in rows {
            print(String(format: "%-12d %9.3f   %6.2f", row.bytes, row.seconds * 1e3, Double(row.bytes) / row.seconds / 1e9))
        }
        // Ring model T(n) = 2(N−1)/N · n / B + 2(N−1) α: α from the smallest message (all latency),
        // B from the difference between the largest and the smallest (a least-squares fit over
        // all sizes lets one slow large message swing the intercept below zero).
        let ordered = rows.sorted { $0.bytes < $1.bytes }
        guard let small = ordered.first, let large = ordered.last, large.bytes > small.bytes else {
            throw ValidationError("--sizes needs at least two different sizes.")
        }
        let factor = 2 * Double(n - 1) / Double(n)
        let latency = small.seconds / (2 * Double(n - 1))
        let bandwidth = factor * Double(large.bytes - small.bytes) / Swift.max(large.seconds - small.seconds, 1e-12)
        print(String(format: "ring model: latency α = %.1f µs per message (from %d B), bandwidth B = %.2f GB/s (from %d B)",
                     latency * 1e6, small.bytes, bandwidth / 1e9, large.bytes))
        let pairs = rows.map { "[\($0.bytes), \($0.seconds)]" }.joined(separator: ", ")
        let latencyMicroseconds = latency * 1e6, gigabytesPerSecond = bandwidth / 1e9
        print("RESULT {\"workload\": \"allreduce\", \"ranks\": \(n), \"latency_us\": \(latencyMicroseconds), \"bandwidth_gbs\": \(gigabytesPerSecond), \"sizes\": [\(pairs)]}")
    }
}
