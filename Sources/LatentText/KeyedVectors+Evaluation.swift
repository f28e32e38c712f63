import CLatentBLAS
import LatentIO

/// Accuracy on an analogy question set (`questions-words.txt` format), per section.
public struct AnalogyEvaluation: Sendable, Codable, Equatable {
    /// One `: section` of the file.
    public struct Section: Sendable, Codable, Equatable {
        /// The section name (`capital-common-countries`, `gram8-plural`, …).
        public var name: String
        /// Questions answered correctly.
        public var correct: Int
        /// Questions asked (all four words in the restricted vocabulary).
        public var total: Int
        /// `correct / total` (0 when nothing was asked).
        public var accuracy: Double { total > 0 ? Double(correct) / Double(total) : 0 }
    }

    /// The sections in file order.
    public var sections: [Section]
    /// Questions skipped because a word is outside the restricted vocabulary.
    public var skipped: Int
    /// Questions answered correctly in all sections.
    public var correct: Int { sections.reduce(0) { $0 + $1.correct } }
    /// Questions asked in all sections.
    public var total: Int { sections.reduce(0) { $0 + $1.total } }
    /// Overall accuracy (gensim's "Total accuracy").
    public var accuracy: Double { total > 0 ? Double(correct) / Double(total) : 0 }
    /// Accuracy over the semantic sections (names not starting with `gram`).
    public var semanticAccuracy: Double { accuracy(where: { !$0.hasPrefix("gram") }) }
    /// Accuracy over the syntactic (`gram…`) sections.
    public var syntacticAccuracy: Double { accuracy(where: { $0.hasPrefix("gram") }) }

    func accuracy(where keep: (String) -> Bool) -> Double {
        let s = sections.filter { keep($0.name) }
        let t = s.reduce(0) { $0 + $1.total }
        return t > 0 ? Double(s.reduce(0) { $0 + $1.correct }) / Double(t) : 0
    }
}

/// Agreement with human similarity judgements (`wordsim353.tsv` format).
public struct WordPairEvaluation: Sendable, Codable, Equatable {
    /// Spearman rank correlation between cosine similarity and the human scores.
    public var spearman: Double
    /// Pearson correlation between the same.
    public var pearson: Double
    /// Pairs scored.
    public var pairs: Int
    /// Pairs skipped because a word has no vector.
    public var skipped: Int
    /// `skipped / (pairs + skipped)`, gensim's OOV ratio.
    public var oovRatio: Double { pairs + skipped > 0 ? Double(skipped) / Double(pairs + skipped) : 0 }
}

