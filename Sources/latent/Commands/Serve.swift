import ArgumentParser
import Foundation
import Latent
import LatentServe

/// `latent serve PATH…`: the latent-space explorer in the browser.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explore models, codes, word vectors and runs in the browser (projector, generator pad, live charts).",
        discussion: """
            PATH is a run folder (searched three levels deep), a model file, word vectors \
            (vectors.bin/.txt) or an .npy matrix (labels from labels.npy or NAME.labels.npy beside \
            it; an [n, 2] matrix or embedding.npy is a projection shown as it is). Models that encode \
            MNIST are shown by their codes of the shipped 10,000 test digits, or of all 70,000 with \
            --data. Only files under the PATHs are served. Listens on 127.0.0.1 unless --host says \
            otherwise; stop with Ctrl-C. See docs/serve.md.
            """)

    @Argument(help: ArgumentHelp("Run folders, model files, word vectors or .npy matrices.", valueName: "path"))
    var paths: [String]

    @Option(help: "Address to listen on; anything but 127.0.0.1/::1 exposes the explorer to the network.")
    var host = "127.0.0.1"

    @Option(help: "Port (0: any free port).")
    var port = 8080

    @Option(help: ArgumentHelp("MNIST directory whose test and train images models encode (default: the shipped test set).",
                               valueName: "dir"))
    var data: String?

    @Option(help: "Encode at most this many images.")
    var limit: Int?

    @Option(help: "Projections that may run at once (each uses every thread).")
    var jobs = 1

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one path to serve.") }
        if !(0...65535).contains(port) { throw ValidationError("--port must be in 0...65535, got \(port).") }
        if let l = limit, l < 1 { throw ValidationError("--limit must be positive, got \(l).") }
        if !(1...8).contains(jobs) { throw ValidationError("--jobs must be in 1...8, got \(jobs).") }
    }

    func run() throws {
        compute.apply()
        let options = Catalog.Options(data: data, limit: limit, seed: compute.seed)
        let catalog = try Catalog.load(paths, options: options) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        let explorer = Explorer(catalog: catalog, roots: try ServedRoots(paths), seed: compute.seed, maxJobs: jobs)
        let server = ExplorerServer(explorer: explorer, host: host, port: port)
        let exposed = !["127.0.0.1", "::1", "localhost"].contains(host)
        try runBlocking {
            try await server.run { url in
                if exposed { FileHandle.standardError.write(Data("serve: listening on \(url) — reachable from the network\n".utf8)) }
                // Written at once (not through print's buffer): scripts wait for this line.
                FileHandle.standardOutput.write(Data("Latent explorer: \(url)\n".utf8))
            }
        }
    }
}
