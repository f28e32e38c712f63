/// The positions of the ones of a matrix whose every entry is 0 or 1, row by row: compressed
/// sparse rows without values.
///
/// A product with such a matrix is a sum of selected rows of the other factor, which needs no
/// multiplications and, when most entries are 0, far fewer additions than a dense GEMM. Sampled
/// states of binary units (an RBM's Gibbs chains) and binarised images are such matrices.
public struct BinaryRows: Sendable {
    public let rows: Int
    public let columns: Int
    /// Where each row's column indices start in `indices`; `rows + 1` entries.
    public private(set) var offsets: [Int32]
    /// The columns of the ones, ascending within each row.
    public private(set) var indices: [Int32]

    /// The ones of the row-major `rows × columns` matrix at `p`, or nil when an entry is neither
    /// 0 nor 1 (NaN included) or the matrix is too large to index with 32-bit integers.
    public init?(_ p: UnsafePointer<Float>, rows: Int, columns: Int) {
        guard Self.canIndex(rows: rows, columns: columns) else { return nil }
        self.rows = rows
        self.columns = columns
        var offsets = [Int32](repeating: 0, count: rows + 1)
        var binary = true
        // Written straight into a buffer that can hold every entry, eight entries at a time: the
        // lane mask of the ones becomes a byte (`append`).
        let bit = SIMD8<Int32>(1, 2, 4, 8, 16, 32, 64, 128)
        let one = SIMD8<Float>(repeating: 1), zero = SIMD8<Float>(repeating: 0)
        let indices = [Int32](unsafeUninitializedCapacity: rows * columns + 8) { buffer, written in
            var n = 0
            outer: for r in 0..<rows {
                let row = p + r * columns
                var i = 0
                while i + 8 <= columns {
                    let v = UnsafeRawPointer(row + i).loadUnaligned(as: SIMD8<Float>.self)
                    let ones = v .== one
                    guard all(ones .| (v .== zero)) else { binary = false; break outer }
                    let bits = UInt32(bitPattern: (unsafeBitCast(ones, to: SIMD8<Int32>.self) & bit).wrappedSum())
                    Self.append(lanesOf: bits, base: i, to: buffer, at: &n)
                    i += 8
                }
                while i < columns {
                    let x = row[i]
                    if x == 1 { buffer[n] = Int32(i); n += 1 } else if x != 0 { binary = false; break outer }
                    i += 1
                }
                offsets[r + 1] = Int32(n)
            }
            written = n
        }
        guard binary else { return nil }
        self.offsets = offsets
        self.indices = indices
    }

    /// Whether a `rows × columns` matrix can be described: its entries are counted in 32 bits.
    public static func canIndex(rows: Int, columns: Int) -> Bool {
        let (size, overflow) = rows.multipliedReportingOverflow(by: columns)
        return rows >= 0 && columns >= 0 && !overflow && size < Int(Int32.max) - 8
    }

    /// Draws out[i] = 1 with probability p[i] (else 0) for the row-major `rows × columns`
    /// probabilities at `p`, and returns the ones: Bernoulli sampling and the sparse pattern of
    /// the sample in one pass, with uniforms from a `LaneRandom` seeded from `rng`. Nil, with
    /// nothing drawn, when `canIndex(rows:columns:)` is false.
    public static func sample(probabilities p: UnsafePointer<Float>, rows: Int, columns: Int,
                              using rng: inout RandomGenerator, into out: UnsafeMutablePointer<Float>) -> BinaryRows? {
        guard canIndex(rows: rows, columns: columns) else { return nil }
        let seeded = LaneRandom(seededFrom: &rng)
        var offsets = [Int32](repeating: 0, count: rows + 1)
        let bit = SIMD8<Int32>(1, 2, 4, 8, 16, 32, 64, 128)
        let one = SIMD8<Float>(repeating: 1)
        let indices = [Int32](unsafeUninitializedCapacity: rows * columns + 8) { buffer, written in
            var n = 0
            var lanes = seeded
            for r in 0..<rows {
                let row = p + r * columns, target = out + r * columns
                var i = 0
                while i < columns {
                    let u = lanes.nextUniforms()
                    let width = Swift.min(8, columns - i)
                    let probabilities: SIMD8<Float>
                    if width == 8 {
                        probabilities = UnsafeRawPointer(row + i).loadUnaligned(as: SIMD8<Float>.self)
                    } else {
                        var partial = SIMD8<Float>()
                        for k in 0..<width { partial[k] = row[i + k] }
                        probabilities = partial
                    }
                    // Masks as integer lanes (−1 or 0) and plain bitwise operations: the mask
                    // `replacing` forms were compiled lane by lane here.
                    let ones = unsafeBitCast(u .< probabilities, to: SIMD8<Int32>.self)
                    let values = unsafeBitCast(ones & unsafeBitCast(one, to: SIMD8<Int32>.self), to: SIMD8<Float>.self)
                    if width == 8 {
                        UnsafeMutableRawPointer(target + i).storeBytes(of: values, as: SIMD8<Float>.self)
                    } else {
                        for k in 0..<width { target[i + k] = values[k] }
                    }
                    let bits = UInt32(bitPattern: (ones & bit).wrappedSum())
                    Self.append(lanesOf: bits, base: i, to: buffer, at: &n)
                    i += 8
                }
                offsets[r + 1] = Int32(n)
            }
            written = n
        }
        return BinaryRows(rows: rows, columns: columns, offsets: offsets, indices: indices)
    }

