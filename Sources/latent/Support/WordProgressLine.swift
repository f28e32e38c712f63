import Foundation
import Latent

#if canImport(Glibc)
import Glibc
#endif

/// Progress of word-vector training on standard error: one line per epoch, and on a terminal a
/// line redrawn in place during word2vec's epochs. A value type with no mutable state, because
/// the trainers report from their worker threads.
struct WordProgressLine: Sendable {
    let quiet: Bool
    let interactive = isatty(2) != 0

    /// Draws `progress`.
    func update(_ progress: WordTrainingProgress) {
        switch progress {
        case .word2vec(let p):
            let alpha = String(format: "%.5f", p.alpha)
            if p.epochEnded {
                write("\(interactive ? "\r\u{1B}[K" : "")epoch \(p.epoch)/\(p.epochs)  alpha \(alpha)  \(Int(p.wordsPerSecond)) words/s  [\(duration(p.elapsed))]\n")
            } else if interactive {
                write("\r\u{1B}[Kepoch \(p.epoch)/\(p.epochs)  \(Int(p.fraction * 100))%  alpha \(alpha)  \(Int(p.wordsPerSecond)) words/s")
            }
        case .glove(let epoch, let epochs, let loss):
            write("epoch \(epoch)/\(epochs)  loss \(format(loss))\n")
        }
    }

    private func write(_ s: String) { if !quiet { FileHandle.standardError.write(Data(s.utf8)) } }
}
