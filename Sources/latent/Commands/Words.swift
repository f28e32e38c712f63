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
extension WordModel: ExpressibleByArgument {}

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

    @Option(help: "Vector dimensions (gensim's vector_size).")
    var vectorSize: Int = 100

    /// The earlier name of --vector-size, still accepted.
    @Option(name: .customLong("dim"), help: .hidden)
    var dimAlias: Int?

    /// The vector size in force (--dim, when given, for scripts written before the rename).
    var dim: Int { dimAlias ?? vectorSize }

    @Option(help: "Context window (default: 5; GloVe: 10).")
    var window: Int?

    @Option(help: "Ignore words rarer than this.")
    var minCount: Int = 5

    @Option(help: "Keep only this many of the most frequent words.")
    var maxVocab: Int?

    @Option(help: "Frequent-word subsampling threshold (word2vec; 0 turns it off).")
    var sample: Double = 1e-3

    @Option(help: "Passes over the corpus (default: 5; GloVe: 15).")
    var epochs: Int?

    @Option(help: "Initial learning rate (default: 0.025; GloVe: 0.05).")
    var alpha: Float?

    @Option(help: "GloVe's weighting cut-off x_max.")
    var xMax: Float = 100

    @Flag(help: "Drop common English stop words while tokenizing.")
    var stopWords = false

    @OptionGroup var compute: ComputeOptions

    @Option(help: ArgumentHelp("Output folder (default: runs/words-<time>).", valueName: "dir"))
    var out: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        for (name, value) in [("--vector-size", dim), ("--min-count", minCount), ("--window", window ?? 1), ("--epochs", epochs ?? 1)] where value < 1 {
            throw ValidationError("\(name) must be at least 1, got \(value).")
        }
        if !hs && negative < 1 && model != .glove { throw ValidationError("--negative must be at least 1 (or use --hs), got \(negative).") }
        if sample < 0 { throw ValidationError("--sample must be ≥ 0, got \(sample).") }
        // gensim's default is 0.025 (GloVe's 0.05); at 1e30 word2vec's updates overflow to NaN
        // and training silently keeps nothing.
        if let a = alpha, !(a > 0 && a <= 1) { throw ValidationError("--alpha must be in (0, 1], got \(a).") }
        try FlagBounds.check("--window", window, in: 1...InputLimits.contextWindow)
        try FlagBounds.check("--vector-size", dim, in: 1...10_000)
        try FlagBounds.check("--epochs", epochs, in: 1...InputLimits.epochs)
        try FlagBounds.check("--negative", negative, in: 0...100)
    }

    func run() throws {
        compute.apply()
        let folder = try RunFolder(out, name: "words")
        let report = try WordEmbeddingExperiment.train(settings, in: folder, onProgress: WordProgressLine(quiet: quiet).update)
        print(summaryTable(report.summary))
    }

    /// The run the flags describe.
    var settings: WordTrainingSettings {
        var settings = WordTrainingSettings(corpus: corpus)
        settings.model = model
        settings.negative = negative
        settings.hierarchicalSoftmax = hs
        settings.dimensions = dim
        settings.window = window
        settings.minCount = minCount
        settings.maxVocab = maxVocab
        settings.sample = sample
        settings.epochs = epochs
        settings.alpha = alpha
        settings.xMax = xMax
        settings.stopWords = stopWords
        settings.seed = compute.seed
        return settings
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

    @Option(parsing: .unconditional, help: "How many neighbours.")
    var top: Int = 10

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if words.isEmpty { throw ValidationError("Give at least one query word.") }
        try FlagBounds.check("--top", top, in: 1...InputLimits.neighbours)
    }

    func run() throws {
        compute.apply()
        print(summaryTable(WordQueries.table(try WordQueries.similar(vectorsAt: vectors, to: words, top: top))))
    }
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

    @Option(parsing: .unconditional, help: "How many answers.")
    var top: Int = 5

    @Option(help: "Search only the most frequent N words.")
    var restrict: Int?

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        try FlagBounds.check("--top", top, in: 1...InputLimits.neighbours)
        if let restrict, restrict < 1 { throw ValidationError("--restrict must be at least 1, got \(restrict).") }
    }

    func run() throws {
        compute.apply()
        let answers = try WordQueries.analogy(vectorsAt: vectors, a, b, c, method: method, top: top, restrict: restrict)
        print("\(a) : \(b) :: \(c) : ?")
        print(summaryTable(WordQueries.table(answers)))
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

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if analogies == nil && similarity == nil { throw ValidationError("Give --analogies FILE, --similarity FILE or both.") }
        if restrict < 1 { throw ValidationError("--restrict must be at least 1, got \(restrict).") }
    }

    func run() throws {
        compute.apply()
        let report = try WordQueries.evaluate(vectorsAt: vectors, analogies: analogies, similarity: similarity,
                                              restrict: restrict, method: method, json: json)
        print(report.tables.map(summaryTable).joined(separator: "\n\n"))
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

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if words.count < 2 { throw ValidationError("Give at least two words to plot.") }
    }

    func run() throws {
        compute.apply()
        print(summaryTable(try WordQueries.plot(vectorsAt: vectors, words: words, to: out).summary))
    }
}
