import ArgumentParser
import Foundation
import Latent

/// `latent docs …`: document vectors (doc2vec) and the queries people run on them.
struct Docs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train document vectors (doc2vec: PV-DM, PV-DBOW) and query them: infer vectors for new text, find similar documents.",
        discussion: "Flags are named after gensim's Doc2Vec parameters and default to its values. Document vectors are written in the word2vec formats gensim reads and as .npy.",
        subcommands: [DocsTrain.self, DocsInfer.self, DocsSimilar.self])
}

extension DocumentTags: ExpressibleByArgument {}

/// A 0/1 flag value as gensim spells its switches (`--dm 0`).
private func bit(_ value: Int, _ name: String) throws -> Bool {
    guard value == 0 || value == 1 else { throw ValidationError("\(name) must be 0 or 1, got \(value).") }
    return value == 1
}

/// Checks the learning-rate overrides shared by `train` and `infer`.
private func checkRates(alpha: Float?, minAlpha: Float?) throws {
    if let a = alpha, !(a > 0 && a.isFinite) { throw ValidationError("--alpha must be a positive number, got \(a).") }
    if let m = minAlpha, !(m >= 0 && m.isFinite) { throw ValidationError("--min-alpha must be a number ≥ 0, got \(m).") }
    if let a = alpha, let m = minAlpha, m > a { throw ValidationError("--min-alpha (\(m)) must not exceed --alpha (\(a)).") }
}

/// `latent docs train CORPUS`: doc2vec on a text file of one document per line.
struct DocsTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train doc2vec on a text file; writes model.safetensors, documents.bin/.txt/.npy, words.bin and metrics.json.",
        discussion: """
            One document per line, tagged by its line index (from 0, as gensim's TaggedLineDocument), \
            or 'tag<TAB>text' when the first line holds a tab (see --tags). Lines are lowercased, \
            punctuation stripped. After training, the first --self-check documents are re-inferred \
            and ranked among all documents (gensim's tutorial check).
            """)

    @Argument(help: ArgumentHelp("Text file of documents, one per line.", valueName: "corpus"))
    var corpus: String

    @Option(help: "auto, tab (every line is tag<TAB>text) or index (the line index).")
    var tags: DocumentTags = .auto

    @Option(help: "1: PV-DM (distributed memory), 0: PV-DBOW (distributed bag of words).")
    var dm: Int = 1

    @Option(help: "PV-DM: 1 averages the context vectors, 0 sums them.")
    var dmMean: Int = 1

    @Option(help: "PV-DM: 1 concatenates the context vectors (a larger, slower model).")
    var dmConcat: Int = 0

    @Option(help: "PV-DBOW: 1 also trains word vectors (skip-gram).")
    var dbowWords: Int = 0

    @Option(help: "Vector dimensions.")
    var vectorSize: Int = 100

    @Option(help: "Context window.")
    var window: Int = 5

    @Option(help: "Ignore words rarer than this.")
    var minCount: Int = 5

    @Option(help: "Keep only this many of the most frequent words.")
    var maxVocab: Int?

    @Option(help: "Frequent-word subsampling threshold (0 turns it off).")
    var sample: Double = 1e-3

    @Option(help: "Noise words per example for negative sampling.")
    var negative: Int = 5

    @Option(help: "1: hierarchical softmax instead of negative sampling.")
    var hs: Int = 0

    @Option(help: "Initial learning rate.")
    var alpha: Float = 0.025

    @Option(help: "Final learning rate.")
    var minAlpha: Float = 0.0001

    @Option(help: "Passes over the corpus.")
    var epochs: Int = 10

    @Flag(help: "Drop common English stop words while tokenizing.")
    var stopWords = false

    @Option(help: "Re-infer this many training documents afterwards and report how many find themselves (0: skip).")
    var selfCheck: Int = 1000

    @OptionGroup var compute: ComputeOptions

    @Option(help: ArgumentHelp("Output folder (default: runs/docs-<time>).", valueName: "dir"))
    var out: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        for (name, value) in [("--dm", dm), ("--dm-mean", dmMean), ("--dm-concat", dmConcat), ("--dbow-words", dbowWords), ("--hs", hs)] {
            _ = try bit(value, name)
        }
        if vectorSize < 1 || vectorSize > 10_000 { throw ValidationError("--vector-size must be in 1...10000, got \(vectorSize).") }
        for (name, value) in [("--window", window), ("--min-count", minCount), ("--epochs", epochs)] where value < 1 {
            throw ValidationError("\(name) must be at least 1, got \(value).")
        }
        if let m = maxVocab, m < 1 { throw ValidationError("--max-vocab must be at least 1, got \(m).") }
        if hs == 0 && !(1...100).contains(negative) { throw ValidationError("--negative must be in 1...100 (or use --hs 1), got \(negative).") }
        if !(sample >= 0 && sample.isFinite) { throw ValidationError("--sample must be a number ≥ 0, got \(sample).") }
        try checkRates(alpha: alpha, minAlpha: minAlpha)
        if selfCheck < 0 { throw ValidationError("--self-check must be ≥ 0, got \(selfCheck).") }
    }

    func run() throws {
        compute.apply()
        var s = DocumentTrainingSettings(corpus: corpus)
        s.tags = tags
        s.dm = dm == 1
        s.dmMean = dmMean == 1
        s.dmConcat = dmConcat == 1
        s.dbowWords = dbowWords == 1
        s.dimensions = vectorSize
        s.window = window
        s.minCount = minCount
        s.maxVocab = maxVocab
        s.sample = sample
        s.negative = negative
        s.hierarchicalSoftmax = hs == 1
        s.alpha = alpha
        s.minAlpha = minAlpha
        s.epochs = epochs
        s.stopWords = stopWords
        s.selfCheck = selfCheck
        s.seed = compute.seed
        let quiet = self.quiet
        let report = try DocumentEmbeddingExperiment.train(s, out: out) { p in
            guard !quiet else { return }
            FileHandle.standardError.write(Data("epoch \(p.epoch)/\(p.epochs)  alpha \(String(format: "%.5f", p.alpha))  \(Int(p.documentsPerSecond)) documents/s  [\(duration(p.elapsed))]\n".utf8))
        }
        print(summaryTable(report.summary))
    }
}

