import Foundation
import LatentIO
import LatentTensor

/// An MNIST-M-style domain made from grey digits, as Ganin & Lempitsky made MNIST-M: each digit
/// is blended over a colour background, `|background − digit|` per channel, so the digit's strokes
/// invert whatever colours lie under them. The backgrounds here are smooth random colour fields
/// (a few seeded low-frequency waves per channel), so the domain needs no photographs: the tour
/// builds one from the shipped digits.
public enum ColourBlendDomain {
    /// The digits of `grey` (one channel) blended over seeded colour fields; 3 channels.
    public static func make(from grey: ImageSet, seed: UInt64) -> ImageSet {
        precondition(grey.channels == 1, "ColourBlendDomain: grey digits expected, got \(grey.channels) channels")
        let (n, h, w) = (grey.labels.count, grey.height, grey.width)
        let plane = h * w
        var rng = RandomGenerator(seed: seed)
        var out = Tensor(uninitializedShape: [n, 3 * plane])
        out.withUnsafeMutableBufferPointer { o in
            grey.images.withUnsafeBufferPointer { x in
                for i in 0..<n {
                    for k in 0..<3 {
                        let base = 0.2 + 0.6 * rng.nextFloat()
                        var waves: [(Float, Float, Float, Float)] = []
                        for _ in 0..<3 {
                            // (amplitude, frequency across, frequency down, phase), frequencies up to 3 cycles per image.
                            waves.append((0.1 + 0.25 * rng.nextFloat(), 3 * rng.nextFloat(), 3 * rng.nextFloat(), 2 * .pi * rng.nextFloat()))
                        }
                        for y in 0..<h {
                            for xx in 0..<w {
                                var v = base
                                for (a, fx, fy, phase) in waves {
                                    v += a * cosf(2 * .pi * (fx * Float(xx) / Float(w) + fy * Float(y) / Float(h)) + phase)
                                }
                                let background = Swift.min(Swift.max(v, 0), 1)
                                o[(i * 3 + k) * plane + y * w + xx] = Swift.abs(background - x[i * plane + y * w + xx])
                            }
                        }
                    }
                }
            }
        }
        return ImageSet(images: out, labels: grey.labels, channels: 3, height: h, width: w)
    }
}
