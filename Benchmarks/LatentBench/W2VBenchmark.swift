import ArgumentParser
import Foundation
import Latent
#if canImport(Glibc)
import Glibc
#endif

extension Word2VecConfig.Architecture: ExpressibleByArgument {}

/// The `w2v` workload of BENCHMARKS.md: word2vec on a corpus file with gensim's settings
/// (negative 5, dim 100, window 5, min_count 5, sample 1e-3, 5 epochs), then Spearman ρ on
/// wordsim353 and analogy accuracy on questions-words (top 30,000 words). Prints one JSON line
/// per run, the same keys as `Benchmarks/peers/w2v_gensim.py`, so `w2v_compare.py` can put them
/// side by side.
///
/// Flags: `--corpus PATH --model sg|cbow --seed N --threads N --epochs N --dim N --hs
/// --analogies PATH --similarity PATH`, and `--data --window --min-count --sample --negative`.
struct W2VCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "w2v",
        abstract: "word2vec with gensim's settings on a corpus file, then wordsim353 and questions-words.")

    @OptionGroup var threads: ThreadsOption
    @Option(help: ArgumentHelp("Text directory: the default corpus and evaluation files.", valueName: "dir"))
    var data = "../shared/data/text"
    @Option(help: ArgumentHelp("Corpus file (default: <data>/enwiki-sample.txt).", valueName: "path")) var corpus: String?
    @Option(help: "Architecture.") var model = Word2VecConfig.Architecture.skipGram
    @Option(help: "Vector dimensions.") var dim = 100
    @Option(help: "Context window.") var window = 5
    @Option(help: "Drop words rarer than this.") var minCount = 5
    @Option(help: "Subsampling threshold of frequent words (0: none).") var sample = 1e-3
    @Option(help: "Noise words per example (ignored with --hs).") var negative = 5
    @Flag(help: "Hierarchical softmax instead of negative sampling.") var hs = false
    @Option(help: "Passes over the corpus.") var epochs = 5
    @Option(help: "Seed.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Word-pair similarities (default: <data>/wordsim353.tsv).", valueName: "path"))
    var similarity: String?
    @Option(help: ArgumentHelp("Analogy questions (default: <data>/questions-words.txt).", valueName: "path"))
    var analogies: String?

    func validate() throws {
        try require(dim, in: 1...10_000, "--dim")
        try require(window, atLeast: 1, "--window")
        try require(minCount, atLeast: 1, "--min-count")
        if !(sample >= 0 && sample.isFinite) { throw ValidationError("--sample must be a number ≥ 0, got \(sample).") }
        if !hs { try require(negative, in: 1...100, "--negative") }
        try require(epochs, atLeast: 1, "--epochs")
    }

    func run() throws { try runW2VBenchmark(self) }
}

func runW2VBenchmark(_ options: W2VCommand) throws {
    let data = options.data
    let corpus = options.corpus ?? data + "/enwiki-sample.txt"
    var config = Word2VecConfig()
    config.architecture = options.model
    config.vectorSize = options.dim
    config.window = options.window
    config.minCount = options.minCount
    config.sample = options.sample
    config.epochs = options.epochs
    config.seed = options.seed
    config.threads = options.threads.threads
    if options.hs {
        config.hierarchicalSoftmax = true
        config.negative = 0
    } else {
        config.negative = options.negative
    }
    Threads.set(config.threads ?? 2)
    let cpuBefore = cpuSeconds()
    let model = try Word2Vec.train(corpus: corpus, config: config)
    let cpu = cpuSeconds() - cpuBefore
    let trainingRSS = peakRSSMegabytes()
    let r = model.report
    var result: [String: Any] = [
        "tool": "latent", "model": config.architecture.rawValue, "hs": config.hierarchicalSoftmax, "seed": config.seed,
        "threads": r.threads, "vocab": r.vocabularySize, "raw_words": r.processedWords,
        "effective_words": r.effectiveWords, "vocab_seconds": r.vocabularySeconds,
        "train_seconds": r.trainingSeconds, "words_per_second": r.wordsPerSecond,
        // CPU seconds of vocabulary scan + training: on a shared machine, the figure least
        // disturbed by other processes.
        "cpu_seconds": cpu,
        "train_peak_rss_mb": trainingRSS,
    ]
    let similarity = options.similarity ?? data + "/wordsim353.tsv"
    if FileManager.default.fileExists(atPath: similarity) {
        let e = try model.vectors.evaluateWordPairs(similarity)
        result["spearman"] = e.spearman
        result["pearson"] = e.pearson
        result["oov_ratio"] = e.oovRatio
    }
    let analogies = options.analogies ?? data + "/questions-words.txt"
    if FileManager.default.fileExists(atPath: analogies) {
        let e = try model.vectors.evaluateAnalogies(analogies, restrictVocab: 30_000)
        result["analogy_accuracy"] = e.accuracy
        result["analogy_questions"] = e.total
    }
    result["peak_rss_mb"] = peakRSSMegabytes()
    let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
}

/// The process's peak resident set so far, in MB.
func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}
