import LatentIO
import LatentModels

/// Checks that what a user combines fits together (a model and the data, a model and a flag, a
/// model and the classifier that judges its images), each failing with one line that names the
/// file and both sizes, before a layer traps on a wrong width.
public enum ModelFit {
    /// `data`'s rows have the width `decoder` makes (and a codec encodes).
    public static func check(_ data: Dataset, fits decoder: any LatentDecoder, path: String) throws {
        let width = data.inputs.shape.dropFirst().reduce(1, *)
        guard data.inputs.rank == 2, width == decoder.dataSize else {
            throw ExperimentError("\(path): expects \(decoder.dataSize) inputs per image, the data has \(width)")
        }
    }

    /// `expected` (a `--latent` flag, when given) is `decoder`'s code width.
    public static func check(latent expected: Int?, of decoder: any LatentDecoder, path: String) throws {
        if let expected, expected != decoder.latentSize {
            throw ExperimentError("\(path): the model takes \(decoder.latentSize)-dimensional latent codes, --latent says \(expected)")
        }
    }

    /// The classifier in `path`, which must read images of the size `decoder` makes.
    public static func judge(_ path: String, for decoder: any LatentDecoder) throws -> any LabelPredictor {
        let judge = try ModelRegistry.loadClassifier(path)
        guard judge.inputSize == decoder.dataSize else {
            throw ExperimentError("\(path): the classifier expects \(judge.inputSize) inputs, the model makes \(decoder.dataSize)")
        }
        return judge
    }
}
