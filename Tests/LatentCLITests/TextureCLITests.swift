import Foundation
import Latent
import Testing

/// `latent texture` and `latent style` end to end, and their bad inputs.
@Suite(.serialized) struct TextureCLITests {
    @Test func textureAndStyleWriteTheirRunFolders() throws {
        let dir = try temporaryDirectory("texture")
        defer { try? FileManager.default.removeItem(at: dir) }
        // A greyscale PNG style (converted to RGB), then a JPEG style on a colour PNG.
        var r = try CLI.run(["texture", "--style", "Data/images/gravel.png", "--size", "32", "--steps", "5",
                             "--threads", "1", "--quiet", "--out", dir.path + "/texture"])
        #expect(r.status == 0, "\(r.stderr)")
        for file in ["image.png", "image.npy", "progress.png", "loss.png", "metrics.json", "network.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: dir.path + "/texture/" + file), "texture lacks \(file)")
        }
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("texture/metrics.json"))) as? [String: Any]
        let initial = metrics?["initial_style_loss"] as? Double ?? 0, final = metrics?["final_style_loss"] as? Double ?? .infinity
        #expect(final < initial, "style loss \(initial) → \(final)")
        #expect((metrics?["curve"] as? [Any])?.count == 5)
        r = try CLI.run(["style", "--content", "Data/images/chelsea.png", "--style", "Data/images/rocket.jpg", "--size", "32",
                         "--steps", "3", "--optimizer", "adam", "--style-weight", "100", "--threads", "1", "--quiet",
                         "--out", dir.path + "/style"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("content loss"))
        let image = try ColorImage.read(dir.path + "/style/image.png")
        #expect(image.width == 32 && image.height == 21)
    }

    @Test func badInputsAreOneLineErrorsAndWriteNothing() throws {
        let dir = try temporaryDirectory("texture-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let png = try Data(contentsOf: CLI.root.appendingPathComponent("Data/images/chelsea.png"))
        let jpeg = try Data(contentsOf: CLI.root.appendingPathComponent("Data/images/rocket.jpg"))
        try png.prefix(png.count / 2).write(to: dir.appendingPathComponent("truncated.png"))
        var corrupt = png
        corrupt[40] ^= 0xFF   // inside IHDR: its CRC no longer matches
        try corrupt.write(to: dir.appendingPathComponent("corrupt.png"))
        try jpeg.prefix(jpeg.count / 2).write(to: dir.appendingPathComponent("truncated.jpg"))
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 16] + [UInt8](repeating: 0x41, count: 64)).write(to: dir.appendingPathComponent("corrupt.jpg"))
        try Data(PNG.encode(width: 1, height: 1, colorType: .rgb, pixels: [200, 10, 10])).write(to: dir.appendingPathComponent("dot.png"))
        try Data("hello".utf8).write(to: dir.appendingPathComponent("text.png"))
        let mlp = try Classifier(Classifier.Config(inputSize: 784, hidden: [8], classes: 10))
        try mlp.save(to: dir.path + "/mlp.safetensors")

        let style = "Data/images/gravel.png"
        let cases: [(args: [String], mentions: String)] = [
            (["texture", "--style", dir.path + "/truncated.png"], "truncated.png"),
            (["texture", "--style", dir.path + "/corrupt.png"], "corrupt.png"),
            (["texture", "--style", dir.path + "/truncated.jpg"], "truncated.jpg"),
            (["texture", "--style", dir.path + "/corrupt.jpg"], "corrupt.jpg"),
            (["texture", "--style", dir.path + "/text.png"], "text.png"),
            (["texture", "--style", dir.path + "/missing.png"], "missing.png"),
            (["texture", "--style", dir.path + "/dot.png"], "1×1"),
            (["style", "--content", dir.path + "/dot.png", "--style", style], "dot.png"),
            (["style", "--content", style, "--style", style, "--style-weight", "nan"], "--style-weight"),
            (["style", "--content", style, "--style", style, "--style-weight=-1"], "--style-weight"),
            (["style", "--content", style, "--style", style, "--content-weight=-0.5"], "--content-weight"),
            (["texture", "--style", style, "--tv-weight", "nan"], "--tv-weight"),
            (["texture", "--style", style, "--lr=-1"], "--lr"),
            (["texture", "--style", style, "--size", "1"], "--size"),
            (["texture", "--style", style, "--optimizer", "sgd"], "sgd"),
            (["texture", "--style", style, "--layers", "0,9"], "layer 9"),
            (["texture", "--style", style, "--network", dir.path + "/mlp.safetensors"], "no convolutional layers"),
            (["texture", "--style", style, "--network", dir.path + "/text.png"], "text.png"),
        ]
        for (args, mentions) in cases {
            let out = dir.path + "/run"
            let size = args.contains("--size") ? [] : ["--size", "32"]
            let r = try CLI.run(args + size + ["--steps", "2", "--threads", "1", "--out", out])
            let lines = r.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n")
            #expect(r.status != 0, "\(args) should fail")
            // The first line says what is wrong; a flag the parser rejects is followed by its usage,
            // as for every command; every other error is that line alone.
            #expect(lines.first?.contains(mentions) == true, "\(args): \(r.stderr)")
            if !args.contains("sgd") { #expect(lines.count == 1, "\(args): \(r.stderr)") }
            #expect(!FileManager.default.fileExists(atPath: out), "\(args) left a run folder")
        }
    }
}