/// `latent docs infer MODEL TEXT…`: vectors for new documents.
struct DocsInfer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "infer",
        abstract: "Infer vectors for new documents (gensim's infer_vector) and show the closest training documents.")

    @Argument(help: ArgumentHelp("A model.safetensors written by `latent docs train`.", valueName: "model"))
    var model: String

    @Argument(help: ArgumentHelp("Documents, one per argument.", valueName: "text"))
    var texts: [String] = []

    @Option(help: ArgumentHelp("Read the documents from this file, one per line (a tag before a tab is dropped).", valueName: "file"))
    var file: String?

    @Option(help: ArgumentHelp("Also write the vectors here as .npy ([documents, vector_size]).", valueName: "file"))
    var out: String?

    @Option(help: "Closest training documents to show per document.")
    var top: Int = 3

    @Option(help: "Inference passes (default: the model's epochs).")
    var epochs: Int?

    @Option(help: "Initial learning rate (default: the model's).")
    var alpha: Float?

    @Option(help: "Final learning rate (default: the model's).")
    var minAlpha: Float?

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if texts.isEmpty == (file == nil) { throw ValidationError("Give the documents as arguments or with --file, not both.") }
        if top < 1 { throw ValidationError("--top must be at least 1, got \(top).") }
        if let e = epochs, e < 1 || e > 100_000 { throw ValidationError("--epochs must be in 1...100000, got \(e).") }
        try checkRates(alpha: alpha, minAlpha: minAlpha)
        if let out, !out.hasSuffix(".npy") { throw ValidationError("--out must name a .npy file, got '\(out)'.") }
    }

    func run() throws {
        compute.apply()
        let documents = try file.map(DocumentQueries.documents(inFile:)) ?? texts
        let results = try DocumentQueries.infer(modelAt: model, texts: documents,
                                                settings: .init(epochs: epochs, alpha: alpha, minAlpha: minAlpha), top: top, out: out)
        for r in results {
            let head = r.vector.prefix(4).map { String(format: "%.3f", $0) }.joined(separator: " ")
            print("\(r.document.prefix(60))")
            print("  vector [\(head) …] (\(r.vector.count) values)")
            print("  closest " + r.neighbors.map { "\($0.word) (\(String(format: "%.3f", $0.similarity)))" }.joined(separator: ", "))
        }
        if let out { print("vectors written to \(out)") }
    }
}

/// `latent docs similar MODEL TAG` or `--text "…"`: the most similar training documents.
struct DocsSimilar: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "The training documents closest to a document (by tag) or to new text (cosine similarity).")

    @Argument(help: ArgumentHelp("A model.safetensors written by `latent docs train`.", valueName: "model"))
    var model: String

    @Argument(help: ArgumentHelp("The tag of a training document (its line index unless the corpus was tagged).", valueName: "tag"))
    var tag: String?

    @Option(help: ArgumentHelp("New text instead of a tag: its inferred vector is the query.", valueName: "text"))
    var text: String?

    @Option(help: "How many documents.")
    var top: Int = 10

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if (tag == nil) == (text == nil) { throw ValidationError("Give a tag or --text, not both.") }
        if top < 1 { throw ValidationError("--top must be at least 1, got \(top).") }
    }

    func run() throws {
        compute.apply()
        print(summaryTable(DocumentQueries.table(try DocumentQueries.similar(modelAt: model, tag: tag, text: text, top: top))))
    }
}
