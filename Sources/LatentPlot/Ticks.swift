import Foundation

/// Axis ticks at "nice" round values, and labels for them.
public struct Ticks: Sendable, Equatable {
    /// Tick positions in data units, increasing.
    public var values: [Double]
    /// Text for each tick, same count as `values`.
    public var labels: [String]
    /// The axis range the ticks were chosen for (it always contains every tick).
    public var lower: Double
    /// Upper end of the axis range.
    public var upper: Double

    /// Ticks on a linear axis covering `lower…upper`, with steps of 1, 2 or 5 times a power of ten.
    ///
    /// The step is the smallest such number that needs at most `maxCount` ticks. With `expand`,
    /// the range grows outwards to the neighbouring ticks, so the data never touches the frame
    /// except on a tick. A zero-width range is widened around its value first. With `integer`
    /// (an axis of counts: epochs, iterations) the step is at least 1, so ticks fall on whole
    /// numbers only.
    public static func linear(_ lower: Double, _ upper: Double, maxCount: Int = 7, expand: Bool = true,
                              integer: Bool = false) -> Ticks {
        var lo = min(lower, upper), hi = max(lower, upper)
        if !lo.isFinite || !hi.isFinite { lo = 0; hi = 1 }
        if hi - lo <= max(abs(lo), abs(hi)) * 1e-12 {
            let pad = integer ? 1 : (lo == 0 ? 1 : abs(lo) * 0.1)
            lo -= pad; hi += pad
        }
        let raw = niceStep((hi - lo) / Double(max(1, maxCount - 1)))
        let step = integer ? max(1, raw) : raw
        // A small tolerance (in steps) so 0.30000000000000004 counts as on the 0.3 tick, and so
        // does 0.10000000149, a Float's 0.1 read as a Double (training code records Floats).
        let eps = 1e-6
        let first = (lo / step - eps).rounded(.up), last = (hi / step + eps).rounded(.down)
        var values = stride(from: first, through: last, by: 1).map { clean($0 * step, step: step) }
        if expand {
            let a = (lo / step + eps).rounded(.down), b = (hi / step - eps).rounded(.up)
            lo = clean(a * step, step: step); hi = clean(b * step, step: step)
            values = stride(from: a, through: b, by: 1).map { clean($0 * step, step: step) }
        }
        let decimals = max(0, -Int(log10(step).rounded(.down)))
        let useExponent = step >= 1e6 || step < 1e-4
        let labels = values.map { format($0, decimals: decimals, exponent: useExponent) }
        return Ticks(values: values, labels: labels, lower: lo, upper: hi)
    }

    /// Ticks for a base-10 logarithmic axis covering `lower…upper` (both must be positive).
    ///
    /// Ticks sit on powers of ten, thinned to every second or fifth decade when there are many;
    /// when the range spans less than about two decades the 2× and 5× multiples are added too,
    /// so a narrow range still gets labels. `lower`/`upper` widen to the outer ticks.
    public static func logarithmic(_ lower: Double, _ upper: Double, maxCount: Int = 7) -> Ticks {
        var lo = min(lower, upper), hi = max(lower, upper)
        if !(lo > 0) || !hi.isFinite { lo = max(hi, 1) / 10; hi = max(hi, 1) }
        if hi <= lo { lo /= 2; hi *= 2 }
        let e0 = Int(log10(lo).rounded(.down)), e1 = Int(log10(hi).rounded(.up))
        let decades = e1 - e0
        var values = [Double]()
        if decades <= 2 {
            for e in e0..<e1 {
                for m in [1.0, 2.0, 5.0] { values.append(m * pow(10, Double(e))) }
            }
            values.append(pow(10, Double(e1)))
            // Keep the range tight: trim multiples beyond the data, keeping one tick each side.
            while values.count > 2, values[1] <= lo { values.removeFirst() }
            while values.count > 2, values[values.count - 2] >= hi { values.removeLast() }
        } else {
            let every = decades <= maxCount ? 1 : (decades <= 2 * maxCount ? 2 : 5)
            let start = Int((Double(e0) / Double(every)).rounded(.down)) * every
            var e = start
            while e < e1 + every {
                values.append(pow(10, Double(e)))
                if e >= e1 { break }
                e += every
            }
        }
        let labels = values.map { v -> String in
            let e = log10(v)
            if e >= -3 && e < 5 {
                let decimals = max(0, -Int(e.rounded(.down)))
                return format(v, decimals: decimals, exponent: false)
            }
            return format(v, decimals: 0, exponent: true)
        }
        return Ticks(values: values, labels: labels, lower: values.first!, upper: values.last!)
    }

    /// The smallest of 1, 2, 5 × 10^k that is at least `raw`.
    public static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, log10(raw).rounded(.down))
        let fraction = raw / magnitude
        for m in [1.0, 2.0, 5.0] where fraction <= m * (1 + 1e-9) { return m * magnitude }
        return 10 * magnitude
    }

    /// Rounds away the binary noise of `i * step` and turns -0 into 0.
    static func clean(_ v: Double, step: Double) -> Double {
        let digits = max(0, -Int(log10(step).rounded(.down)) + 2)
        let scale = pow(10, Double(min(digits, 15)))
        let r = (v * scale).rounded() / scale
        return r == 0 ? 0 : r
    }

    /// A short label: fixed decimals, or `1.5e-05`-style when values are very large or small.
    public static func format(_ v: Double, decimals: Int, exponent: Bool) -> String {
        if exponent {
            if v == 0 { return "0" }
            var s = String(format: "%.3g", v)
            // %g gives "1e-05"; drop the exponent's leading zero to save width on the axis.
            s = s.replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(of: "e+0", with: "e")
                .replacingOccurrences(of: "e+", with: "e")
            return s
        }
        // Zero gets the same decimals as its neighbours ("0.00" beside "0.05"), so a column of
        // labels lines up on the decimal point; "-0.00" from rounding is shown as zero.
        let text = String(format: "%.\(min(decimals, 10))f", v)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }
}
