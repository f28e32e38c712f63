import Foundation
import Latent

/// Document vectors: doc2vec on the shipped news corpus, gensim's self-similarity check and the
/// neighbours of a new text, made by the functions behind `latent docs train` and `similar`.
struct DocumentsSection: DemoSection {
    let key = "docs", title = "Document vectors (doc2vec)"

    /// A text written for the demo (not in the corpus): its inferred vector finds related articles.
    static let query = "firefighters battled bushfires burning out of control near sydney as hot dry winds fanned the flames"

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Metric]) {
        let corpus = try EmbeddedData.textCorpus()
        let lines = String(decoding: try Data(contentsOf: URL(fileURLWithPath: corpus)), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func snippet(_ tag: String) -> String {
            guard let i = Int(tag), i < lines.count else { return "" }
            let line = lines[i]
            return line.count > 110 ? String(line.prefix(110)) + "…" : line
        }
        // gensim's tutorial settings, in the quick tour too (both models train in well under a second).
        var rows: [[String]] = []
        var figures: [String: Metric] = [:]
        var dbow: DocumentTrainingReport?
        for dm in [false, true] {
            var settings = DocumentTrainingSettings(corpus: corpus)
            settings.dm = dm
            settings.dimensions = 50
            settings.minCount = 2
            settings.epochs = 40
            settings.seed = context.seed
            let name = dm ? "pv-dm" : "pv-dbow"
            let report = try DocumentEmbeddingExperiment.train(settings, out: try context.folder(key) + "/" + name)
            let r = report.model.report, check = report.selfCheck
            context.progress.note("\(report.model.config.name): \(Int(r.documentsPerSecond)) documents/s, self-check \(String(format: "%.1f", (check?.first ?? 0) * 100)) %")
            rows.append([report.model.config.name, "\(settings.dimensions)", "\(settings.epochs)",
                         "\(duration(r.trainingSeconds)) (\(Int(r.documentsPerSecond)) documents/s)",
                         String(format: "%.1f %%", (check?.first ?? 0) * 100), String(format: "%.1f %%", (check?.topTwo ?? 0) * 100)])
            figures[name] = .map(["documents_per_second": .number(r.documentsPerSecond), "training_seconds": .number(r.trainingSeconds),
                                  "self_rank_first": .number(check?.first ?? 0), "self_rank_top2": .number(check?.topTwo ?? 0)])
            if !dm { dbow = report }
        }
        guard let model = dbow?.model else { throw ExperimentError("the documents section trains PV-DBOW first") }
        let neighbours = try model.mostSimilar(text: DocumentsSection.query, topN: 3)
        figures["query_neighbours"] = .list(neighbours.map { .text($0.word) })
        let section = HTMLReport.Section(title, blocks: [
            .paragraph("doc2vec (Le & Mikolov 2014) learns one vector per document beside the word vectors: PV-DBOW trains each document's vector to predict its own words, PV-DM predicts each word from the document's vector and the words around it. On the \(model.report.documents) news articles of the Lee corpus (gensim's tutorial settings: min count 2, \(model.config.epochs) epochs), each training document is then re-inferred from its words alone, as a new document would be, and ranked among all \(model.report.documents) document vectors: gensim's tutorial expects more than 95 % to find themselves first."),
            .table(header: ["model", "dimensions", "epochs", "training", "rank themselves first", "in the top 2"], rows: rows),
            .paragraph("A sentence written for this page, not in the corpus, inferred with PV-DBOW: “\(DocumentsSection.query)”. Its nearest articles:"),
            .table(header: ["document", "cosine", "begins"], rows: neighbours.map { [$0.word, String(format: "%.3f", $0.similarity), snippet($0.word)] }),
            .keyValues([("files", "\(key)/pv-dbow/model.safetensors (for latent docs infer / similar), documents.bin and documents.txt (word2vec formats, gensim reads them), documents.npy")]),
        ])
        return (section, figures)
    }
}
