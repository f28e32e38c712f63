import ArgumentParser
import Foundation
import Latent

/// `latent words …`: word embeddings (word2vec, GloVe) and the queries people run on them.
struct Words: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train word embeddings (word2vec, GloVe) and query them: neighbours, analogies, evaluations, plots.",
        discussion: "Vectors are read and written in the word2vec text and binary formats that gensim and the original C tool use.",
        subcommands: [WordsTrain.self, WordsSimilar.self, WordsAnalogy.self, WordsEvaluate.self, WordsPlot.self])
}

extension Word2VecConfig.Architecture: ExpressibleByArgument {}
extension KeyedVectors.AnalogyMethod: ExpressibleByArgument {}

/// Which model `latent words train` fits.
enum WordModel: String, ExpressibleByArgument, CaseIterable, Codable {
    case sg, cbow, glove
}

/// `latent words train CORPUS`: word2vec or GloVe on a text file.
struct WordsTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train word vectors on a text corpus; writes vectors.bin, vectors.txt and metrics.json.",
        discussion: """
            The corpus is a text file of any size, streamed (one sentence per line; lowercased, \
            punctuation stripped). Flags are named after gensim's parameters and default to its \
            values (GloVe: window 10, 15 epochs, x_max 100).
            """)

    @Argument(help: ArgumentHelp("Text file to learn from.", valueName: "corpus"))
    var corpus: String

    @Option(help: "sg (skip-gram), cbow or glove.")
    var model: WordModel = .sg

    @Option(help: "Noise words per example for negative sampling (word2vec).")
    var negative: Int = 5

    @Flag(help: "Hierarchical softmax instead of negative sampling (word2vec).")
    var hs = false

    @Option(help: "Vector dimensions.")
    var dim: Int = 100

    @Option(help: "Context window (default 5; GloVe 10).")
    var window: Int?

    @Option(help: "Ignore words rarer than this.")
    var minCount: Int = 5

    @Option(help: "Keep only this many of the most frequent words.")
    var maxVocab: Int?

    @Option(help: "Frequent-word subsampling threshold (word2vec; 0 turns it off).")
    var sample: Double = 1e-3

    @Option(help: "Passes over the corpus (default 5; GloVe 15).")
    var epochs: Int?

    @Option(help: "Initial learning rate (default 0.025; GloVe 0.05).")
    var alpha: Float?

    @Option(help: "GloVe's weighting cut-off x_max.")
    var xMax: Float = 100

    @Flag(help: "Drop common English stop words while tokenizing.")
    var stopWords = false

    @OptionGroup var compute: ComputeOptions

    @Option(help: ArgumentHelp("Output folder (default runs/words-<time>).", valueName: "dir"))
    var out: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        for (name, value) in [("--dim", dim), ("--min-count", minCount), ("--window", window ?? 1), ("--epochs", epochs ?? 1)] where value < 1 {
            throw ValidationError("\(name) must be at least 1, got \(value).")
        }
        if !hs && negative < 1 && model != .glove { throw ValidationError("--negative must be at least 1 (or use --hs), got \(negative).") }
        if sample < 0 { throw ValidationError("--sample must be ≥ 0, got \(sample).") }
        if let a = alpha, !(a > 0) { throw ValidationError("--alpha must be positive, got \(a).") }
    }

    func run() throws {
        compute.apply()
        let tokenizer = Tokenizer(stopWords: stopWords ? Tokenizer.englishStopWords : [])
        let dir = try RunDirectory.make(out, name: "words")
        let note = StderrNote(quiet: quiet)
        let vectors: KeyedVectors
        var rows: [(String, String)] = []
        var metrics: [String: Any] = ["command": "words train", "corpus": corpus, "model": model.rawValue]
        switch model {
        case .sg, .cbow:
            var config = Word2VecConfig()
            config.architecture = model == .sg ? .skipGram : .cbow
            config.hierarchicalSoftmax = hs
            config.negative = hs ? 0 : negative
            config.vectorSize = dim
            config.window = window ?? 5
            config.minCount = minCount
            config.maxVocab = maxVocab
            config.sample = sample
            config.epochs = epochs ?? 5
            if let alpha { config.alpha = alpha }
            config.threads = Threads.count
            config.seed = compute.seed
            config.tokenizer = tokenizer
            let w2v = try Word2Vec.train(corpus: corpus, config: config, onProgress: note.word2vec)
            vectors = w2v.vectors
            let r = w2v.report
            rows = [("model", "word2vec \(model == .sg ? "skip-gram" : "CBOW"), \(hs ? "hierarchical softmax" : "negative \(negative)"), \(dim) dimensions, window \(config.window)"),
                    ("vocabulary", "\(r.vocabularySize) words (min count \(minCount)) of \(r.corpusWords) tokens"),
                    ("trained on", "\(r.effectiveWords) words after subsampling, \(config.epochs) epochs, \(r.threads) threads"),
                    ("speed", "\(Int(r.wordsPerSecond)) words/s"),
                    ("time", "\(duration(r.vocabularySeconds)) vocabulary + \(duration(r.trainingSeconds)) training")]
            metrics["settings"] = try jsonObject(config)
            metrics["report"] = try jsonObject(r)
            metrics["words_per_second"] = r.wordsPerSecond
        case .glove:
            var config = GloVeConfig()
            config.vectorSize = dim
            config.window = window ?? 10
            config.minCount = minCount
            config.maxVocab = maxVocab
            config.epochs = epochs ?? 15
            if let alpha { config.learningRate = alpha }
            config.xMax = xMax
            config.threads = Threads.count
            config.seed = compute.seed
            config.tokenizer = tokenizer
            let glove = try GloVe.train(corpus: corpus, config: config, onEpoch: note.glove(epochs: config.epochs))
            vectors = glove.vectors
            rows = [("model", "GloVe, \(dim) dimensions, window \(config.window), x_max \(config.xMax)"),
                    ("vocabulary", "\(glove.vocabulary.count) words (min count \(minCount)) of \(glove.vocabulary.corpusWords) tokens"),
                    ("co-occurrences", "\(glove.cells) non-zero cells"),
                    ("final loss", format(glove.losses.last ?? .nan)),
                    ("time", "\(duration(glove.countingSeconds)) counting + \(duration(glove.trainingSeconds)) training")]
            metrics["settings"] = try jsonObject(config)
            metrics["losses"] = glove.losses
            metrics["cells"] = glove.cells
        }
        try vectors.write(to: dir + "/vectors.bin", format: .binary)
        try vectors.write(to: dir + "/vectors.txt", format: .text)
        let data = try JSONSerialization.data(withJSONObject: metrics, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(String(decoding: data, as: UTF8.self), to: dir + "/metrics.json")
        print(summaryTable(rows + [("output", "\(dir)/vectors.bin, vectors.txt, metrics.json")]))
    }
}

