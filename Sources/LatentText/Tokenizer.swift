/// Splits text into lowercase word tokens, streaming: files of any size pass through a fixed buffer.
///
/// Works on UTF-8 bytes. ASCII letters are lowercased; with `stripPunctuation` every ASCII byte
/// that is not a letter or digit separates tokens (so `U.S.-led` gives `u`, `s`, `led`), otherwise
/// only whitespace does. Bytes of multi-byte UTF-8 characters are kept as they are (not
/// case-folded), so words in other scripts survive intact. A newline ends a sentence; word2vec
/// windows never cross it, as with gensim's `LineSentence`.
///
/// ```swift
/// let tokenizer = Tokenizer(stopWords: Tokenizer.englishStopWords)
/// try tokenizer.forEachSentence(inFile: "corpus.txt") { words in print(words) }
/// ```
public struct Tokenizer: Sendable, Codable, Equatable {
    /// Lowercase ASCII letters (default true).
    public var lowercase: Bool
    /// Treat ASCII punctuation as a separator (default true); otherwise split on whitespace only.
    public var stripPunctuation: Bool
    /// Tokens to drop (compared after lowercasing). Empty by default: word2vec's own frequent-word
    /// subsampling does this job better than a fixed list, but bags of words often want one.
    public var stopWords: Set<String>

    /// A tokenizer with the given options.
    public init(lowercase: Bool = true, stripPunctuation: Bool = true, stopWords: Set<String> = []) {
        self.lowercase = lowercase
        self.stripPunctuation = stripPunctuation
        self.stopWords = stopWords
    }

    /// Byte classes: 0 separates, 1 separates and ends a line, anything else is the byte to keep.
    func byteClasses() -> [UInt8] {
        var table = [UInt8](repeating: 0, count: 256)
        for b in 0..<256 {
            let c = UInt8(b)
            switch c {
            case UInt8(ascii: "\n"): table[b] = 1
            case 0...32, 127: table[b] = 0
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): table[b] = lowercase ? c + 32 : c
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), 128...255: table[b] = c
            default: table[b] = stripPunctuation ? 0 : c
            }
        }
        return table
    }

    /// The tokens of `text`.
    public func tokens(_ text: String) -> [String] {
        var out: [String] = []
        var text = text
        text.withUTF8 { bytes in
            let stops = stopTable()
            var scanner = TokenScanner(classes: byteClasses())
            func emit(_ t: UnsafeBufferPointer<UInt8>) {
                if let stops, stops.find(t) >= 0 { return }
                out.append(String(decoding: t, as: UTF8.self))
            }
            scanner.scan(bytes, token: emit, lineEnd: {})
            scanner.flush(emit)
        }
        return out
    }

    /// Calls `body` with the tokens of each line of the file at `path`, streaming.
    public func forEachSentence(inFile path: String, _ body: ([String]) throws -> Void) throws {
        let file = try TextFile(path)
        var sentence: [String] = []
        var failure: Error?
        try stream(file, range: 0..<file.size, token: { t in
            sentence.append(String(decoding: t, as: UTF8.self))
        }, lineEnd: {
            guard failure == nil, !sentence.isEmpty else { return }
            do { try body(sentence) } catch { failure = error }
            sentence.removeAll(keepingCapacity: true)
        })
        if let failure { throw failure }
        if !sentence.isEmpty { try body(sentence) }
    }

    func stopTable() -> WordTable? {
        guard !stopWords.isEmpty else { return nil }
        let table = WordTable(capacity: stopWords.count)
        for w in stopWords { table.insert(lowercase ? w.lowercased() : w) }
        return table
    }

    /// Streams the tokens of the bytes `range` of `file` through a buffer of `bufferSize` bytes.
    ///
    /// A token belongs to the range its first byte lies in, so the ranges of a partition of the
    /// file see every token exactly once (how training threads split a corpus). `token` gets the
    /// lowercased bytes, valid only during the call.
    func stream(_ file: TextFile, range: Range<Int>, bufferSize: Int = 1 << 20,
                token: (UnsafeBufferPointer<UInt8>) -> Void, lineEnd: () -> Void) throws {
        let classes = byteClasses()
        let stops = stopTable()
        var scanner = TokenScanner(classes: classes)
        // No bigger than the range (a small file gets a small buffer), and at least the 4 KiB
        // the skip of a previous range's token reads.
        let bufferSize = Swift.max(4096, Swift.min(bufferSize, range.count))
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: bufferSize)
        defer { buffer.deallocate() }
        var position = range.lowerBound
        // A token that starts before the range belongs to the previous one: skip its tail.
        if position > 0 && position < file.size {
            var previous: UInt8 = 0
            _ = try file.read(into: &previous, count: 1, at: position - 1)
            scanner.skipping = classes[Int(previous)] > 1
        }
        let end = Swift.min(range.upperBound, file.size)
        func emit(_ t: UnsafeBufferPointer<UInt8>) {
            if let stops, stops.find(t) >= 0 { return }
            token(t)
        }
        while position < end {
            let n = try file.read(into: buffer, count: Swift.min(bufferSize, end - position), at: position)
            if n == 0 { break }
            position += n
            scanner.scan(UnsafeBufferPointer(start: buffer, count: n), token: emit, lineEnd: lineEnd)
        }
        // A token straddling the end of the range is ours: read on until it ends.
        while scanner.inToken && position < file.size {
            let n = try file.read(into: buffer, count: Swift.min(bufferSize, 4096, file.size - position), at: position)
            if n == 0 { break }
            position += n
            if scanner.scan(UnsafeBufferPointer(start: buffer, count: n), stopAtSeparator: true,
                            token: emit, lineEnd: lineEnd) { break }
        }
        scanner.flush(emit)
    }

    /// Common English function words, for bag-of-words models (`stopWords:`).
    public static let englishStopWords: Set<String> = [
        "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could",
        "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has",
        "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if",
        "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor",
        "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out",
        "over", "own", "s", "said", "same", "she", "should", "so", "some", "such", "t", "than", "that", "the",
        "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through",
        "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which",
        "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves",
    ]
}

