import Foundation

/// Text for picture titles. A title names the data, not where it lives: absolute paths make
/// titles long (they wrap or crowd the picture) and leak the machine's directory layout.
public enum PictureTitle {
    /// The title of a grid of filters showing the weights of the first `shown` of `count` `units`
    /// ("hidden units"): the grid often shows only some, and the picture should say so.
    public static func filters(shown: Int, of count: Int, units: String) -> String {
        shown == count ? "Weights of the \(count) \(units)" : "Weights of the first \(shown) of \(count) \(units)"
    }

    /// `text` with every word that is a file path cut to its last component, keeping brackets
    /// and punctuation around it: "MNIST test (/data/mnist)" becomes "MNIST test (mnist)".
    public static func withoutDirectories(_ text: String) -> String {
        text.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
            guard word.contains("/") else { return String(word) }
            let leading = word.prefix { "([{\"'".contains($0) }
            let trailing = String(word.reversed().prefix { ")]}\"',;:".contains($0) }.reversed())
            let core = word.dropFirst(leading.count).dropLast(trailing.count)
            var last = core
            while last.hasSuffix("/") && last.count > 1 { last = last.dropLast() }
            let name = last.split(separator: "/").last.map(String.init) ?? String(core)
            return leading + name + trailing
        }.joined(separator: " ")
    }
}
