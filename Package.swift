// swift-tools-version:6.0
import PackageDescription

// Kernels are compiled for AVX2 + FMA (`haswell`): every x86-64 machine Latent targets has them,
// and without the flag Swift emits SSE2-only code (see README, "Architecture").
// `-fno-math-errno` reaches the C shim behind `Float.squareRoot()`: with errno semantics clang
// guards every square root with a branch to libm's `sqrtf`, so a `SIMD8<Float>.squareRoot()`
// became eight scalar roots (Adam's update ran at half speed). Without them it is one `vsqrtps`,
// with the same correctly rounded bits; nothing in Latent reads errno.
let kernelFlags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell", "-Xcc", "-fno-math-errno"])]

let package = Package(
    name: "Latent",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Latent", targets: ["Latent"]),
        .executable(name: "latent", targets: ["latent"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The web server of `latent serve` (LatentServe only; the other modules do not see it).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // `swift package generate-documentation` (DocC); a command plugin, never built by `swift build`.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CLatentBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CLatentZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLatentFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CLatentDNNL", providers: [.apt(["libdnnl-dev"])]),
        // Open MPI, for data-parallel training under `mpirun` (linked always; initialised only
        // when the process was launched by mpirun or asked with --distributed mpi).
        .systemLibrary(name: "CLatentMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        // Cairo draws the charts (PNG, SVG and PDF from one code path) with fontconfig's fonts.
        .systemLibrary(name: "CLatentCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"]), .brew(["cairo"])]),
        .target(name: "LatentTensor", dependencies: ["CLatentBLAS", "CLatentDNNL"], swiftSettings: kernelFlags),
        .target(name: "LatentIO", dependencies: ["LatentTensor", "CLatentZlib"],
                swiftSettings: kernelFlags),
        .target(name: "LatentNN", dependencies: ["LatentTensor", "LatentIO"],
                swiftSettings: kernelFlags),
        .target(name: "LatentModels", dependencies: ["LatentNN", "CLatentBLAS"], swiftSettings: kernelFlags),
        // JPEG decoding through libjpeg-turbo (Debian: libjpeg62-turbo-dev), with an error manager
        // that returns a message instead of calling exit().
        .target(name: "CLatentJPEG", linkerSettings: [.linkedLibrary("jpeg")]),
        .target(name: "LatentPlot", dependencies: ["LatentTensor", "LatentIO", "CLatentZlib", "CLatentJPEG", "CLatentCairo"],
                swiftSettings: kernelFlags),
        // Optimised in debug builds too: its tests (and the CLI tests' demo) run UMAP's SGD and
        // t-SNE on thousands of digits, which unoptimised SIMD code runs ~50× slower.
        .target(name: "LatentManifold", dependencies: ["LatentTensor", "LatentIO", "CLatentBLAS", "CLatentFFTW"],
                swiftSettings: kernelFlags + [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "CLatentText"),
        // Optimised in debug builds too: its tests train real word2vec models, which unoptimised
        // SIMD code runs ~100× slower.
        .target(name: "LatentText", dependencies: ["LatentTensor", "LatentIO", "CLatentBLAS", "CLatentText"],
                swiftSettings: kernelFlags + [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // Workflows shared by the command line, the demo and (later) a server: run folders,
        // metrics files, pictures of models, and one function per experiment.
        .target(name: "LatentExperiments",
                dependencies: ["LatentTensor", "LatentIO", "LatentNN", "LatentModels", "LatentPlot", "LatentManifold", "LatentText"],
                swiftSettings: kernelFlags),
        // `latent serve`: the latent-space explorer in the browser (HTTP API, page, jobs).
        .target(name: "LatentServe",
                dependencies: ["LatentExperiments", "LatentModels", "LatentManifold", "LatentText", "LatentPlot", "LatentIO",
                               "LatentTensor", .product(name: "Hummingbird", package: "hummingbird")],
                // The page, compiled into the binary: `latent serve` needs no files beside it.
                resources: [.embedInCode("Page/page.html"), .embedInCode("Page/explorer.js"), .embedInCode("Page/explorer.css")],
                swiftSettings: kernelFlags),
        // Data-parallel training across processes: the Open MPI communicator.
        .target(name: "LatentDistributed", dependencies: ["LatentNN", "CLatentMPI"]),
        .target(name: "Latent",
                dependencies: ["LatentTensor", "LatentIO", "LatentNN", "LatentModels", "LatentPlot", "LatentManifold", "LatentText",
                               "LatentExperiments", "LatentDistributed"]),
        .executableTarget(name: "latent",
                          dependencies: ["Latent", "LatentServe",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: kernelFlags),
        .executableTarget(name: "LatentBench",
                          dependencies: ["Latent",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Benchmarks/LatentBench", swiftSettings: kernelFlags),
        .testTarget(name: "LatentTensorTests", dependencies: ["LatentTensor"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "LatentNNTests", dependencies: ["LatentNN", "LatentModels", "LatentIO"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "LatentModelsTests", dependencies: ["LatentModels", "LatentNN", "LatentIO"]),
        .testTarget(name: "LatentIOTests", dependencies: ["LatentIO"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LatentPlotTests", dependencies: ["LatentPlot"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LatentManifoldTests", dependencies: ["LatentManifold", "LatentIO"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LatentTextTests", dependencies: ["LatentText", "LatentIO"], resources: [.copy("Fixtures")]),
        // Help/ holds the expected --help texts HelpTests reads by path.
        .testTarget(name: "LatentCLITests", dependencies: ["Latent"], exclude: ["Help"]),
        .testTarget(name: "LatentServeTests",
                    dependencies: ["LatentServe", "Latent", .product(name: "HummingbirdTesting", package: "hummingbird")]),
    ],
    swiftLanguageModes: [.v6]
)
