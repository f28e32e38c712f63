import Foundation
import LatentIO
import LatentTensor
import LatentText
import Testing

@Suite struct BagOfWordsTests {
    @Test func tfidfWeights() {
        let docs = [["cat", "sat", "cat"], ["dog", "sat"]]
        let bow = BagOfWords(documents: docs, weighting: .tfidf)
        #expect(bow.vocabulary.words == ["cat", "sat", "dog"])
        // idf(cat) = ln(3/2) + 1, idf(sat) = ln(3/3) + 1 = 1; then unit length.
        let v = bow.vector(["cat", "sat", "cat", "unknown"])
        let cat = Float(2 * (log(1.5) + 1)), sat: Float = 1, norm = (cat * cat + sat * sat).squareRoot()
        #expect(v.indices == [0, 1])
        #expect(abs(v.values[0] - cat / norm) < 1e-6 && abs(v.values[1] - sat / norm) < 1e-6)
        #expect(BagOfWords(documents: docs, weighting: .counts).vector(["cat", "cat"]).values == [2])
    }

    /// Three topics drawn from overlapping word lists with shared filler: the linear classifier on
    /// TF-IDF must sort held-out documents.
    @Test func linearClassifierOnLabelledCorpus() throws {
        let dir = try temporaryDirectory("clf")
        defer { try? FileManager.default.removeItem(at: dir) }
        let topics = ["sport": ["match", "goal", "team", "score", "league", "coach", "win"],
                      "politics": ["vote", "party", "election", "minister", "law", "win", "debate"],
                      "science": ["atom", "cell", "theory", "experiment", "energy", "data", "debate"]]
        let filler = ["the", "a", "of", "and", "today", "new", "said", "people", "time", "year"]
        var rng = RandomGenerator(seed: 7)
        func corpus(_ n: Int) -> String {
            var lines: [String] = []
            for i in 0..<n {
                let label = ["sport", "politics", "science"][i % 3]
                let words = (0..<12).map { _ in
                    rng.nextFloat() < 0.3 ? topics[label]![rng.nextInt(below: 7)] : filler[rng.nextInt(below: filler.count)]
                }
                lines.append(label + "\t" + words.joined(separator: " ").capitalized + ".")
            }
            return lines.joined(separator: "\n")
        }
        let train = try LabeledCorpus.read(try write(corpus(300), to: dir, name: "train.tsv"))
        let test = try LabeledCorpus.read(try write(corpus(150), to: dir, name: "test.tsv"), classes: train.classes)
        let bow = BagOfWords(documents: train.documents, minCount: 2, weighting: .tfidf)
        var clf = LinearTextClassifier(features: bow.count, classes: train.classes.count)
        let losses = clf.fit(train.documents.map(bow.vector), targets: train.targets, epochs: 10)
        #expect(losses.last! < losses.first!)
        let accuracy = clf.accuracy(test.documents.map(bow.vector), targets: test.targets)
        #expect(accuracy > 0.85, "held-out accuracy \(accuracy)")
        // Bad lines name the file and line.
        let bad = try write("sport\tok\nno tab here\n", to: dir, name: "bad.tsv")
        #expect(throws: LatentIOError.corrupt(bad, "line 2: expected 'label<TAB>text'")) { try LabeledCorpus.read(bad) }
    }
}
