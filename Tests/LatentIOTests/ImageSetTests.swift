import Foundation
import LatentTensor
import Testing
@testable import LatentIO

/// Image folders in MNIST's layout: grey IDX3, colour IDX4 (MNIST-M), channels-first rows.
@Suite struct ImageSetTests {
    @Test func colourImagesBecomeChannelsFirstPlanes() throws {
        let dir = try ScratchDirectory()
        // Two 1×2 images with 3 channels, interleaved as the file stores them: pixel (r, g, b).
        let bytes: [UInt8] = [10, 20, 30, 40, 50, 60, /* image 2 */ 0, 255, 0, 255, 0, 255]
        _ = try dir.write(IDXTests.idx(type: 0x08, dims: [2, 1, 2, 3], data: bytes), "t10k-images-idx4-ubyte")
        _ = try dir.write(Gzip.compress(IDXTests.idx(type: 0x08, dims: [2], data: [3, 7])), "t10k-labels-idx1-ubyte.gz")
        let set = try ImageSet.load(directory: dir.path, split: .test)
        #expect((set.channels, set.height, set.width) == (3, 1, 2))
        #expect(set.labels == [3, 7])
        let expected: [Float] = [10, 40, 20, 50, 30, 60, 0, 255, 255, 0, 0, 255].map { $0 / 255 }
        for (a, b) in zip(set.images.scalars, expected) { #expect(Swift.abs(a - b) < 1e-6) }
    }

    @Test func greyImagesWidenToThreeChannels() throws {
        let dir = try ScratchDirectory()
        _ = try dir.write(IDXTests.idx(type: 0x08, dims: [1, 2, 2], data: [0, 51, 102, 255]), "train-images-idx3-ubyte")
        _ = try dir.write(IDXTests.idx(type: 0x08, dims: [1], data: [4]), "train-labels-idx1-ubyte")
        let grey = try ImageSet.load(directory: dir.path, split: .train)
        #expect((grey.channels, grey.height, grey.width) == (1, 2, 2))
        let colour = try grey.withChannels(3)
        #expect(colour.images.shape == [1, 12])
        #expect(colour.images.scalars == grey.images.scalars + grey.images.scalars + grey.images.scalars)
        #expect(throws: LatentIOError.self) { try colour.withChannels(1) }
    }

    @Test func labelsThatDoNotMatchTheImagesNameTheFile() throws {
        let dir = try ScratchDirectory()
        _ = try dir.write(IDXTests.idx(type: 0x08, dims: [2, 1, 1, 3], data: [UInt8](repeating: 1, count: 6)), "t10k-images-idx4-ubyte")
        _ = try dir.write(IDXTests.idx(type: 0x08, dims: [3], data: [1, 2, 3]), "t10k-labels-idx1-ubyte")
        let error = expectIOError { _ = try ImageSet.load(directory: dir.path, split: .test) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("t10k-labels-idx1-ubyte"))
        // Five channels is not an image.
        _ = try dir.write(IDXTests.idx(type: 0x08, dims: [3, 1, 1, 5], data: [UInt8](repeating: 1, count: 15)), "t10k-images-idx4-ubyte")
        _ = expectIOError { _ = try ImageSet.load(directory: dir.path, split: .test) }
    }
}
