/// A document with its tag: the unit doc2vec learns a vector for (gensim's `TaggedDocument`,
/// with one tag per document).
public struct TaggedDocument: Sendable, Equatable {
    /// The document's tokens (already split; `Doc2Vec` keeps those in its vocabulary).
    public var words: [String]
    /// The tag its vector is stored under. Documents sharing a tag share a vector.
    public var tag: String

    /// A document of `words` tagged `tag`.
    public init(words: [String], tag: String) {
        self.words = words
        self.tag = tag
    }
}

/// How the lines of a document file carry their tags.
public enum DocumentTags: String, Codable, Sendable, CaseIterable {
    /// `tag<TAB>text` when the first line holds a tab, else the line index.
    case auto
    /// Every line is `tag<TAB>text`.
    case tab
    /// The tag of each line is its index from 0 (gensim's `TaggedLineDocument`).
    case index
}

/// The documents doc2vec trains on, held in memory as vocabulary ids (4 bytes a token): the
/// vocabulary, each document's slice of `ids`, and its tag.
struct DocumentCorpus {
    /// The kept words, most frequent first.
    let vocabulary: Vocabulary
    /// The distinct tags, in order of first appearance: row `t` of the document matrix.
    let tags: [String]
    /// Per document, the row of its tag.
    let docTag: [Int32]
    /// Document `d` is `ids[offsets[d]..<offsets[d+1]]` (words outside the vocabulary removed).
    let offsets: [Int]
    /// Word ids of every document, back to back.
    let ids: [Int32]
    /// Tokens per document before the vocabulary dropped any (for the learning-rate schedule).
    let rawLengths: [Int]

    /// Number of documents.
    var count: Int { docTag.count }

    /// Reads the file at `path`, one document per line (`tags` says where the tags are), tokenizes
    /// it and builds the vocabulary.
    ///
    /// - Throws: `LatentIOError` when the file cannot be read; `LatentTextError.invalidCorpus`
    ///   naming the file and line for a document without words, a tagged line without a tab or
    ///   with an empty tag, or fewer than two documents; `.nothingReachesMinCount` as
    ///   `Vocabulary.build`.
    static func read(path: String, tags mode: DocumentTags, tokenizer: Tokenizer, minCount: Int,
                     maxVocab: Int?) throws -> DocumentCorpus {
        let scan = WordTable(capacity: 1 << 16)
        var counts: [Int] = [], raw: [Int32] = [], offsets = [0]
        var docTags: [String] = []
        try forEachDocument(path: path, tags: mode, tokenizer: tokenizer) { tag, token in
            let (id, inserted) = scan.insert(token)
            if inserted { counts.append(1) } else { counts[Int(id)] += 1 }
            raw.append(id)
        } documentEnd: { tag in
            docTags.append(tag)
            offsets.append(raw.count)
        }
        let (vocabulary, kept) = try Vocabulary.select(scan: scan, counts: counts, total: raw.count, path: path,
                                                       tokenizer: tokenizer, minCount: minCount, maxVocab: maxVocab)
        return DocumentCorpus(vocabulary: vocabulary, documentTags: docTags, rawOffsets: offsets, raw: raw,
                              scanCount: counts.count, kept: kept)
    }

