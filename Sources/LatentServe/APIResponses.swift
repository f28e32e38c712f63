/// The JSON bodies of the explorer's API (what `/api/catalog` and friends answer).
enum API {
    struct DatasetInfo: Codable, Sendable {
        var id: Int
        var name: String
        var kind: String
        var source: String
        var count: Int
        var features: Int
        var labelled: Bool
        var imageSide: Int?
        var words: Bool
        var precomputed: Bool
        var model: Int?
    }

    struct ModelInfo: Codable, Sendable {
        var id: Int
        var name: String
        var kind: String
        var summary: String
        var latentSize: Int
        var dataSize: Int
        var imageSide: Int?
        var center: [Float]
        var principalAxes: [[Float]]
        var principalSpread: [Float]
        var dimensionSpread: [Float]
        /// Mean code per class, keyed by the class as a string (JSON object keys are strings).
        var classMeans: [String: [Float]]
    }

    struct RunInfo: Codable, Sendable {
        var id: Int
        var name: String
    }

    struct Catalog: Codable, Sendable {
        var datasets: [DatasetInfo]
        var models: [ModelInfo]
        var runs: [RunInfo]
        /// Every served root, by index, as `/files/<index>/…` names it.
        var roots: [String]
    }

    struct Annotations: Codable, Sendable {
        var labels: [Int]?
        var words: [String]?
    }

    struct Neighbor: Codable, Sendable {
        var index: Int
        var distance: Float
        var label: Int?
        var word: String?
    }

    struct Neighbors: Codable, Sendable {
        var index: Int
        var neighbors: [Neighbor]
    }

    struct Match: Codable, Sendable {
        var index: Int
        var word: String?
        var label: Int?
    }

    struct Matches: Codable, Sendable {
        var query: String
        var matches: [Match]
    }

    struct DecodeRequest: Codable, Sendable {
        /// One code, or …
        var z: [Float]?
        /// … several.
        var codes: [[Float]]?
        var scale: Int?
    }

    struct Decoded: Codable, Sendable {
        /// One row of values per code, in [0, 1].
        var images: [[Float]]
    }

    struct OpenModelRequest: Codable, Sendable {
        var root: Int
        var path: String
    }
}

extension ServedDataset {
    var info: API.DatasetInfo {
        API.DatasetInfo(id: id, name: name, kind: kind.rawValue, source: source, count: count, features: features,
                        labelled: labels != nil, imageSide: imageSide, words: words != nil, precomputed: precomputed != nil,
                        model: modelID)
    }
}

extension ServedModel {
    var info: API.ModelInfo {
        API.ModelInfo(id: id, name: name, kind: kind, summary: summary, latentSize: latentSize, dataSize: dataSize,
                      imageSide: imageSide, center: center, principalAxes: principalAxes, principalSpread: principalSpread,
                      dimensionSpread: dimensionSpread,
                      classMeans: Dictionary(uniqueKeysWithValues: classMeans.map { (String($0.key), $0.value) }))
    }
}
