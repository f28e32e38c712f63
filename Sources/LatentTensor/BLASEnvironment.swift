#if canImport(Glibc)
import Glibc
#endif

/// OpenBLAS's worker threads keep spinning (calling `sched_yield`) for about 2²⁸ cycles after
/// each BLAS call before they sleep. Latent alternates GEMMs with its own two-thread kernels, so
/// the spinning threads took a core from those kernels: 17 % of a conv-autoencoder epoch went to
/// the scheduler, and the epoch took 6.0 s instead of 4.6 s on 20k images. OpenBLAS reads the
/// spin length from `OPENBLAS_THREAD_TIMEOUT` only when it is loaded, before `main` runs, so the
/// program sets it and re-executes itself once, first thing in `main`. A value the user set is
/// left alone. Call it from executables only: a library must not re-execute its host process.
public enum BLASEnvironment {
    public static func prepare() {
        #if os(Linux)
        guard getenv("OPENBLAS_THREAD_TIMEOUT") == nil else { return }
        setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1)
        var argv: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) }
        argv.append(nil)
        execv("/proc/self/exe", argv)
        // execv returns only on failure; carry on with OpenBLAS's default then.
        #endif
    }
}