    /// Writes `base + k` at `n` for each of the eight lanes k and advances `n` past the lanes
    /// whose bit is set: branch-free, as the bits of sampled states are unpredictable. The
    /// buffer needs 8 free places past the last one kept.
    @inline(__always)
    static func append(lanesOf bits: UInt32, base: Int, to buffer: UnsafeMutableBufferPointer<Int32>, at n: inout Int) {
        var m = bits
        for k in 0..<8 {
            buffer[n] = Int32(truncatingIfNeeded: base &+ k)
            n &+= Int(m & 1)
            m &>>= 1
        }
    }

    private init(rows: Int, columns: Int, offsets: [Int32], indices: [Int32]) {
        self.rows = rows
        self.columns = columns
        self.offsets = offsets
        self.indices = indices
    }

    /// The number of ones.
    public var count: Int { indices.count }

    /// The fraction of entries that are 1.
    public var density: Double { rows * columns == 0 ? 0 : Double(count) / Double(rows * columns) }

    /// The ones of the transposed matrix (a counting sort by column; rows stay ascending).
    public func transposed() -> BinaryRows {
        var offsets = [Int32](repeating: 0, count: columns + 1)
        for c in indices { offsets[Int(c) + 1] += 1 }
        for c in 0..<columns { offsets[c + 1] += offsets[c] }
        var next = offsets
        var out = [Int32](repeating: 0, count: indices.count)
        for r in 0..<rows {
            for k in Int(self.offsets[r])..<Int(self.offsets[r + 1]) {
                let c = Int(indices[k])
                out[Int(next[c])] = Int32(r)
                next[c] += 1
            }
        }
        return BinaryRows(rows: columns, columns: rows, offsets: offsets, indices: out)
    }

    /// Stacks `self` above `below`; nil when their columns differ or the stack is too large.
    public func stacked(above below: BinaryRows) -> BinaryRows? {
        guard columns == below.columns, Self.canIndex(rows: rows + below.rows, columns: columns) else { return nil }
        let shift = Int32(indices.count)
        return BinaryRows(rows: rows + below.rows, columns: columns,
                          offsets: offsets + below.offsets.dropFirst().map { $0 + shift },
                          indices: indices + below.indices)
    }