/// Encodes a Codable value as a JSON object for metrics.json.
func jsonObject<T: Encodable>(_ value: T) throws -> Any {
    try JSONSerialization.jsonObject(with: JSONEncoder().encode(value))
}

/// Progress lines for embedding training on standard error (callbacks may come from worker threads).
struct StderrNote: Sendable {
    let quiet: Bool
    let interactive = isatty(2) != 0

    func write(_ s: String) { if !quiet { FileHandle.standardError.write(Data(s.utf8)) } }

    var word2vec: @Sendable (Word2VecProgress) -> Void {
        let me = self
        return { p in
            if p.epochEnded {
                me.write("\(me.interactive ? "\r\u{1B}[K" : "")epoch \(p.epoch)/\(p.epochs)  alpha \(String(format: "%.5f", p.alpha))  \(Int(p.wordsPerSecond)) words/s  [\(duration(p.elapsed))]\n")
            } else if me.interactive {
                me.write("\r\u{1B}[Kepoch \(p.epoch)/\(p.epochs)  \(Int(p.fraction * 100))%  alpha \(String(format: "%.5f", p.alpha))  \(Int(p.wordsPerSecond)) words/s")
            }
        }
    }

    func glove(epochs: Int) -> @Sendable (Int, Double) -> Void {
        let me = self
        return { epoch, loss in me.write("epoch \(epoch)/\(epochs)  loss \(format(loss))\n") }
    }
}

/// `latent words similar VECTORS WORD…`: nearest neighbours.
struct WordsSimilar: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "The words closest to a word (cosine similarity); several words are averaged, -word subtracts.")

    @Argument(help: ArgumentHelp("A vectors file (word2vec text or binary).", valueName: "vectors"))
    var vectors: String

    @Argument(help: ArgumentHelp("Query words; prefix one with - to subtract it (use -- before it).", valueName: "word"))
    var words: [String]

    @Option(help: "How many neighbours.")
    var top: Int = 10

    func validate() throws {
        if words.isEmpty { throw ValidationError("Give at least one query word.") }
        if top < 1 { throw ValidationError("--top must be at least 1, got \(top).") }
    }

    func run() throws {
        let kv = try KeyedVectors.read(vectors)
        let positive = words.filter { !$0.hasPrefix("-") }.map { $0.lowercased() }
        let negative = words.filter { $0.hasPrefix("-") }.map { String($0.dropFirst()).lowercased() }
        let result = try kv.mostSimilar(positive: positive, negative: negative, topN: top)
        print(neighbourTable(result))
    }
}

/// Two columns: word and similarity.
func neighbourTable(_ rows: [KeyedVectors.Neighbor]) -> String {
    summaryTable(rows.map { ($0.word, String(format: "%.4f", $0.similarity)) })
}

