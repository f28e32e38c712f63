#if canImport(Glibc)
import Glibc
#endif

/// OpenBLAS's worker threads keep spinning (calling `sched_yield`) for about 2²⁸ cycles after
/// each BLAS call before they sleep. Latent alternates GEMMs with its own two-thread kernels, so
/// the spinning threads took a core from those kernels: 17 % of a conv-autoencoder epoch went to
/// the scheduler, and the epoch took 6.0 s instead of 4.6 s on 20k images. OpenMP's threads
/// (oneDNN's GEMM) spin the same way, 300,000 iterations by default: a dcgan epoch took 79 s.
/// Sleeping at once (`OMP_WAIT_POLICY=passive`) made the wake-up the cost of every small GEMM
/// (mlp 0.56 s/epoch); a short spin, `GOMP_SPINCOUNT=3000`, serves both (dcgan 73–75 s, mlp
/// 0.48 s, against 75–77 s and 0.56 s passive). Both libraries read these settings only when they are
/// loaded, before `main` runs, so the program sets them and re-executes itself once, first thing
/// in `main`. Values the user set are left alone. Call it from executables only: a library must
/// not re-execute its host process.
public enum BLASEnvironment {
    /// The settings `prepare` supplies when the environment lacks them.
    public static let defaults: [(name: String, value: String)] = [
        ("OPENBLAS_THREAD_TIMEOUT", "4"),
        ("GOMP_SPINCOUNT", "3000"),
    ]

    public static func prepare() {
        #if os(Linux)
        // The libraries have read these already; a count they would choke on (libgomp crashed
        // at 100,000 threads) is refused in one line before any of them starts a thread.
        for name in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"] {
            guard let raw = getenv(name).map({ String(cString: $0) }) else { continue }
            let counts = raw.split(separator: ",", omittingEmptySubsequences: false).map { Int(String($0.filter { $0 != " " })) }
            if counts.isEmpty || counts.contains(where: { count in count.map { !(1...Threads.maximum).contains($0) } ?? true }) {
                let message = "Error: \(name)=\(raw.prefix(40)): thread counts must be in 1...\(Threads.maximum)\n"
                _ = message.withCString { write(2, $0, strlen($0)) }
                exit(64)
            }
        }
        if let raw = getenv("LATENT_PARALLEL").map({ String(cString: $0) }), !["dispatch", "openmp"].contains(raw) {
            let message = "Error: LATENT_PARALLEL=\(raw.prefix(40)): the values are dispatch and openmp\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            exit(64)
        }
        var changed = false
        for (name, value) in defaults where getenv(name) == nil {
            setenv(name, value, 1)
            changed = true
        }
        guard changed else { return }
        var argv: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) }
        argv.append(nil)
        execv("/proc/self/exe", argv)
        // execv returns only on failure; carry on with the libraries' defaults then.
        #endif
    }
}
