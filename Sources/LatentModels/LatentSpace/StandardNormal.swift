#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The standard normal distribution's CDF and its inverse, for grids over a Gaussian prior.
public enum StandardNormal {
    /// Φ(x) = ½ erfc(−x / √2).
    public static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// Φ⁻¹(p) for p in (0, 1) (±∞ at the ends): bisection to bracket, then Newton steps on
    /// Φ(x) − p, which converge to full double precision in a few iterations.
    public static func quantile(_ p: Double) -> Double {
        if p <= 0 { return -.infinity }
        if p >= 1 { return .infinity }
        var lo = -40.0, hi = 40.0
        for _ in 0..<60 {
            let mid = 0.5 * (lo + hi)
            if cdf(mid) < p { lo = mid } else { hi = mid }
            if hi - lo < 1e-3 { break }
        }
        var x = 0.5 * (lo + hi)
        for _ in 0..<8 {
            let density = exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
            guard density > 0 else { break }
            let step = (cdf(x) - p) / density
            x -= step
            if Swift.abs(step) < 1e-14 { break }
        }
        return x
    }
}