/// `latent words analogy VECTORS a b c`: a is to b as c is to ?
struct WordsAnalogy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analogy",
        abstract: "Complete 'a is to b as c is to ?' (man king woman → queen).")

    @Argument(help: ArgumentHelp("A vectors file (word2vec text or binary).", valueName: "vectors"))
    var vectors: String

    @Argument(help: "a") var a: String
    @Argument(help: "b") var b: String
    @Argument(help: "c") var c: String

    @Option(help: "3cosadd (b − a + c) or 3cosmul (Levy & Goldberg).")
    var method: KeyedVectors.AnalogyMethod = .add

    @Option(help: "How many answers.")
    var top: Int = 5

    @Option(help: "Search only the most frequent N words.")
    var restrict: Int?

    func run() throws {
        let kv = try KeyedVectors.read(vectors)
        let result = try kv.analogy(a.lowercased(), b.lowercased(), c.lowercased(), method: method, topN: top,
                                    restrictVocab: restrict)
        print("\(a) : \(b) :: \(c) : ?")
        print(neighbourTable(result))
    }
}

/// `latent words evaluate VECTORS --analogies … --similarity …`.
struct WordsEvaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Analogy accuracy per section (questions-words.txt) and Spearman ρ on word-pair similarities (wordsim353.tsv).")

    @Argument(help: ArgumentHelp("A vectors file (word2vec text or binary).", valueName: "vectors"))
    var vectors: String

    @Option(help: ArgumentHelp("Analogy questions in the questions-words.txt format.", valueName: "file"))
    var analogies: String?

    @Option(help: ArgumentHelp("Word pairs with human scores (word1<TAB>word2<TAB>score).", valueName: "file"))
    var similarity: String?

    @Option(help: "Use only the most frequent N words for analogies (gensim's convention).")
    var restrict: Int = 30_000

    @Option(help: "3cosadd or 3cosmul.")
    var method: KeyedVectors.AnalogyMethod = .add

    @Option(help: ArgumentHelp("Also write the figures as JSON here.", valueName: "file"))
    var json: String?

    func validate() throws {
        if analogies == nil && similarity == nil { throw ValidationError("Give --analogies FILE, --similarity FILE or both.") }
        if restrict < 1 { throw ValidationError("--restrict must be at least 1, got \(restrict).") }
    }

    func run() throws {
        let kv = try KeyedVectors.read(vectors)
        var out: [String: Any] = ["vectors": vectors, "words": kv.count]
        if let similarity {
            let e = try kv.evaluateWordPairs(similarity)
            print(summaryTable([("word pairs", "\(e.pairs) scored, \(e.skipped) skipped (out of vocabulary)"),
                                ("Spearman ρ", String(format: "%.4f", e.spearman)),
                                ("Pearson r", String(format: "%.4f", e.pearson))]))
            out["similarity"] = try jsonObject(e)
        }
        if let analogies {
            let e = try kv.evaluateAnalogies(analogies, restrictVocab: restrict, method: method)
            if similarity != nil { print("") }
            var rows = e.sections.map { ($0.name, String(format: "%6.2f %%  (%d/%d)", $0.accuracy * 100, $0.correct, $0.total)) }
            rows.append(("total (\(method.rawValue))", String(format: "%6.2f %%  (%d/%d; %d skipped, top %d words)",
                                                              e.accuracy * 100, e.correct, e.total, e.skipped, restrict)))
            print(summaryTable(rows))
            out["analogies"] = ["accuracy": e.accuracy, "semantic": e.semanticAccuracy, "syntactic": e.syntacticAccuracy,
                                "questions": e.total, "skipped": e.skipped,
                                "sections": e.sections.map { ["name": $0.name, "correct": $0.correct, "total": $0.total] }]
        }
        if let json {
            let data = try JSONSerialization.data(withJSONObject: out, options: [.prettyPrinted, .sortedKeys])
            try AtomicFile.write(String(decoding: data, as: UTF8.self), to: json)
        }
    }
}

/// `latent words plot VECTORS WORD…`: a labelled 2-d PCA picture.
struct WordsPlot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "A 2-d PCA picture of the chosen words, labelled (PNG).")

    @Argument(help: ArgumentHelp("A vectors file (word2vec text or binary).", valueName: "vectors"))
    var vectors: String

    @Argument(help: ArgumentHelp("Two or more words to place.", valueName: "word"))
    var words: [String]

    @Option(help: ArgumentHelp("Output PNG.", valueName: "file"))
    var out: String = "words.png"

    func validate() throws {
        if words.count < 2 { throw ValidationError("Give at least two words to plot.") }
    }

    func run() throws {
        let kv = try KeyedVectors.read(vectors)
        let words = self.words.map { $0.lowercased() }
        let points = try kv.project2D(words)
        try AtomicFile.write(WordMap.png(points: points, words: words, title: "PCA of \(words.count) word vectors"), to: out)
        print(summaryTable(zip(words, points).map { ($0, String(format: "%8.3f %8.3f", $1.x, $1.y)) } + [("picture", out)]))
    }
}