extension KeyedVectors {
    /// Analogy accuracy on a `questions-words.txt` file, gensim's `evaluate_word_analogies`.
    ///
    /// Only the first `restrictVocab` rows (the most frequent words; 30,000 by the convention of
    /// the w2v benchmark) are used: a question with a word outside them is skipped, and answers
    /// are searched among them. Words are lowercased. A question `a b c d` is right when the best
    /// word for `b − a + c` (or its 3CosMul version), other than `a`, `b`, `c`, is `d`.
    ///
    /// - Throws: `LatentIOError` when the file cannot be read or a question line does not have four words.
    public func evaluateAnalogies(_ path: String, restrictVocab: Int = 30_000, method: AnalogyMethod = .add) throws -> AnalogyEvaluation {
        let text = String(decoding: try TextFile(path).readAll(), as: UTF8.self)
        let limit = rowLimit(restrictVocab)
        var sections: [AnalogyEvaluation.Section] = []
        var questions: [[(Int, Int, Int, Int)]] = []
        var skipped = 0
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: " \t\r")
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix(":") {
                sections.append(.init(name: trimmed.dropFirst().trimmingCharacters(in: " \t"), correct: 0, total: 0))
                questions.append([])
                continue
            }
            let w = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { $0.lowercased() }
            guard w.count == 4 else {
                throw LatentIOError.corrupt(path, "line \(n + 1): expected four words, got \(w.count)")
            }
            if sections.isEmpty {
                sections.append(.init(name: "(no section)", correct: 0, total: 0))
                questions.append([])
            }
            let ids = w.map { index[$0] }
            guard let a = ids[0], let b = ids[1], let c = ids[2], let d = ids[3], max(a, b, c, d) < limit else {
                skipped += 1
                continue
            }
            questions[questions.count - 1].append((a, b, c, d))
        }
        for s in sections.indices {
            let qs = questions[s]
            let answers = answerAnalogies(qs, rows: limit, method: method)
            sections[s].total = qs.count
            sections[s].correct = zip(qs, answers).filter { $0.0.3 == $0.1 }.count
        }
        return AnalogyEvaluation(sections: sections, skipped: skipped)
    }

    /// The best answer (row) to each question `a b c _` among the first `rows` rows, in batches
    /// through one matrix product (a batch of queries against all candidate rows).
    func answerAnalogies(_ qs: [(Int, Int, Int, Int)], rows: Int, method: AnalogyMethod) -> [Int] {
        // Batches of at most 256 questions and ~16 MB of scores.
        let d = vectorSize, batch = max(8, min(256, (4 << 20) / max(1, 3 * rows)))
        var answers = [Int](repeating: -1, count: qs.count)
        guard rows > 0 else { return answers }
        var queries = [Float](repeating: 0, count: batch * 3 * d)
        var scores = [Float](repeating: 0, count: batch * 3 * rows)
        unit.withUnsafeBufferPointer { u in
            var start = 0
            while start < qs.count {
                let m = min(batch, qs.count - start)
                // Three query rows per question: a, b, c (3CosAdd only needs their sum, but
                // sharing the product keeps one code path).
                for i in 0..<m {
                    let q = qs[start + i]
                    for (k, r) in [q.0, q.1, q.2].enumerated() {
                        for j in 0..<d { queries[(i * 3 + k) * d + j] = u[r * d + j] }
                    }
                }
                queries.withUnsafeBufferPointer { qp in
                    scores.withUnsafeMutableBufferPointer { sp in
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m * 3), Int32(rows), Int32(d), 1,
                                    qp.baseAddress, Int32(d), u.baseAddress, Int32(d), 0, sp.baseAddress, Int32(rows))
                    }
                }
                for i in 0..<m {
                    let q = qs[start + i]
                    let ca = (i * 3) * rows, cb = (i * 3 + 1) * rows, cc = (i * 3 + 2) * rows
                    // 3CosAdd ranks by cos(w, b − a + c normalised), i.e. by the sum of cosines
                    // divided by a constant norm: the sum ranks the same.
                    var best = -1
                    var bestScore = -Float.infinity
                    for w in 0..<rows where w != q.0 && w != q.1 && w != q.2 {
                        let s: Float
                        switch method {
                        case .add: s = scores[cb + w] + scores[cc + w] - scores[ca + w]
                        case .mul:
                            s = ((1 + scores[cb + w]) / 2) * ((1 + scores[cc + w]) / 2) / ((1 + scores[ca + w]) / 2 + 1e-6)
                        }
                        if s > bestScore { bestScore = s; best = w }
                    }
                    answers[start + i] = best
                }
                start += m
            }
        }
        return answers
    }

    /// Spearman's ρ (and Pearson's r) between cosine similarities and human scores on a
    /// `wordsim353.tsv`-style file (`word1<TAB>word2<TAB>score`, `#` comments), gensim's
    /// `evaluate_word_pairs`. Words are lowercased; pairs with a word outside the first
    /// `restrictVocab` rows are skipped and counted.
    ///
    /// - Throws: `LatentIOError` when the file cannot be read or a line is malformed;
    ///   `LatentTextError.invalidQuery` when fewer than two pairs can be scored.
    public func evaluateWordPairs(_ path: String, restrictVocab: Int = 300_000) throws -> WordPairEvaluation {
        let text = String(decoding: try TextFile(path).readAll(), as: UTF8.self)
        let limit = rowLimit(restrictVocab)
        var model: [Double] = [], human: [Double] = []
        var skipped = 0
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: " \t\r")
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let f = trimmed.split(separator: "\t").map { $0.trimmingCharacters(in: " ") }
            guard f.count >= 3, let score = Double(f[2]) else {
                throw LatentIOError.corrupt(path, "line \(n + 1): expected 'word1<TAB>word2<TAB>score'")
            }
            guard score.isFinite else { throw LatentIOError.invalidValue(path, "line \(n + 1): the score '\(f[2])' is not a finite number") }
            guard let a = index[f[0].lowercased()], let b = index[f[1].lowercased()], a < limit, b < limit else {
                skipped += 1
                continue
            }
            model.append(Double(try similarity(words[a], words[b])))
            human.append(score)
        }
        guard model.count >= 2 else {
            throw LatentTextError.invalidQuery("\(path): only \(model.count) word pairs have vectors; need at least 2")
        }
        return WordPairEvaluation(spearman: Statistics.spearman(model, human), pearson: Statistics.pearson(model, human),
                                  pairs: model.count, skipped: skipped)
    }
}

/// Rank statistics for the evaluations.
public enum Statistics {
    /// Ranks from 1, ties sharing their average rank (as `scipy.stats.rankdata`).
    public static func ranks(_ x: [Double]) -> [Double] {
        let order = x.indices.sorted { x[$0] < x[$1] }
        var r = [Double](repeating: 0, count: x.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
            let average = Double(i + j) / 2 + 1
            for k in i...j { r[order[k]] = average }
            i = j + 1
        }
        return r
    }

    /// Pearson's correlation coefficient (0 when either side is constant).
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }

    /// Spearman's rank correlation: Pearson's on the (tie-averaged) ranks.
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double { pearson(ranks(x), ranks(y)) }
}

extension StringProtocol {
    /// The string without leading and trailing characters from `set`.
    func trimmingCharacters(in set: String) -> String {
        let s = Substring(self)
        guard let first = s.firstIndex(where: { !set.contains($0) }) else { return "" }
        let last = s.lastIndex(where: { !set.contains($0) })!
        return String(s[first...last])
    }
}
