import Foundation
import LatentIO
import LatentTensor
import Testing
@testable import LatentPlot

/// Reading PNG and JPEG into RGB planes, resizing, writing.
@Suite struct ColorImageTests {
    static func fixture(_ name: String) throws -> String {
        try #require(Bundle.module.path(forResource: name, ofType: nil, inDirectory: "Fixtures"))
    }

    /// The fixtures' 32×24 picture: 8×8 blocks of these colours, four to a row.
    static let blockColours: [[Float]] = [
        [255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255],
        [0, 0, 0], [255, 255, 0], [0, 255, 255], [255, 0, 255],
        [128, 128, 128], [200, 100, 50], [50, 100, 200], [20, 180, 90],
    ]

    func expectBlocks(_ image: ColorImage, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(image.width == 32 && image.height == 24, sourceLocation: sourceLocation)
        for (i, colour) in Self.blockColours.enumerated() {
            let (x, y) = ((i % 4) * 8 + 4, (i / 4) * 8 + 4)
            for c in 0..<3 {
                // Quality 100 without chroma subsampling: within a few levels of the original.
                let got = image.pixels[c, y, x] * 255
                #expect(Swift.abs(got - colour[c]) <= 4, "block \(i) channel \(c): \(got) vs \(colour[c])",
                        sourceLocation: sourceLocation)
            }
        }
    }

    @Test func decodesABaselineAndAProgressiveJPEG() throws {
        expectBlocks(try ColorImage.read(try Self.fixture("blocks.jpg")))
        expectBlocks(try ColorImage.read(try Self.fixture("blocks-progressive.jpg")))
    }

    @Test func expandsAGreyJPEGToThreeEqualChannels() throws {
        let image = try ColorImage.read(try Self.fixture("grey.jpg"))
        #expect(image.width == 16 && image.height == 16)
        for c in 0..<3 {
            #expect(Swift.abs(image.pixels[c, 8, 2] * 255 - 64) <= 3)
            #expect(Swift.abs(image.pixels[c, 8, 13] * 255 - 192) <= 3)
        }
        #expect(image.pixels[0, 3, 3] == image.pixels[1, 3, 3] && image.pixels[1, 3, 3] == image.pixels[2, 3, 3])
    }

    @Test func refusesATruncatedOrCorruptJPEGWithItsName() throws {
        // libjpeg would pad a truncated file with grey and only warn; we refuse it.
        for name in ["blocks-truncated.jpg", "blocks-corrupt.jpg"] {
            let path = try Self.fixture(name)
            do {
                _ = try ColorImage.read(path)
                Issue.record("\(name) decoded")
            } catch let error as LatentIOError {
                #expect(error.path == path)
                #expect(error.description.contains("JPEG"), "\(error)")
                #expect(!error.description.contains("\n"))
            }
        }
    }

    @Test func refusesFilesThatAreNotImages() throws {
        let bytes = Array("hello, not a picture".utf8)
        #expect(throws: LatentIOError.corrupt("x.png", "not a PNG or JPEG image (unknown signature)")) {
            try ColorImage.decode(bytes, path: "x.png")
        }
        #expect(throws: LatentIOError.self) { try ColorImage.decode([], path: "empty.jpg") }
        #expect(throws: LatentIOError.fileNotFound("/nonexistent/picture.png")) { try ColorImage.read("/nonexistent/picture.png") }
    }

    @Test func refusesAbsurdSizesBeforeDecoding() throws {
        // A PNG header announcing 100000 × 100000 pixels, followed by nothing.
        var png = PNG.encode(width: 1, height: 1, colorType: .rgb, pixels: [1, 2, 3])
        png.replaceSubrange(16..<24, with: [0x00, 0x01, 0x86, 0xA0, 0x00, 0x01, 0x86, 0xA0])
        #expect(throws: LatentIOError.self) { try ColorImage.decode(Array(png.prefix(33)), path: "huge.png") }
        do {
            _ = try ColorImage.decode(png, path: "huge.png")
            Issue.record("decoded an absurd PNG")
        } catch let error as LatentIOError {
            guard case .tooLarge = error else { Issue.record("expected tooLarge, got \(error)"); return }
        }
        // The same for a JPEG: the start-of-frame's height and width bytes set to 65500.
        var jpeg = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try Self.fixture("blocks.jpg"))))
        let sof = try #require((0..<(jpeg.count - 1)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg.replaceSubrange((sof + 5)..<(sof + 9), with: [0xFF, 0xDC, 0xFF, 0xDC])
        do {
            _ = try ColorImage.decode(jpeg, path: "huge.jpg")
            Issue.record("decoded an absurd JPEG")
        } catch let error as LatentIOError {
            guard case .tooLarge = error else { Issue.record("expected tooLarge, got \(error)"); return }
        }
    }

    @Test func readsEveryPNGColourTypeAsRGB() throws {
        // One pixel (10, 20, 30) in each layout; grey layouts carry 10; alpha is dropped.
        let cases: [(PNGColorType, [UInt8], [Float])] = [
            (.rgb, [10, 20, 30], [10, 20, 30]), (.rgba, [10, 20, 30, 0], [10, 20, 30]),
            (.grayscale, [10], [10, 10, 10]), (.grayscaleAlpha, [10, 99], [10, 10, 10]),
        ]
        for (type, samples, expected) in cases {
            let png = PNG.encode(width: 2, height: 1, colorType: type, pixels: samples + samples)
            let image = try ColorImage.decode(png, path: "t.png")
            #expect(image.pixels.shape == [3, 1, 2])
            #expect((0..<3).map { image.pixels[$0, 0, 1] * 255 } == expected, "\(type)")
        }
        // A truncated PNG names the file.
        let png = PNG.encode(width: 4, height: 4, colorType: .rgb, pixels: [UInt8](repeating: 7, count: 48))
        #expect(throws: LatentIOError.self) { try ColorImage.decode(Array(png.prefix(png.count - 20)), path: "cut.png") }
    }

    @Test func writesAndReadsBackAnRGBPNG() throws {
        var rng = RandomGenerator(seed: 4)
        let original = ColorImage(pixels: Tensor.uniform([3, 5, 7], low: 0, high: 1, using: &rng))
        let decoded = ColorImage(png: try PNG.decode(PNG.encode(original.pngImage)))
        #expect(decoded.pngImage.colorType == .rgb)
        let worst = zip(decoded.pixels.scalars, original.pixels.scalars).map { Swift.abs($0 - $1) }.max() ?? 1
        #expect(worst <= 0.5 / 255 + 1e-6)
    }

    @Test func shrinkingAveragesTheCoveredPixels() {
        // 4×2 → 2×1: each output pixel is the mean of a 2×2 block.
        let values: [Float] = [0, 1, 2, 3,
                               4, 5, 6, 7]
        let image = ColorImage(pixels: Tensor(shape: [3, 2, 4], scalars: values + values + values))
        let small = image.resized(width: 2, height: 1)
        #expect(small.pixels.shape == [3, 1, 2])
        #expect(small.pixels.scalars.prefix(2).map { $0 } == [2.5, 4.5])
        // A non-integer factor (3 → 2) weights the shared middle pixel by half.
        let row = ColorImage(pixels: Tensor(shape: [3, 1, 3], scalars: [0, 3, 6, 0, 3, 6, 0, 3, 6]))
        let two = row.resized(width: 2, height: 1).pixels.scalars
        #expect(Swift.abs(two[0] - 1) < 1e-5 && Swift.abs(two[1] - 5) < 1e-5)
    }

    @Test func enlargingInterpolatesLinearly() {
        let row = ColorImage(pixels: Tensor(shape: [3, 1, 2], scalars: [0, 1, 0, 1, 0, 1]))
        let wide = row.resized(width: 4, height: 1).pixels.scalars.prefix(4).map { $0 }
        // Centres of the 4 outputs at input positions −0.25, 0.25, 0.75, 1.25 (edges clamp).
        #expect(wide == [0, 0.25, 0.75, 1])
    }

    @Test func resizingToTheLongestSideKeepsTheAspectRatio() {
        let image = ColorImage(pixels: Tensor(shape: [3, 300, 451]))
        let resized = image.resized(longestSide: 128)
        #expect(resized.width == 128 && resized.height == 85)
        let tall = ColorImage(pixels: Tensor(shape: [3, 40, 10])).resized(longestSide: 20)
        #expect(tall.width == 5 && tall.height == 20)
    }
}
