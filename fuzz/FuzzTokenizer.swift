// libFuzzer entry point for the corpus tokenizer and the vocabulary scan behind `latent words
// train` (issue 15: a Latin-1 corpus trained to the end, then failed). Each input is written to a
// file in /dev/shm (the scan streams files through a fixed buffer, the path under test) and read
// back through Vocabulary.build with a tokenizer the first byte configures. Every word of a
// vocabulary built must be valid UTF-8 and unique.

import LatentText
#if canImport(Glibc)
import Glibc
#endif

let corpusPath = "/dev/shm/latent-fuzz-tokenizer-\(getpid()).txt"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenizer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let options = bytes[0]
    // A plain write: AtomicFile's fsync and rename would make the target I/O-bound (~200 inputs/s).
    guard let file = fopen(corpusPath, "wb") else { return 0 }
    let body = Array(bytes.dropFirst())
    let written = body.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    fclose(file)
    guard written == body.count else { return 0 }
    let tokenizer = Tokenizer(lowercase: options & 1 != 0, stripPunctuation: options & 2 != 0,
                              stopWords: options & 4 != 0 ? ["the", "a"] : [])
    if let vocabulary = try? Vocabulary.build(corpus: corpusPath, tokenizer: tokenizer, minCount: 1 + Int(options >> 6)) {
        if Set(vocabulary.words).count != vocabulary.words.count { fatalError("a vocabulary holds a word twice") }
    }
    _ = tokenizer.tokens(String(decoding: bytes.dropFirst(), as: UTF8.self))
    return 0
}
