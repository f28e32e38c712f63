import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Seconds on a monotonic clock.
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Runs `body` once and returns the seconds it took.
@inline(__always)
func timed(_ body: () throws -> Void) rethrows -> Double {
    let start = now()
    try body()
    return now() - start
}

/// Summary statistics of repeated measurements.
struct Stats: Codable {
    var median: Double
    var min: Double
    var max: Double
    var count: Int

    init(_ samples: [Double]) {
        precondition(!samples.isEmpty, "Stats: no samples")
        let s = samples.sorted()
        let mid = s.count / 2
        median = s.count % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
        min = s[0]
        max = s[s.count - 1]
        count = s.count
    }

    /// Spread of the samples relative to the median, in percent.
    var spreadPercent: Double { median > 0 ? (max - min) / median * 100 : 0 }
}

/// Load averages from /proc/loadavg (1, 5, 15 minutes), or empty where unavailable.
func loadAverage() -> [Double] {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return [] }
    return text.split(separator: " ").prefix(3).compactMap { Double($0) }
}

/// One line describing the machine state, printed before and after each workload.
func loadLine() -> String {
    "load average " + loadAverage().map { String(format: "%.2f", $0) }.joined(separator: " ")
}

/// Formats `x` with `digits` decimals.
func fmt(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }

/// Prints the machine-readable result line: `RESULT {json}` with sorted keys.
func printResult<T: Encodable>(_ value: T) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    do {
        let data = try encoder.encode(value)
        print("RESULT " + String(decoding: data, as: UTF8.self))
    } catch {
        print("RESULT {\"error\": \"could not encode result: \(error)\"}")
    }
}

/// User + system CPU seconds of this process so far.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
}