/// The byte loop of the tokenizer, carrying a partial token from one buffer to the next.
struct TokenScanner {
    /// Tokens longer than this are cut (no word is this long; a binary file would be).
    static let maxTokenLength = 1024
    let classes: [UInt8]
    private var token = [UInt8](repeating: 0, count: TokenScanner.maxTokenLength)
    private var length = 0
    /// Dropping bytes until the next separator (the tail of a token owned by another range).
    var skipping = false

    init(classes: [UInt8]) { self.classes = classes }

    var inToken: Bool { length > 0 || skipping }

    /// Scans `bytes`; with `stopAtSeparator`, stops at the first separator where no token is open
    /// and returns true.
    @inline(__always) @discardableResult
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, stopAtSeparator: Bool = false,
                       token emit: (UnsafeBufferPointer<UInt8>) -> Void, lineEnd: () -> Void) -> Bool {
        var length = self.length
        var skipping = self.skipping
        var stopped = false
        classes.withUnsafeBufferPointer { cls in
            token.withUnsafeMutableBufferPointer { tok in
                for b in bytes {
                    let c = cls[Int(b)]
                    if c > 1 {
                        if !skipping && length < TokenScanner.maxTokenLength {
                            tok[length] = c
                            length += 1
                        }
                        continue
                    }
                    skipping = false
                    if length > 0 {
                        emit(UnsafeBufferPointer(rebasing: tok[0..<length]))
                        length = 0
                    }
                    if stopAtSeparator {
                        stopped = true
                        break
                    }
                    if c == 1 { lineEnd() }
                }
            }
        }
        self.length = length
        self.skipping = skipping
        return stopped
    }

    /// Emits the open token, if any.
    mutating func flush(_ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        if length > 0 {
            token.withUnsafeBufferPointer { emit(UnsafeBufferPointer(rebasing: $0[0..<length])) }
            length = 0
        }
        skipping = false
    }
}
