import LatentTensor

/// Labelled images from an MNIST-style directory whose image files are grey (`n × h × w`, IDX3)
/// or colour (`n × h × w × c`, IDX4, as MNIST-M is distributed): one split, as flat
/// channels-first rows `[n, c·h·w]` with values in [0, 1].
public struct ImageSet: Sendable {
    public let images: Tensor
    public let labels: [Int]
    public let channels: Int
    public let height: Int
    public let width: Int

    /// Values per image.
    public var pixels: Int { channels * height * width }

    /// The images and labels of `split` in `directory` (files named as MNIST's, `idx3` or `idx4`,
    /// gzipped or not). Errors name the file.
    public static func load(directory: String, split: MNIST.Split) throws -> ImageSet {
        let path = (try? MNIST.find(directory: directory, prefix: split.prefix, kind: "images", rank: 4))
        let imagesPath = try path ?? MNIST.find(directory: directory, prefix: split.prefix, kind: "images", rank: 3)
        let labelsPath = try MNIST.find(directory: directory, prefix: split.prefix, kind: "labels", rank: 1)
        let array = try IDX.read(path: imagesPath)
        let shape = array.shape
        guard array.dataType == .uint8, shape.count == 3 || (shape.count == 4 && (1...4).contains(shape[3])) else {
            throw LatentIOError.unsupported(imagesPath, "images must be unsigned bytes of shape n × h × w or n × h × w × c (1 to 4 channels), found \(array.dataType) of shape \(dimsText(shape))")
        }
        let labelsFile = try IDX.read(path: labelsPath)
        guard labelsFile.dataType == .uint8, labelsFile.shape.count == 1 else {
            throw LatentIOError.unsupported(labelsPath, "labels must be unsigned bytes of rank 1, found \(labelsFile.dataType) of shape \(dimsText(labelsFile.shape))")
        }
        let (n, h, w) = (shape[0], shape[1], shape[2])
        let c = shape.count == 4 ? shape[3] : 1
        guard labelsFile.shape[0] == n else {
            throw LatentIOError.shapeMismatch(labelsPath, "\(labelsFile.shape[0]) labels for the \(n) images in \(imagesPath)")
        }
        // Interleaved h × w × c bytes → channels-first planes.
        var images = Tensor(uninitializedShape: [n, c * h * w])
        images.withUnsafeMutableBufferPointer { out in
            array.bytes.withUnsafeBufferPointer { bytes in
                let plane = h * w
                for i in 0..<n {
                    for p in 0..<plane {
                        for k in 0..<c { out[i * c * plane + k * plane + p] = Float(bytes[(i * plane + p) * c + k]) / 255 }
                    }
                }
            }
        }
        return ImageSet(images: images, labels: labelsFile.bytes.map { Int($0) }, channels: c, height: h, width: w)
    }

    public init(images: Tensor, labels: [Int], channels: Int, height: Int, width: Int) {
        self.images = images
        self.labels = labels
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// The same images with `count` channels: grey replicated (a network for colour input reads
    /// grey digits this way), or an image that already has them.
    public func withChannels(_ count: Int) throws -> ImageSet {
        if count == channels { return self }
        guard channels == 1 else {
            throw LatentIOError.shapeMismatch("images", "cannot turn \(channels)-channel images into \(count) channels")
        }
        let n = images.shape[0], plane = height * width
        var out = Tensor(uninitializedShape: [n, count * plane])
        out.withUnsafeMutableBufferPointer { o in
            images.withUnsafeBufferPointer { x in
                for i in 0..<n {
                    for k in 0..<count {
                        for p in 0..<plane { o[(i * count + k) * plane + p] = x[i * plane + p] }
                    }
                }
            }
        }
        return ImageSet(images: out, labels: labels, channels: count, height: height, width: width)
    }

    /// The first `n` images (all when `n` is nil or larger).
    public func prefix(_ n: Int?) -> ImageSet {
        guard let n, n < labels.count else { return self }
        return ImageSet(images: images.rows(0..<n), labels: Array(labels[0..<n]), channels: channels, height: height, width: width)
    }

    /// Writes the images (rounded to bytes) and labels into `directory` as `split`'s files, in
    /// MNIST's layout: IDX3 for grey images, IDX4 (`n × h × w × c`, interleaved) for colour.
    public func write(directory: String, split: MNIST.Split) throws {
        let n = labels.count, plane = height * width
        var bytes = [UInt8](repeating: 0, count: n * channels * plane)
        images.withUnsafeBufferPointer { x in
            for i in 0..<n {
                for p in 0..<plane {
                    for k in 0..<channels {
                        let v = x[i * channels * plane + k * plane + p]
                        bytes[(i * plane + p) * channels + k] = UInt8((Swift.min(Swift.max(v, 0), 1) * 255).rounded())
                    }
                }
            }
        }
        let shape = channels == 1 ? [n, height, width] : [n, height, width, channels]
        try IDX.write(bytes: bytes, shape: shape, to: "\(directory)/\(split.prefix)-images-idx\(shape.count)-ubyte")
        try IDX.write(bytes: labels.map { UInt8(clamping: $0) }, shape: [n], to: "\(directory)/\(split.prefix)-labels-idx1-ubyte")
    }

    /// As a labelled dataset.
    public var dataset: Dataset { Dataset(inputs: images, labels: labels) }
}
