import ArgumentParser
import Latent

/// The range checks every command's `validate()` runs on its size flags, with the bounds taken
/// from `InputLimits` (documented in docs/limits.md), so a flag can neither trap nor make a
/// command allocate without bound, and the refusal names the flag, its range and the value.
enum FlagBounds {
    /// Refuses `value` outside `range`: "--steps must be in 2...10000, got 1000000000."
    static func check(_ flag: String, _ value: Int, in range: ClosedRange<Int>) throws {
        guard range.contains(value) else { throw ValidationError("\(flag) must be in \(range), got \(value).") }
    }

    /// `check` for an optional flag.
    static func check(_ flag: String, _ value: Int?, in range: ClosedRange<Int>) throws {
        if let value { try check(flag, value, in: range) }
    }

    /// Refuses a list of layer widths with a width outside 1...`InputLimits.layerWidth` or more
    /// than `InputLimits.layerCount` layers.
    static func checkWidths(_ flag: String, _ widths: ListArgument<Int>?) throws {
        guard let widths else { return }
        if widths.values.count > InputLimits.layerCount {
            throw ValidationError("\(flag): at most \(InputLimits.layerCount) layers, got \(widths.values.count).")
        }
        if let bad = widths.values.first(where: { !(1...InputLimits.layerWidth).contains($0) }) {
            throw ValidationError("\(flag) must be widths in 1...\(InputLimits.layerWidth) separated by commas, got \(bad).")
        }
    }

    /// Refuses a network the flags make too large to train (`InputLimits.trainedWeights`): each
    /// width may be in range while their products are not (`--hidden 65536,65536`).
    static func checkWeights<M: SavedModel>(_ type: M.Type, _ config: M.Config) throws {
        let weights = try M.minimumWeightCount(config)
        if weights > InputLimits.trainedWeights {
            throw ValidationError("the network these flags describe has \(weights == Int.max ? "more than \(Int.max)" : "at least \(weights)") weights; at most \(InputLimits.trainedWeights) can be trained.")
        }
    }

    /// Images one command may produce.
    static let images = 1...InputLimits.generatedImages
    /// Layer widths (`--latent`, `--code-size`, …).
    static let width = 1...InputLimits.layerWidth
}
