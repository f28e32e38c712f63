import Foundation
import LatentIO
import LatentModels
import LatentPlot
import LatentTensor

/// Progress pictures of a GAN run: `samples/epoch-NNN.png`, a grid of the fixed-noise samples
/// after an epoch, and `progression.png`, one row per recorded epoch. Each recorded row is also
/// kept as `samples/epoch-NNN.npy`, so a resumed run rebuilds the whole progression.
public struct GANPictures {
    /// The run folder.
    public let folder: RunFolder
    /// Samples per progression row.
    public let rowLength = 16

    /// Pictures in `folder` (its `samples` subfolder is made now).
    public init(folder: RunFolder) throws {
        self.folder = folder
        _ = try folder.subfolder("samples")
    }

    /// Records the samples of `run`'s generator from its fixed noise after `epoch` (0: at
    /// initialisation) and redraws the progression.
    public func record(epoch: Int, run: GANTraining.Run) throws {
        let images = GAN.toImages(try run.gan.generator.generate(run.step.fixedNoise))
        let name = String(format: "epoch-%03d", epoch)
        let columns = Int(Double(images.shape[0]).squareRoot().rounded(.up))
        let title = epoch == 0 ? "Generator samples at initialisation" : "Generator samples after epoch \(epoch)"
        try AtomicFile.write(ImageGrid(columns: columns, padding: 2, scale: 2, title: title).png(images),
                             to: folder.file("samples/\(name).png"))
        let row = images.rows(0..<min(rowLength, images.shape[0]))
        try NPY.write(row, to: folder.file("samples/\(name).npy"))
        // Rebuild from every row saved so far: the epochs before a resume are on disk only.
        var rows: [Tensor] = [], labels: [String] = []
        for e in 0...epoch {
            let path = folder.file(String(format: "samples/epoch-%03d.npy", e))
            guard FileManager.default.fileExists(atPath: path) else { continue }
            rows.append(try NPY.read(path: path).tensor)
            labels.append(e == 0 ? "init" : "\(e)")
        }
        let grid = ImageGrid(columns: row.shape[0], padding: 2, scale: 2, rowLabels: labels,
                             title: "The same noise through the generator, epoch by epoch")
        try AtomicFile.write(grid.png(Tensor.concat(rows, axis: 0)), to: folder.file("progression.png"))
    }
}
