import Foundation
import Latent

extension Metric {
    /// The figure as the Foundation value `JSONSerialization` takes (`Int`, `Double`, `String`,
    /// `Bool`, arrays and dictionaries). Only for the demo driver, which still collects its
    /// sections' figures as `[String: Any]`; once it takes `Metric` values this bridge goes.
    var jsonObject: Any {
        switch self {
        // Whole numbers as Int, so counts keep the form they had in the demo's metrics.json.
        case .number(let v): v.rounded() == v && abs(v) < 1e15 ? Int(v) as Any : v as Any
        case .text(let s): s as Any
        case .flag(let b): b as Any
        case .list(let l): l.map(\.jsonObject) as Any
        case .map(let m): m.mapValues(\.jsonObject) as Any
        }
    }
}
