/// The median of `values` (the mean of the middle two for an even count, as Python's
/// `statistics.median`, so both sides of a comparison summarise their runs alike); NaN when empty.
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
}
