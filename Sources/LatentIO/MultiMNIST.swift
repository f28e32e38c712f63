import LatentTensor

/// MultiMNIST (Sabour et al. 2017, as Sener & Koltun 2018 use it for multi-task learning): two
/// digits of different classes overlaid on one canvas, the left one shifted up and left, the
/// right one down and right, so that reading each digit is its own task.
///
/// Each 28×28 digit goes onto a `canvas`×`canvas` image (36 by default): the left digit at the
/// top-left corner, the right digit at the bottom-right corner (with 36, each is shifted 4 pixels
/// from the centre along both axes), and the two are merged by the larger value per pixel. Every
/// image of the split is the left digit once; its partner is drawn with a seeded generator among
/// the images of another class, so the same images and seed give the same pairs.
public enum MultiMNIST {
    /// The overlaid images `[n, canvas²]` and the classes of the left and right digits.
    public struct Pairs: Sendable {
        public let images: Tensor
        public let left: [Int]
        public let right: [Int]
        public let side: Int
    }

    /// Canvas sides accepted: at least the digit's side, at most twice it (beyond that the
    /// digits no longer overlap at all).
    public static let canvasSides = 28...56

    /// The pairs made from `digits` (flat 28×28 images `[n, 784]` with labels in 0...9).
    public static func make(from digits: Dataset, canvas: Int = 36, seed: UInt64) throws -> Pairs {
        let side = 28, pixels = side * side
        guard canvasSides.contains(canvas) else {
            throw LatentIOError.invalidValue("MultiMNIST", "the canvas must be \(canvasSides.lowerBound) to \(canvasSides.upperBound) pixels wide, got \(canvas)")
        }
        guard digits.inputs.rank == 2, digits.inputs.shape[1] == pixels, let labels = digits.labels else {
            throw LatentIOError.invalidValue("MultiMNIST", "needs labelled 28×28 digits, got images of shape \(digits.inputs.shape)")
        }
        let n = digits.count
        guard Set(labels).count >= 2 else {
            throw LatentIOError.invalidValue("MultiMNIST", "needs digits of at least two classes to pair, got \(n) images of \(Set(labels).count)")
        }
        var rng = RandomGenerator(seed: seed ^ 0x3417_1)
        var partners = [Int](repeating: 0, count: n)
        for i in 0..<n {
            // A random start, then the next image of another class: always ends, since two
            // classes exist.
            var j = rng.nextInt(below: n)
            while labels[j] == labels[i] { j = (j + 1) % n }
            partners[i] = j
        }
        let offset = canvas - side
        var out = [Float](repeating: 0, count: n * canvas * canvas)
        digits.inputs.withUnsafeBufferPointer { source in
            for i in 0..<n {
                let base = i * canvas * canvas
                for (image, shift) in [(i, 0), (partners[i], offset)] {
                    for r in 0..<side {
                        for c in 0..<side {
                            let at = base + (r + shift) * canvas + c + shift
                            out[at] = Swift.max(out[at], source[image * pixels + r * side + c])
                        }
                    }
                }
            }
        }
        return Pairs(images: Tensor(shape: [n, canvas * canvas], scalars: out), left: labels,
                     right: partners.map { labels[$0] }, side: canvas)
    }
}
