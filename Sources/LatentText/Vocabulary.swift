/// The words of a corpus that training keeps, most frequent first, with their counts.
///
/// Built by one streaming pass over the corpus file (gensim's `scan_vocab` + `prepare_vocab`):
/// words occurring fewer than `minCount` times are dropped, and `maxVocab` keeps only the most
/// frequent (gensim's `max_final_vocab`). Ids follow the order of `words`, so id 0 is the most
/// frequent word, which is also the order the word2vec formats store. Ties keep the order of
/// first appearance, so the same corpus always gives the same ids.
///
/// Memory: the scan holds each distinct word of the corpus once (bytes plus ~40 bytes), not the
/// corpus itself.
public struct Vocabulary: Sendable {
    /// The kept words, most frequent first.
    public let words: [String]
    /// How often each word occurs in the corpus.
    public let counts: [Int]
    /// Every token the corpus holds, including words that were dropped.
    public let corpusWords: Int
    /// The sum of `counts`: tokens that training sees before subsampling.
    public let retainedWords: Int
    /// The tokenizer that produced the words (training must tokenize the same way).
    public let tokenizer: Tokenizer
    /// Bytes → id for the kept words.
    let table: WordTable

    /// Number of words.
    public var count: Int { words.count }

    /// The id of `word`, or nil when it was dropped or never seen.
    public func id(_ word: String) -> Int? {
        let i = table.find(word)
        return i >= 0 ? Int(i) : nil
    }

    /// A vocabulary from words and counts given directly (for tests and bag-of-words models).
    public init(words: [String], counts: [Int], corpusWords: Int? = nil, tokenizer: Tokenizer = Tokenizer()) {
        precondition(words.count == counts.count, "Vocabulary: \(words.count) words but \(counts.count) counts")
        let table = WordTable(capacity: words.count)
        for w in words { table.insert(w) }
        self.words = words
        self.counts = counts
        self.table = table
        self.tokenizer = tokenizer
        retainedWords = counts.reduce(0, +)
        self.corpusWords = corpusWords ?? retainedWords
    }

    /// Scans the corpus file at `path` and keeps the words that occur at least `minCount` times.
    ///
    /// - Throws: `LatentIOError` when the file cannot be read, `LatentTextError.emptyCorpus` when it
    ///   holds no token, `.nothingReachesMinCount` when every word is rarer than `minCount`.
    public static func build(corpus path: String, tokenizer: Tokenizer = Tokenizer(), minCount: Int = 5,
                             maxVocab: Int? = nil) throws -> Vocabulary {
        guard minCount >= 1 else { throw LatentTextError.invalidConfig("min_count must be at least 1, got \(minCount)") }
        if let m = maxVocab, m < 1 { throw LatentTextError.invalidConfig("max_vocab must be at least 1, got \(m)") }
        let file = try TextFile(path)
        // A file of n bytes holds at most n/2 distinct words; the table grows past its start.
        let scan = WordTable(capacity: Swift.min(1 << 16, Swift.max(1024, file.size / 2)))
        var counts: [Int] = []
        var total = 0
        try tokenizer.stream(file, range: 0..<file.size, token: { t in
            let (id, inserted) = scan.insert(t)
            if inserted { counts.append(1) } else { counts[Int(id)] += 1 }
            total += 1
        }, lineEnd: {})
        return try select(scan: scan, counts: counts, total: total, path: path, tokenizer: tokenizer,
                          minCount: minCount, maxVocab: maxVocab).vocabulary
    }

    /// The vocabulary of a finished scan: the words of `scan` (ids in order of first appearance,
    /// `counts` per id) reaching `minCount`, most frequent first, at most `maxVocab`; `kept[i]` is
    /// the scan id of word `i`.
    static func select(scan: WordTable, counts: [Int], total: Int, path: String, tokenizer: Tokenizer,
                       minCount: Int, maxVocab: Int?) throws -> (vocabulary: Vocabulary, kept: [Int]) {
        guard total > 0 else { throw LatentTextError.emptyCorpus(path) }
        var kept = counts.indices.filter { counts[$0] >= minCount }
        guard !kept.isEmpty else {
            throw LatentTextError.nothingReachesMinCount(path: path, minCount: minCount, distinctWords: counts.count,
                                                        highestCount: counts.max() ?? 0)
        }
        // Most frequent first; ids (first appearance) break ties so the order is reproducible.
        kept.sort { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
        if let m = maxVocab, kept.count > m { kept.removeLast(kept.count - m) }
        // Checked before training, not when the vectors are saved: two words of another encoding
        // (Latin-1 "café" and "cafè") repair to the same string and could not both be written.
        if let bad = kept.first(where: { !scan.isValidUTF8($0) }) {
            throw LatentTextError.invalidCorpus("\(path): the word '\(scan.key(bad))' is not valid UTF-8; the corpus must be UTF-8 text (convert it, e.g. iconv -f latin1 -t utf-8)")
        }
        return (Vocabulary(words: kept.map { scan.key($0) }, counts: kept.map { counts[$0] }, corpusWords: total,
                           tokenizer: tokenizer), kept)
    }
}
