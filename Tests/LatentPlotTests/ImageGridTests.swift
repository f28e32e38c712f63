import LatentTensor
import Testing
@testable import LatentPlot

@Suite("ImageGrid")
struct ImageGridTests {
    @Test func sizeOfMNISTGrid() throws {
        let images = Tensor(shape: [10, 784], repeating: 0.5)
        let c = ImageGrid(columns: 5, padding: 2).canvas(images)
        #expect(c.width == 5 * 28 + 6 * 2 && c.height == 2 * 28 + 3 * 2)  // 152 × 62
        let png = try PNG.decode(ImageGrid(columns: 5, padding: 2, scale: 2).png(images))
        #expect(png.width == 5 * 56 + 12 && png.height == 2 * 56 + 6)
        // Seven images in a 3-column grid need three rows.
        let s = ImageGrid(columns: 3, padding: 1).size(count: 7, imageHeight: 4, imageWidth: 4)
        #expect(s.width == 3 * 4 + 4 && s.height == 3 * 4 + 4)
    }

    @Test func pixelValuesAndPlacement() {
        // Two 2×2 images: image i has value (i + 1)/4 at its top-left pixel; values out of range clamp.
        let t = Tensor(shape: [2, 4], scalars: [0.25, 0, 0, 1.7, 0.5, 0, 0, -3])
        let c = ImageGrid(columns: 2, padding: 1, scale: 2, background: Color(hex: 0xFF0000)).canvas(t)
        #expect(c.width == 2 * 4 + 3 && c.height == 4 + 2)
        #expect(c[0, 0] == Color(hex: 0xFF0000))                    // padding
        #expect(c[1, 1] == Color(gray: 0.25) && c[2, 2] == Color(gray: 0.25))  // upscaled 2×2 block
        #expect(c[3, 3] == .white && c[4, 4] == .white)             // 1.7 clamps to 1
        #expect(c[5, 1] == Color(hex: 0xFF0000))                    // padding between images
        #expect(c[6, 1] == Color(gray: 0.5))                        // second image
        #expect(c[9, 4] == .black)                                  // -3 clamps to 0
    }

    @Test func channelsFirstColour() {
        // One 1×2 RGB image: a red pixel and a blue one.
        let t = Tensor(shape: [1, 3, 1, 2], scalars: [1, 0, 0, 0, 0, 1])
        let c = ImageGrid(columns: 1, padding: 0).canvas(t)
        #expect(c[0, 0] == Color(hex: 0xFF0000) && c[1, 0] == Color(hex: 0x0000FF))
    }

    @Test func rowLabelsWidenTheGrid() {
        let t = Tensor(shape: [4, 16], repeating: 1)
        let plain = ImageGrid(columns: 2, padding: 2).canvas(t)
        let labelled = ImageGrid(columns: 2, padding: 2, rowLabels: ["real", "fake"]).canvas(t)
        #expect(labelled.height == plain.height && labelled.width > plain.width)
        let extra = labelled.width - plain.width
        #expect(inked(labelled).contains { $0.x < extra - 2 })  // label ink left of the images
    }

    @Test func comparisonPutsOriginalsAboveReconstructions() {
        let top = Tensor(shape: [3, 4], repeating: 1)
        let bottom = Tensor(shape: [3, 4], repeating: 0)
        let c = ImageGrid.comparison(top: top, bottom: bottom, padding: 1, scale: 1, labels: nil)
        #expect(c.width == 3 * 2 + 4 && c.height == 2 * 2 + 3)
        #expect(c[1, 1] == .white && c[1, 4] == .black && c[7, 4] == .black)
        // Wrapped into rows of two: pairs of rows, blank slot where the third image is missing.
        let w = ImageGrid.comparison(top: top, bottom: bottom, columns: 2, padding: 1, scale: 1, labels: nil)
        #expect(w.width == 2 * 2 + 3 && w.height == 4 * 2 + 5)
        #expect(w[4, 10] == .white && w[4, 13 - 3] == .white)  // empty slot in the last bottom row
        #expect(w[1, 10] == .black)
    }

    @Test func filtersAreNormalisedPerRow() {
        let w = Tensor(shape: [2, 4], scalars: [-2, 0, 2, 1, 100, 100, 100, 100])
        let c = ImageGrid.filters(w, columns: 2, padding: 0, scale: 1)
        #expect(c[0, 0] == .black && c[0, 1] == .white && c[1, 0] == Color(gray: 0.5))
        #expect(c[2, 0] == Color(gray: 0.5))  // constant filter → mid-gray
    }
}
