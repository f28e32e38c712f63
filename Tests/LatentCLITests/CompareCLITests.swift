import Foundation
import Latent
import Testing

/// `latent compare`: one metric of several runs on one chart, and its refusals.
@Suite struct CompareCLITests {
    /// A metrics.json with `values` as the per-epoch `test_loss` (nil: the epoch lacks it).
    static func writeRun(_ dir: String, _ values: [Double?]) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let epochs = values.map { v -> String in
            v.map { "{\"test_loss\": \($0), \"train_loss\": 1}" } ?? "{\"train_loss\": 1}"
        }
        try "{\"format_version\": 2, \"command\": \"train\", \"epochs\": [\(epochs.joined(separator: ","))]}"
            .write(toFile: dir + "/metrics.json", atomically: true, encoding: .utf8)
    }

    @Test func readsCurvesSkipsMissingEpochsAndDrawsOneChart() throws {
        let dir = try temporaryDirectory("compare")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeRun(dir.path + "/a", [3, 2, nil, 1])
        try Self.writeRun(dir.path + "/b", [4, 3.5, 3])
        let curve = try RunComparison.curve(run: dir.path + "/a", metric: "test_loss")
        #expect(curve.name == "a" && curve.epochs == [1, 2, 4] && curve.values == [3, 2, 1])
        #expect(try RunComparison.commonMetrics(runs: [dir.path + "/a", dir.path + "/b"]) == ["test_loss", "train_loss"])

        let chart = dir.path + "/loss.svg"
        let r = try CLI.run(["compare", dir.path + "/a", dir.path + "/b/metrics.json", "--metric", "test_loss",
                             "--names", "pretrained,scratch", "--out", chart], timeout: 60)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("pretrained  last 1.0000 (epoch 4)  best 1.0000 (epoch 4)"), "\(r.stdout)")
        #expect(r.stdout.contains("scratch     last 3.0000 (epoch 3)"), "\(r.stdout)")
        let svg = try String(contentsOfFile: chart, encoding: .utf8)
        #expect(svg.contains("<svg"))
    }

    @Test func refusesMissingRunsUnknownMetricsAndBadOutputs() throws {
        let dir = try temporaryDirectory("compare-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeRun(dir.path + "/a", [1, 2])
        try "not json".write(toFile: dir.path + "/junk.json", atomically: true, encoding: .utf8)
        let cases: [([String], [String])] = [
            ([dir.path + "/nothing", "--metric", "test_loss"], ["nothing", "no such file"]),
            ([dir.path + "/a", "--metric", "accuracy"], ["accuracy", "test_loss, train_loss"]),
            ([dir.path + "/junk.json", "--metric", "test_loss"], ["junk.json", "not a JSON object"]),
            ([dir.path + "/a", "--metric", "test_loss", "--names", "x,y"], ["--names"]),
        ]
        for (arguments, naming) in cases {
            try HostileInputCLITests.expectRefused(["compare"] + arguments + ["--out", dir.path + "/out.png"], naming: naming,
                                                   in: dir, out: false)
            #expect(!FileManager.default.fileExists(atPath: dir.path + "/out.png"))
        }
        try HostileInputCLITests.expectRefused(["compare", dir.path + "/a", "--metric", "test_loss", "--out", dir.path + "/c.gif"],
                                               naming: ["--out", ".png"], in: dir, out: false)
    }
}