    /// Streams the documents of the file at `path`: `token` gets each token's bytes (valid only
    /// during the call), `documentEnd` each document's tag once its tokens are through.
    ///
    /// - Throws: as `read`, for the file's layout (not the vocabulary).
    static func forEachDocument(path: String, tags mode: DocumentTags, tokenizer: Tokenizer,
                                token: (String, UnsafeBufferPointer<UInt8>) -> Void, documentEnd: (String) -> Void) throws {
        let bytes = try TextFile(path).readAll()
        let tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n")
        let tagged: Bool
        switch mode {
        case .tab: tagged = true
        case .index: tagged = false
        case .auto: tagged = (bytes.firstIndex(of: newline).map { bytes[..<$0] } ?? bytes[...]).contains(tab)
        }
        let stops = tokenizer.stopTable()
        var scanner = TokenScanner(classes: tokenizer.byteClasses())
        var documents = 0
        try bytes.withUnsafeBufferPointer { all in
            // Blank lines at the very end are no documents (a final newline or two).
            var limit = all.count
            while limit > 0 && all[limit - 1] <= 32 { limit -= 1 }
            var start = 0, line = 1
            while start < limit {
                var end = start
                while end < limit && all[end] != newline { end += 1 }
                defer { start = end + 1; line += 1 }
                var textStart = start
                let tag: String
                if tagged {
                    guard let t = all[start..<end].firstIndex(of: tab) else {
                        throw LatentTextError.invalidCorpus("\(path): line \(line) has no tab; a tagged corpus has 'tag<TAB>text' on every line")
                    }
                    tag = String(decoding: UnsafeBufferPointer(rebasing: all[start..<t]), as: UTF8.self)
                    guard !tag.isEmpty, !tag.utf8.contains(where: { $0 <= 32 }) else {
                        throw LatentTextError.invalidCorpus("\(path): line \(line): the tag '\(tag.prefix(40))' is empty or holds whitespace")
                    }
                    textStart = t + 1
                } else {
                    tag = String(documents)
                }
                var tokens = 0
                func emit(_ t: UnsafeBufferPointer<UInt8>) {
                    if let stops, stops.find(t) >= 0 { return }
                    tokens += 1
                    token(tag, t)
                }
                scanner.scan(UnsafeBufferPointer(rebasing: all[textStart..<end]), token: emit, lineEnd: {})
                scanner.flush(emit)
                guard tokens > 0 else {
                    throw LatentTextError.invalidCorpus("\(path): line \(line) is an empty document (no words)")
                }
                documentEnd(tag)
                documents += 1
            }
        }
        guard documents >= 2 else {
            throw LatentTextError.invalidCorpus("\(path): doc2vec needs at least 2 documents (one per line), the file holds \(documents)")
        }
    }

    /// The corpus of documents already split into words.
    static func make(_ documents: [TaggedDocument], tokenizer: Tokenizer, minCount: Int, maxVocab: Int?) throws -> DocumentCorpus {
        guard documents.count >= 2 else {
            throw LatentTextError.invalidCorpus("doc2vec needs at least 2 documents, got \(documents.count)")
        }
        let scan = WordTable(capacity: 1 << 12)
        var counts: [Int] = [], raw: [Int32] = [], offsets = [0]
        for (d, doc) in documents.enumerated() {
            guard !doc.words.isEmpty else { throw LatentTextError.invalidCorpus("document \(d) ('\(doc.tag)') is empty (no words)") }
            guard !doc.tag.isEmpty, !doc.tag.utf8.contains(where: { $0 <= 32 }) else {
                throw LatentTextError.invalidCorpus("document \(d): the tag '\(doc.tag)' is empty or holds whitespace")
            }
            for w in doc.words {
                let (id, inserted) = scan.insert(w)
                if inserted { counts.append(1) } else { counts[Int(id)] += 1 }
                raw.append(id)
            }
            offsets.append(raw.count)
        }
        let (vocabulary, kept) = try Vocabulary.select(scan: scan, counts: counts, total: raw.count, path: "documents",
                                                       tokenizer: tokenizer, minCount: minCount, maxVocab: maxVocab)
        return DocumentCorpus(vocabulary: vocabulary, documentTags: documents.map(\.tag), rawOffsets: offsets, raw: raw,
                              scanCount: counts.count, kept: kept)
    }

    /// Renumbers scanned ids into vocabulary ids (dropping the rest) and tags into rows.
    private init(vocabulary: Vocabulary, documentTags: [String], rawOffsets: [Int], raw: [Int32], scanCount: Int, kept: [Int]) {
        var map = [Int32](repeating: -1, count: scanCount)
        for (i, s) in kept.enumerated() { map[s] = Int32(i) }
        var ids: [Int32] = []
        ids.reserveCapacity(vocabulary.retainedWords)
        var offsets = [0]
        offsets.reserveCapacity(rawOffsets.count)
        for d in 0..<(rawOffsets.count - 1) {
            for k in rawOffsets[d]..<rawOffsets[d + 1] where map[Int(raw[k])] >= 0 { ids.append(map[Int(raw[k])]) }
            offsets.append(ids.count)
        }
        var rows: [String: Int32] = [:]
        var tags: [String] = []
        let docTag = documentTags.map { tag -> Int32 in
            if let r = rows[tag] { return r }
            rows[tag] = Int32(tags.count)
            tags.append(tag)
            return Int32(tags.count - 1)
        }
        self.vocabulary = vocabulary
        self.tags = tags
        self.docTag = docTag
        self.offsets = offsets
        self.ids = ids
        rawLengths = (0..<(rawOffsets.count - 1)).map { rawOffsets[$0 + 1] - rawOffsets[$0] }
    }
}
