import ArgumentParser
import Foundation
import Latent

/// The `d2v` workload: gensim's Lee tutorial check. doc2vec on a corpus of one document per line
/// (default `lee_background.cor`, vector_size 50, min_count 2, 40 epochs), then every training
/// document re-inferred and ranked among all document vectors by cosine. Prints one JSON line with
/// the same keys as `Benchmarks/peers/doc2vec_gensim.py`, which `doc2vec_compare.py` puts side by side.
struct D2VCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "d2v",
        abstract: "doc2vec with gensim's Lee tutorial settings, then the self-similarity check of the re-inferred documents.")

    @OptionGroup var threads: ThreadsOption
    @Option(help: ArgumentHelp("Text directory holding lee_background.cor.", valueName: "dir"))
    var data = "../shared/data/text"
    @Option(help: ArgumentHelp("Corpus file (default: <data>/lee_background.cor).", valueName: "path")) var corpus: String?
    @Option(help: "1: PV-DM, 0: PV-DBOW (gensim's dm).") var dm = 1
    @Option(help: "PV-DBOW: also train word vectors (gensim's dbow_words).") var dbowWords = 0
    @Option(help: "Vector dimensions.") var dim = 50
    @Option(help: "Context window.") var window = 5
    @Option(help: "Drop words rarer than this.") var minCount = 2
    @Option(help: "Subsampling threshold of frequent words (0: none).") var sample = 1e-3
    @Option(help: "Noise words per example (ignored with --hs).") var negative = 5
    @Flag(help: "Hierarchical softmax instead of negative sampling.") var hs = false
    @Option(help: "Passes over the corpus.") var epochs = 40
    @Option(help: "Seed.") var seed: UInt64 = 1

    func validate() throws {
        try require(dm, in: 0...1, "--dm")
        try require(dbowWords, in: 0...1, "--dbow-words")
        try require(dim, in: 1...10_000, "--dim")
        try require(window, atLeast: 1, "--window")
        try require(minCount, atLeast: 1, "--min-count")
        if !(sample >= 0 && sample.isFinite) { throw ValidationError("--sample must be a number ≥ 0, got \(sample).") }
        if !hs { try require(negative, in: 1...100, "--negative") }
        try require(epochs, atLeast: 1, "--epochs")
    }

    func run() throws {
        var config = Doc2VecConfig()
        config.dm = dm == 1
        config.dbowWords = dbowWords == 1
        config.vectorSize = dim
        config.window = window
        config.minCount = minCount
        config.sample = sample
        config.epochs = epochs
        config.seed = seed
        config.threads = threads.threads
        config.hierarchicalSoftmax = hs
        config.negative = hs ? 0 : negative
        Threads.set(threads.threads)
        let path = corpus ?? data + "/lee_background.cor"
        let cpuBefore = cpuSeconds()
        let model = try Doc2Vec.train(corpus: path, config: config)
        let cpu = cpuSeconds() - cpuBefore
        let r = model.report
        let clock = ContinuousClock()
        let start = clock.now
        let documents = try DocumentFile.read(path, tokenizer: config.tokenizer)
        let ranks = try model.selfRanks(documents)
        let inferSeconds = (clock.now - start).seconds
        let result: [String: Any] = [
            "tool": "latent", "dm": dm, "dbow_words": dbowWords, "hs": hs, "seed": seed, "threads": r.threads,
            "documents": r.documents, "vocab": r.vocabularySize, "epochs": epochs,
            "read_seconds": r.readSeconds, "train_seconds": r.trainingSeconds, "documents_per_second": r.documentsPerSecond,
            "raw_words_per_second": Double(r.corpusWords * r.epochs) / r.trainingSeconds, "cpu_seconds": cpu, "infer_seconds": inferSeconds,
            "self_rank_first": Double(ranks.filter { $0 == 0 }.count) / Double(ranks.count),
            "self_rank_top2": Double(ranks.filter { $0 <= 1 }.count) / Double(ranks.count),
        ]
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
}

extension Duration {
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
