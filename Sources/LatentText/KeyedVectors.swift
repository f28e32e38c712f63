import CLatentBLAS
import LatentTensor

/// Trained word vectors and the queries people run on them (gensim's `KeyedVectors`).
///
/// Kept apart from the training state (as gensim does) so that vectors read from a word2vec file
/// and vectors just trained answer the same questions. Queries use cosine similarity; unit-length
/// copies of the rows are computed once, at construction.
///
/// ```swift
/// let kv = try KeyedVectors.read("vectors.bin")
/// try kv.mostSimilar(positive: ["king", "woman"], negative: ["man"], topN: 5)   // queen, …
/// try kv.similarity("car", "automobile")
/// try kv.doesntMatch(["breakfast", "cereal", "dinner", "lunch"])                // cereal
/// ```
public struct KeyedVectors: Sendable {
    /// A word and its cosine similarity to a query.
    public struct Neighbor: Sendable, Equatable, CustomStringConvertible {
        /// The word.
        public var word: String
        /// Cosine similarity (or the 3CosMul score for `mostSimilarCosMul`).
        public var similarity: Float
        /// `word 0.1234`.
        public var description: String { "\(word) \(similarity)" }
    }

    /// The words, in row order (most frequent first when trained or read from a sorted file).
    public let words: [String]
    /// Dimensions per vector.
    public let vectorSize: Int
    /// Row-major `count × vectorSize` vectors.
    public let vectors: [Float]
    /// The rows scaled to unit length (zero rows stay zero).
    let unit: [Float]
    let index: [String: Int]

    /// Number of words.
    public var count: Int { words.count }

    /// Vectors for `words` from a flat row-major array.
    ///
    /// - Throws: `LatentTextError.invalidQuery` when sizes disagree or a word repeats.
    public init(words: [String], vectors: [Float], vectorSize: Int) throws {
        guard vectorSize >= 1, vectors.count == words.count * vectorSize else {
            throw LatentTextError.invalidQuery("\(words.count) words of size \(vectorSize) need \(words.count * vectorSize) values, got \(vectors.count)")
        }
        var index: [String: Int] = [:]
        index.reserveCapacity(words.count)
        for (i, w) in words.enumerated() {
            guard index.updateValue(i, forKey: w) == nil else { throw LatentTextError.invalidQuery("word '\(w)' occurs twice") }
        }
        self.words = words
        self.vectorSize = vectorSize
        self.vectors = vectors
        self.index = index
        var unit = vectors
        for r in 0..<words.count {
            var s: Float = 0
            for k in 0..<vectorSize { s += unit[r * vectorSize + k] * unit[r * vectorSize + k] }
            let inv = s > 0 ? 1 / s.squareRoot() : 0
            for k in 0..<vectorSize { unit[r * vectorSize + k] *= inv }
        }
        self.unit = unit
    }

    /// Vectors from a `[count, vectorSize]` tensor.
    public init(words: [String], tensor: Tensor) throws {
        guard tensor.rank == 2, tensor.shape[0] == words.count else {
            throw LatentTextError.invalidQuery("a tensor of shape \(tensor.shape) does not hold \(words.count) vectors")
        }
        try self.init(words: words, vectors: tensor.scalars, vectorSize: tensor.shape[1])
    }

    /// The vectors as a `[count, vectorSize]` tensor.
    public var tensor: Tensor { Tensor(shape: [count, vectorSize], scalars: vectors) }

    /// Whether `word` has a vector.
    public func contains(_ word: String) -> Bool { index[word] != nil }

    /// The row of `word`.
    public func row(_ word: String) throws -> Int {
        guard let i = index[word] else { throw LatentTextError.unknownWord(word) }
        return i
    }

    /// The vector of `word` (unit length with `normalized`).
    public func vector(_ word: String, normalized: Bool = false) throws -> [Float] {
        let r = try row(word)
        return Array((normalized ? unit : vectors)[r * vectorSize..<(r + 1) * vectorSize])
    }

