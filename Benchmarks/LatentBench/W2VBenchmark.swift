import Foundation
import Latent
#if canImport(Glibc)
import Glibc
#endif

/// The `w2v` workload of BENCHMARKS.md: word2vec on a corpus file with gensim's settings
/// (negative 5, dim 100, window 5, min_count 5, sample 1e-3, 5 epochs), then Spearman ρ on
/// wordsim353 and analogy accuracy on questions-words (top 30,000 words). Prints one JSON line
/// per run, the same keys as `Benchmarks/peers/w2v_gensim.py`, so `w2v_compare.py` can put them
/// side by side.
///
/// Flags: `--corpus PATH --model sg|cbow --seed N --threads N --epochs N --dim N --hs
/// --analogies PATH --similarity PATH`.
func runW2VBenchmark(arguments: [String]) throws {
    var options: [String: String] = [:]
    var flags = Set<String>()
    var i = 0
    while i < arguments.count {
        let a = arguments[i]
        if a == "--hs" { flags.insert("hs"); i += 1; continue }
        guard a.hasPrefix("--"), i + 1 < arguments.count else { throw W2VBenchmarkError("unexpected argument '\(a)'") }
        options[String(a.dropFirst(2))] = arguments[i + 1]
        i += 2
    }
    let data = options["data"] ?? "../shared/data/text"
    let corpus = options["corpus"] ?? data + "/enwiki-sample.txt"
    var config = Word2VecConfig()
    config.architecture = options["model"] == "cbow" ? .cbow : .skipGram
    config.vectorSize = Int(options["dim"] ?? "100") ?? 100
    config.window = Int(options["window"] ?? "5") ?? 5
    config.minCount = Int(options["min-count"] ?? "5") ?? 5
    config.sample = Double(options["sample"] ?? "1e-3") ?? 1e-3
    config.epochs = Int(options["epochs"] ?? "5") ?? 5
    config.seed = UInt64(options["seed"] ?? "1") ?? 1
    config.threads = Int(options["threads"] ?? "2") ?? 2
    if flags.contains("hs") {
        config.hierarchicalSoftmax = true
        config.negative = 0
    } else {
        config.negative = Int(options["negative"] ?? "5") ?? 5
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
    let similarity = options["similarity"] ?? data + "/wordsim353.tsv"
    if FileManager.default.fileExists(atPath: similarity) {
        let e = try model.vectors.evaluateWordPairs(similarity)
        result["spearman"] = e.spearman
        result["pearson"] = e.pearson
        result["oov_ratio"] = e.oovRatio
    }
    let analogies = options["analogies"] ?? data + "/questions-words.txt"
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

struct W2VBenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
