import Foundation
import LatentTensor

/// The processes of a data-parallel run and the collective operations training needs of them.
///
/// Every process (a *rank*) runs the same program on the same data and settings. Collectives must
/// be called by every rank, in the same order, with buffers of the same length: that is what
/// keeps them in step. `MPICommunicator` (module LatentDistributed) implements this on Open MPI;
/// `SingleProcess` is the trivial one-rank case every plain run uses.
public protocol Communicator: AnyObject, Sendable {
    /// This process's index, `0..<size`. Rank 0 alone writes files and progress.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }
    /// Replaces `values` on every rank by their element-wise sum over all ranks.
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>)
    /// Replaces `values` on every rank by their element-wise sum over all ranks.
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>)
    /// Rank `root`'s `bytes`, on every rank (the other ranks' `bytes` are ignored).
    func broadcast(_ bytes: [UInt8], root: Int) -> [UInt8]
    /// Ends every rank of the run with exit status `code`: what an error on one rank must do, or
    /// the others would wait for it in their next collective forever.
    func abort(code: Int32) -> Never
    /// Time and bytes spent in this rank's collectives so far.
    var tally: CommunicationTally { get }
}

/// What a rank's collectives have cost so far: wall time inside them (waiting for slower ranks
/// included) and payload bytes. Touched only by the thread that trains.
public final class CommunicationTally: @unchecked Sendable {
    public private(set) var seconds = 0.0
    public private(set) var bytes = 0
    public private(set) var calls = 0

    public init() {}

    /// Runs `body` (a collective on `bytes` bytes), timing it.
    public func measure<R>(bytes: Int, _ body: () throws -> R) rethrows -> R {
        let start = DispatchTime.now().uptimeNanoseconds
        defer {
            seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            self.bytes += bytes
            calls += 1
        }
        return try body()
    }
}

extension Communicator {
    /// Whether this is rank 0, the one that writes.
    public var isPrimary: Bool { rank == 0 }

    /// `values` summed over all ranks.
    public func allReduceSum(_ values: [Double]) -> [Double] {
        var v = values
        v.withUnsafeMutableBufferPointer { allReduceSum($0) }
        return v
    }

    /// Throws `DistributedError.disagreement` on every rank when the ranks' `fingerprint`s of
    /// `what` differ (different data files, different flags): a run whose ranks disagree would
    /// compute garbage or hang in a collective of mismatched length.
    public func checkAgreement(on what: String, fingerprint: [UInt8]) throws(DistributedError) {
        guard size > 1 else { return }
        let reference = broadcast(fingerprint, root: 0)
        var differs = [Double](repeating: 0, count: size)
        differs[rank] = reference == fingerprint ? 0 : 1
        let all = allReduceSum(differs)
        let ranks = all.indices.filter { all[$0] != 0 }
        if !ranks.isEmpty { throw .disagreement(what: what, ranks: ranks) }
    }
}

/// A plain run: one process, collectives that do nothing.
public final class SingleProcess: Communicator {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {}
    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) {}
    public func broadcast(_ bytes: [UInt8], root: Int) -> [UInt8] { bytes }
    public func abort(code: Int32) -> Never { exit(code) }
    public let tally = CommunicationTally()
}

/// What goes wrong between the ranks of a data-parallel run.
public enum DistributedError: Error, CustomStringConvertible, Equatable {
    /// Ranks computed different fingerprints of `what`.
    case disagreement(what: String, ranks: [Int])
    /// The run cannot be split across the ranks.
    case unsplittable(String)
    /// The MPI library failed or is missing.
    case mpi(String)
    /// Rank 0 failed (and reports why); the other ranks stop without a message of their own.
    case peerFailed

    public var description: String {
        switch self {
        case .disagreement(let what, let ranks):
            let list = ranks.map(String.init).joined(separator: ", ")
            return "data-parallel run: rank\(ranks.count == 1 ? "" : "s") \(list) \(ranks.count == 1 ? "has" : "have") other \(what) than rank 0; every rank must be started with the same flags and the same data"
        case .unsplittable(let why): return "data-parallel run: \(why)"
        case .mpi(let why): return "MPI: \(why)"
        case .peerFailed: return "data-parallel run: rank 0 failed"
        }
    }
}
