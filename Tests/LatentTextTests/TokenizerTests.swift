import Foundation
import LatentIO
@testable import LatentText
import Testing

@Suite struct TokenizerTests {
    @Test func lowercasesAndStripsPunctuation() {
        #expect(Tokenizer().tokens("The U.S.-led coalition, in 2001; said \"no\".") ==
                ["the", "u", "s", "led", "coalition", "in", "2001", "said", "no"])
        #expect(Tokenizer(stripPunctuation: false).tokens("Don't stop.") == ["don't", "stop."])
        #expect(Tokenizer(stopWords: ["the", "in"]).tokens("The cat in THE hat") == ["cat", "hat"])
        // Multi-byte UTF-8 survives as part of a word.
        #expect(Tokenizer().tokens("Café São-Paulo") == ["café", "são", "paulo"])
    }

    /// Training threads stream disjoint byte ranges: together they must see every token exactly
    /// once, whatever the buffer size and wherever the boundaries fall (inside words too).
    @Test func rangesPartitionTheTokens() throws {
        let dir = try temporaryDirectory("tok")
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SystemRandomNumberGenerator()
        var text = ""
        let words = ["alpha", "be", "c", "delta-epsilon", "Zeta", "éta", "x"]
        for i in 0..<2000 {
            text += words[Int.random(in: 0..<words.count, using: &rng)]
            text += i % 17 == 0 ? "\n" : (i % 5 == 0 ? ",  " : " ")
        }
        let path = try write(text, to: dir, name: "corpus.txt")
        let tokenizer = Tokenizer()
        let expected = tokenizer.tokens(text)
        let file = try TextFile(path)
        for parts in [1, 2, 3, 7, 64] {
            for buffer in [5, 64, 1 << 20] {
                var got: [String] = []
                for p in 0..<parts {
                    try tokenizer.stream(file, range: file.size * p / parts..<file.size * (p + 1) / parts, bufferSize: buffer,
                                         token: { got.append(String(decoding: $0, as: UTF8.self)) }, lineEnd: {})
                }
                #expect(got == expected, "\(parts) parts, buffer \(buffer)")
            }
        }
    }

    @Test func vocabularyCountsAndOrders() throws {
        let dir = try temporaryDirectory("vocab")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try write("b a c a\nb a d\n", to: dir, name: "c.txt")
        let v = try Vocabulary.build(corpus: path, minCount: 2)
        #expect(v.words == ["a", "b"])
        #expect(v.counts == [3, 2])
        #expect(v.corpusWords == 7)
        #expect(v.id("b") == 1 && v.id("c") == nil)
        let capped = try Vocabulary.build(corpus: path, minCount: 1, maxVocab: 3)
        #expect(capped.words == ["a", "b", "c"])   // c before d: first appearance breaks the tie
    }

    @Test func badCorporaAreClearErrors() throws {
        let dir = try temporaryDirectory("bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = try write(" \n\n ,;. \n", to: dir, name: "empty.txt")
        #expect(throws: LatentTextError.emptyCorpus(empty)) { try Vocabulary.build(corpus: empty) }
        let rare = try write("one two three two\n", to: dir, name: "rare.txt")
        do {
            _ = try Word2Vec.train(corpus: rare, config: Word2VecConfig())
            Issue.record("expected an error")
        } catch let e as LatentTextError {
            #expect(e == .nothingReachesMinCount(path: rare, minCount: 5, distinctWords: 3, highestCount: 2))
            #expect(e.description.contains("min_count 5"))
        }
        #expect(throws: LatentIOError.self) { try Vocabulary.build(corpus: dir.path + "/missing.txt") }
        var config = Word2VecConfig()
        config.hierarchicalSoftmax = true
        #expect(throws: LatentTextError.self) { try config.validate() }
    }

    @Test func huffmanCodesArePrefixFreeAndShortForFrequentWords() {
        let counts = [50, 30, 10, 5, 3, 1, 1]
        let tree = HuffmanTree(counts: counts)
        var codes: [[UInt8]] = []
        for w in counts.indices {
            let range = Int(tree.offsets[w])..<Int(tree.offsets[w + 1])
            codes.append(Array(tree.codes[range]))
            #expect(tree.points[range].allSatisfy { $0 >= 0 && $0 < counts.count - 1 })
            #expect(tree.points[range].first == Int32(counts.count - 2))   // every path starts at the root
        }
        for i in codes.indices { for j in codes.indices where i != j { #expect(!codes[j].starts(with: codes[i])) } }
        #expect(tree.depth(0) <= tree.depth(6))
        #expect(tree.depth(0) == 1)
    }

    @Test func aliasTableDrawsTheRightDistribution() {
        let weights = [8.0, 4, 2, 1, 1]
        let table = AliasTable(weights: weights)
        var hits = [Int](repeating: 0, count: weights.count)
        var r: UInt64 = 12345
        let n = 200_000
        table.entries.withUnsafeBufferPointer { e in
            let c = Word2VecKernels.Context(input: .allocate(capacity: 1), output: .allocate(capacity: 1), stride: 8,
                                            sigmoid: UnsafePointer(UnsafeMutablePointer<Float>.allocate(capacity: 1)),
                                            noise: e.baseAddress!, noiseCount: e.count, negative: 1,
                                            offsets: UnsafePointer(UnsafeMutablePointer<Int32>.allocate(capacity: 1)),
                                            codes: UnsafePointer(UnsafeMutablePointer<UInt8>.allocate(capacity: 1)),
                                            points: UnsafePointer(UnsafeMutablePointer<Int32>.allocate(capacity: 1)),
                                            gradient: .allocate(capacity: 8), hidden: .allocate(capacity: 8),
                                            targets: .allocate(capacity: 2))
            for _ in 0..<n { hits[Int(Word2VecKernels.noiseWord(c, &r))] += 1 }
        }
        for (h, w) in zip(hits, weights) {
            let share = Double(h) / Double(n), want = w / 16
            #expect(abs(share - want) < 0.01, "share \(share) vs \(want)")
        }
    }
}
