import LatentIO
import LatentModels
import LatentTensor

/// Latent codes a user supplies as an `.npy` file `[n, D]`, checked before any reaches a decoder
/// (which would trap on a wrong width, and turn NaN into images of nothing).
public enum CodesFile {
    /// The codes in `path` for `decoder` (the model read from `modelPath`).
    public static func read(_ path: String, for decoder: any LatentDecoder, modelPath: String) throws -> Tensor {
        let codes = try NPY.read(path: path).tensor
        guard codes.rank == 2, codes.shape[0] > 0, codes.shape[1] == decoder.latentSize else {
            throw ExperimentError("\(path): codes of shape \(codes.shape), the model in \(modelPath) takes [n, \(decoder.latentSize)]")
        }
        guard codes.scalars.allSatisfy(\.isFinite) else { throw ExperimentError("\(path): codes contain NaN or infinity") }
        return codes
    }
}
