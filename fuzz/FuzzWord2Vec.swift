// libFuzzer entry point for the word2vec readers (text and binary; issue 15: NaN, infinities and
// 1e39 were accepted). The first byte chooses the format (text, binary, or guessed from the
// bytes); a parsed file is queried once, as `latent words similar` would.

import LatentIO
import LatentText

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWord2Vec(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let format: Word2VecFormat? = [.text, .binary, nil][Int(bytes[0]) % 3]
    guard let vectors = try? KeyedVectors.parse(Array(bytes.dropFirst()), path: "fuzz.vec", format: format) else { return 0 }
    if let first = vectors.words.first {
        // A query must never see a non-finite cosine: the reader refuses what would make one.
        for neighbour in (try? vectors.mostSimilar(positive: [first], topN: Int(bytes[0]))) ?? [] where !neighbour.similarity.isFinite
            && vectors.words.count > 1 {
            fatalError("non-finite similarity \(neighbour.similarity) for '\(neighbour.word)'")
        }
    }
    return 0
}