    /// Cosine similarity of two words.
    public func similarity(_ a: String, _ b: String) throws -> Float {
        let i = try row(a), j = try row(b)
        var s: Float = 0
        for k in 0..<vectorSize { s += unit[i * vectorSize + k] * unit[j * vectorSize + k] }
        return s
    }

    /// Cosines of `query` (length `vectorSize`) with the first `rows` unit rows.
    func cosines(_ query: [Float], rows: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows)
        guard rows > 0 else { return out }
        unit.withUnsafeBufferPointer { u in
            query.withUnsafeBufferPointer { q in
                out.withUnsafeMutableBufferPointer { o in
                    cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(rows), Int32(vectorSize), 1, u.baseAddress,
                                Int32(vectorSize), q.baseAddress, 1, 0, o.baseAddress, 1)
                }
            }
        }
        return out
    }

    /// The `topN` highest scores, skipping `exclude`, best first.
    static func top(_ scores: [Float], _ topN: Int, excluding exclude: Set<Int>, words: [String]) -> [Neighbor] {
        var best: [(Int, Float)] = []
        // Never more than there are scores: `topN` may come from a user and be huge.
        best.reserveCapacity(min(topN, scores.count) + 1)
        for (i, s) in scores.enumerated() where !exclude.contains(i) {
            if best.count == topN, let last = best.last, s <= last.1 { continue }
            var at = best.count
            while at > 0 && best[at - 1].1 < s { at -= 1 }
            best.insert((i, s), at: at)
            if best.count > topN { best.removeLast() }
        }
        return best.map { Neighbor(word: words[$0.0], similarity: $0.1) }
    }

    func rowLimit(_ restrictVocab: Int?) -> Int { min(count, restrictVocab ?? count) }

    /// The words closest to the mean of the unit vectors of `positive` minus those of `negative`
    /// (3CosAdd for analogies), excluding the query words; gensim's `most_similar`.
    ///
    /// - Parameters:
    ///   - positive: words whose vectors are added.
    ///   - negative: words whose vectors are subtracted.
    ///   - topN: how many words to return, closest first.
    ///   - restrictVocab: search only the first N rows (the most frequent words).
    public func mostSimilar(positive: [String], negative: [String] = [], topN: Int = 10,
                            restrictVocab: Int? = nil) throws -> [Neighbor] {
        guard !positive.isEmpty || !negative.isEmpty else { throw LatentTextError.invalidQuery("most similar needs at least one word") }
        guard topN >= 1 else { throw LatentTextError.invalidQuery("topN must be positive, got \(topN)") }
        var mean = [Float](repeating: 0, count: vectorSize)
        var used = Set<Int>()
        for (word, weight) in positive.map({ ($0, Float(1)) }) + negative.map({ ($0, Float(-1)) }) {
            let r = try row(word)
            used.insert(r)
            for k in 0..<vectorSize { mean[k] += weight * unit[r * vectorSize + k] }
        }
        var norm: Float = 0
        for v in mean { norm += v * v }
        if norm > 0 { mean = mean.map { $0 / norm.squareRoot() } }
        return KeyedVectors.top(cosines(mean, rows: rowLimit(restrictVocab)), topN, excluding: used, words: words)
    }

    /// The `topN` rows closest (cosine) to `vector`, skipping the words in `excluding`; gensim's
    /// `similar_by_vector` (how inferred document vectors find their neighbours).
    ///
    /// - Throws: `LatentTextError.invalidQuery` when `vector` has the wrong length or holds a
    ///   value that is not finite.
    public func mostSimilar(toVector vector: [Float], topN: Int = 10, excluding: Set<String> = []) throws -> [Neighbor] {
        guard topN >= 1 else { throw LatentTextError.invalidQuery("topN must be positive, got \(topN)") }
        let c = try cosines(toVector: vector)
        return KeyedVectors.top(c, topN, excluding: Set(excluding.compactMap { index[$0] }), words: words)
    }

    /// The cosine of `vector` with every row, in row order.
    public func cosines(toVector vector: [Float]) throws -> [Float] {
        guard vector.count == vectorSize else {
            throw LatentTextError.invalidQuery("a vector of \(vector.count) values, these vectors have \(vectorSize)")
        }
        guard vector.allSatisfy(\.isFinite) else { throw LatentTextError.invalidQuery("the query vector holds a value that is not finite") }
        var norm: Float = 0
        for v in vector { norm += v * v }
        let query = norm > 0 ? vector.map { $0 / norm.squareRoot() } : vector
        return cosines(query, rows: count)
    }

    /// Analogy by 3CosMul (Levy & Goldberg 2014): maximises `∏ cos'(w, p) / (∏ cos'(w, n) + ε)` with
    /// cosines shifted to `[0, 1]` by `(1 + cos) / 2` and ε = 1e-6; gensim's `most_similar_cosmul`.
    public func mostSimilarCosMul(positive: [String], negative: [String] = [], topN: Int = 10,
                                  restrictVocab: Int? = nil) throws -> [Neighbor] {
        guard !positive.isEmpty else { throw LatentTextError.invalidQuery("3CosMul needs at least one positive word") }
        guard topN >= 1 else { throw LatentTextError.invalidQuery("topN must be positive, got \(topN)") }
        let n = rowLimit(restrictVocab)
        var numerator = [Float](repeating: 1, count: n), denominator = [Float](repeating: 1, count: n)
        var used = Set<Int>()
        for word in positive {
            let r = try row(word)
            used.insert(r)
            let c = cosines(Array(unit[r * vectorSize..<(r + 1) * vectorSize]), rows: n)
            for i in 0..<n { numerator[i] *= (1 + c[i]) / 2 }
        }
        for word in negative {
            let r = try row(word)
            used.insert(r)
            let c = cosines(Array(unit[r * vectorSize..<(r + 1) * vectorSize]), rows: n)
            for i in 0..<n { denominator[i] *= (1 + c[i]) / 2 }
        }
        let scores = (0..<n).map { numerator[$0] / (denominator[$0] + 1e-6) }
        return KeyedVectors.top(scores, topN, excluding: used, words: words)
    }

    /// How an analogy query is scored.
    public enum AnalogyMethod: String, Sendable, CaseIterable, Codable {
        /// `b − a + c` (Mikolov et al. 2013).
        case add = "3cosadd"
        /// Multiplicative combination (Levy & Goldberg 2014).
        case mul = "3cosmul"
    }

    /// "`a` is to `b` as `c` is to ?": the best answers, excluding `a`, `b` and `c`.
    public func analogy(_ a: String, _ b: String, _ c: String, method: AnalogyMethod = .add, topN: Int = 5,
                        restrictVocab: Int? = nil) throws -> [Neighbor] {
        switch method {
        case .add: return try mostSimilar(positive: [b, c], negative: [a], topN: topN, restrictVocab: restrictVocab)
        case .mul: return try mostSimilarCosMul(positive: [b, c], negative: [a], topN: topN, restrictVocab: restrictVocab)
        }
    }

    /// The word least like the others: lowest cosine to the mean of the unit vectors; gensim's
    /// `doesnt_match`.
    public func doesntMatch(_ words: [String]) throws -> String {
        guard words.count >= 2 else { throw LatentTextError.invalidQuery("doesn't match needs at least two words") }
        let rows = try words.map(row)
        var mean = [Float](repeating: 0, count: vectorSize)
        for r in rows { for k in 0..<vectorSize { mean[k] += unit[r * vectorSize + k] } }
        var worst = 0
        var worstScore = Float.infinity
        for (i, r) in rows.enumerated() {
            var s: Float = 0
            for k in 0..<vectorSize { s += unit[r * vectorSize + k] * mean[k] }
            if s < worstScore { worstScore = s; worst = i }
        }
        return words[worst]
    }
}
