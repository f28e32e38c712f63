import LatentTensor

/// Loader for MNIST-format datasets (MNIST, Fashion-MNIST, KMNIST): an images and a labels IDX
/// file per split, gzipped or not.
public enum MNIST {
    /// Which half of the dataset to load.
    public enum Split: String, Sendable, CaseIterable {
        /// The training set (`train-*` files).
        case train
        /// The test set (`t10k-*` files).
        case test

        var prefix: String { self == .train ? "train" : "t10k" }
    }

    /// Classes of every MNIST-format dataset; labels are checked against it.
    public static let classCount = 10

    /// Loads one split from `directory`.
    ///
    /// Accepts `<prefix>-images-idx3-ubyte` and the dot variant `<prefix>-images.idx3-ubyte`, each
    /// with or without `.gz` (labels likewise, `idx1`), where the prefix is `train` or `t10k`.
    ///
    /// - Returns: `images` as a `[n, rows × cols]` tensor scaled to [0, 1] and the `n` labels.
    /// - Throws: `LatentIOError` naming the file: not found, not unsigned bytes of the right rank,
    ///   no images, a label outside 0..<10, or image and label counts that disagree.
    public static func load(directory: String, split: Split) throws -> (images: Tensor, labels: [Int]) {
        let imagesPath = try find(directory: directory, prefix: split.prefix, kind: "images", rank: 3)
        let labelsPath = try find(directory: directory, prefix: split.prefix, kind: "labels", rank: 1)

        let images = try IDX.read(path: imagesPath)
        guard images.dataType == .uint8, images.shape.count == 3 else {
            throw LatentIOError.unsupported(imagesPath, "MNIST images must be unsigned bytes of rank 3, found \(images.dataType) of shape \(dimsText(images.shape))")
        }
        let labelsFile = try IDX.read(path: labelsPath)
        guard labelsFile.dataType == .uint8, labelsFile.shape.count == 1 else {
            throw LatentIOError.unsupported(labelsPath, "MNIST labels must be unsigned bytes of rank 1, found \(labelsFile.dataType) of shape \(dimsText(labelsFile.shape))")
        }
        let n = images.shape[0]
        // An empty split would train nothing and report a loss of 0; an image of no pixels cannot
        // be drawn or fed to a model. Both are refused here, naming the file.
        guard n >= 1 else { throw LatentIOError.invalidValue(imagesPath, "holds no images") }
        guard images.shape[1] >= 1 && images.shape[2] >= 1 else {
            throw LatentIOError.invalidValue(imagesPath, "images of \(images.shape[1])×\(images.shape[2]) pixels")
        }
        guard labelsFile.shape[0] == n else {
            throw LatentIOError.shapeMismatch(labelsPath, "\(labelsFile.shape[0]) labels for the \(n) images in \(imagesPath)")
        }
        // Every MNIST-format dataset (MNIST, Fashion-MNIST, KMNIST) has 10 classes; a label outside
        // them is refused here, for every command, not only by training.
        if let bad = labelsFile.bytes.firstIndex(where: { $0 >= classCount }) {
            throw LatentIOError.invalidValue(labelsPath, "label \(labelsFile.bytes[bad]) of image \(bad) is outside 0..<\(classCount)")
        }
        let pixels = images.shape[1] * images.shape[2]
        let tensor = images.tensor(scale: 1 / 255).reshaped([n, pixels])
        return (tensor, labelsFile.bytes.map { Int($0) })
    }

    /// Loads one split as a `Dataset` (inputs `[n, 784]`, labels).
    public static func dataset(directory: String, split: Split) throws -> Dataset {
        let (images, labels) = try load(directory: directory, split: split)
        return Dataset(inputs: images, labels: labels)
    }

    /// The first existing spelling of a split's file.
    static func find(directory: String, prefix: String, kind: String, rank: Int) throws -> String {
        let dir = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let names = ["\(prefix)-\(kind)-idx\(rank)-ubyte", "\(prefix)-\(kind).idx\(rank)-ubyte"]
        for name in names {
            for candidate in ["\(dir)/\(name).gz", "\(dir)/\(name)"] where FileBytes.exists(candidate) {
                return candidate
            }
        }
        throw LatentIOError.fileNotFound("\(dir)/\(names[0])[.gz]")
    }
}