    /// C = bias + alpha · A·B for this matrix A (`rows × columns`) and the row-major B at `b`
    /// (`columns × width`, rows `ldb` apart): each row of C is the sum of the rows of B that the
    /// row of A selects, then scaled, plus `bias` (one value per column, or none). C is
    /// `rows × width`, rows `ldc` apart, overwritten. Rows of C are computed independently in a
    /// fixed order, so the result is the same for every thread count.
    public func multiply(_ b: UnsafePointer<Float>, ldb: Int, width: Int, alpha: Float = 1,
                         bias: UnsafePointer<Float>? = nil, into c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard rows > 0, width > 0 else { return }
        let work = Swift.max(1, (count + rows) * width / rows)
        offsets.withUnsafeBufferPointer { offsets in
            indices.withUnsafeBufferPointer { indices in
                let kernel = SelectedRowSum(b: b, ldb: ldb, alpha: alpha, bias: bias, c: c, ldc: ldc)
                func selected(_ r: Int) -> UnsafeBufferPointer<Int32> {
                    UnsafeBufferPointer(rebasing: indices[Int(offsets[r])..<Int(offsets[r + 1])])
                }
                // Column blocks outside, rows inside: one block of B's columns serves every row
                // while it is in cache (B can be larger than a core's L2).
                func run(rows: Range<Int>, columns: Range<Int>) {
                    var j = columns.lowerBound
                    while j + 64 <= columns.upperBound {
                        for r in rows { kernel.block64(selected(r), row: r, column: j) }
                        j += 64
                    }
                    while j + 8 <= columns.upperBound {
                        for r in rows { kernel.block8(selected(r), row: r, column: j) }
                        j += 8
                    }
                    for r in rows { kernel.scalarTail(selected(r), row: r, from: j, to: columns.upperBound) }
                }
                let panels = width / 64
                if panels >= 2 {
                    // Threads take panels of 64 columns (the last also the columns left over): each
                    // core then reads only its columns of every selected row of B, half the bytes
                    // a split by rows reads, which is what bounds this kernel.
                    parallelFor(panels, minChunk: Swift.max(1, 65_536 / Swift.max(1, (count + rows) * 64))) { range in
                        run(rows: 0..<rows, columns: range.lowerBound * 64..<(range.upperBound == panels ? width : range.upperBound * 64))
                    }
                } else {
                    parallelFor(rows, minChunk: Swift.max(1, 65_536 / work)) { range in run(rows: range, columns: 0..<width) }
                }
            }
        }
    }
}

/// The inner loops of `BinaryRows.multiply`: c[row, j...] = bias + alpha · Σₖ b[rows[k], j...].
private struct SelectedRowSum {
    typealias V = SIMD8<Float>
    let b: UnsafePointer<Float>, ldb: Int, alpha: Float, bias: UnsafePointer<Float>?
    let c: UnsafeMutablePointer<Float>, ldc: Int

    @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }

    @inline(__always) func finish(_ acc: V, row: Int, column j: Int) {
        var v = acc * V(repeating: alpha)
        if let bias { v += load(bias + j) }
        UnsafeMutableRawPointer(c + row * ldc + j).storeBytes(of: v, as: V.self)
    }

    /// 64 columns from `column`, in eight registers.
    @inline(__always) func block64(_ rows: UnsafeBufferPointer<Int32>, row: Int, column j: Int) {
        var a0 = V(), a1 = V(), a2 = V(), a3 = V(), a4 = V(), a5 = V(), a6 = V(), a7 = V()
        for k in 0..<rows.count {
            let src = b + Int(rows[k]) * ldb + j
            a0 += load(src); a1 += load(src + 8); a2 += load(src + 16); a3 += load(src + 24)
            a4 += load(src + 32); a5 += load(src + 40); a6 += load(src + 48); a7 += load(src + 56)
        }
        finish(a0, row: row, column: j); finish(a1, row: row, column: j + 8)
        finish(a2, row: row, column: j + 16); finish(a3, row: row, column: j + 24)
        finish(a4, row: row, column: j + 32); finish(a5, row: row, column: j + 40)
        finish(a6, row: row, column: j + 48); finish(a7, row: row, column: j + 56)
    }

    /// 8 columns from `column`.
    @inline(__always) func block8(_ rows: UnsafeBufferPointer<Int32>, row: Int, column j: Int) {
        var a = V()
        for k in 0..<rows.count { a += load(b + Int(rows[k]) * ldb + j) }
        finish(a, row: row, column: j)
    }

    /// Columns `from..<to`, one at a time.
    @inline(__always) func scalarTail(_ rows: UnsafeBufferPointer<Int32>, row: Int, from: Int, to: Int) {
        for j in from..<to {
            var a: Float = 0
            for k in 0..<rows.count { a += b[Int(rows[k]) * ldb + j] }
            c[row * ldc + j] = a * alpha + (bias?[j] ?? 0)
        }
    }
}
