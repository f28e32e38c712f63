/// What can go wrong building a vocabulary, training embeddings or querying them.
///
/// File-format problems (a vectors file with a wrong header or truncated rows) are reported as
/// `LatentIOError`, like every other file Latent reads; this type covers the rest. Every
/// `description` is one line that names what and where, so the CLI prints it as is.
public enum LatentTextError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The corpus holds no token at all.
    case emptyCorpus(String)
    /// No word occurs often enough to enter the vocabulary.
    case nothingReachesMinCount(path: String, minCount: Int, distinctWords: Int, highestCount: Int)
    /// A query word is not in the vocabulary.
    case unknownWord(String)
    /// A setting is out of range (the detail says which and why).
    case invalidConfig(String)
    /// A query that cannot be answered (no words given, too few words, …).
    case invalidQuery(String)
    /// A document corpus that cannot be trained on (the detail names the file and line).
    case invalidCorpus(String)

    /// One line naming what went wrong and where.
    public var description: String {
        switch self {
        case .emptyCorpus(let p): return "\(p): the corpus is empty (no tokens)"
        case .nothingReachesMinCount(let p, let m, let d, let h):
            return "\(p): no word reaches min_count \(m) (\(d) distinct words, the most frequent occurs \(h) times); lower --min-count or use a larger corpus"
        case .unknownWord(let w): return "word '\(w)' is not in the vocabulary"
        case .invalidConfig(let d): return "invalid setting: \(d)"
        case .invalidQuery(let d): return "invalid query: \(d)"
        case .invalidCorpus(let d): return d
        }
    }
}
