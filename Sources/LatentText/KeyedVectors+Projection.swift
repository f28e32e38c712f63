import CLatentBLAS

extension KeyedVectors {
    /// 2-d coordinates of the given words by PCA over just those words: the picture people draw
    /// of a handful of embeddings (countries and capitals, genders, tenses).
    ///
    /// Centres the chosen vectors, takes the two leading eigenvectors of their covariance
    /// (LAPACK `dsyevd`, double precision) and projects onto them. Each axis's sign is fixed so
    /// that its largest-magnitude coefficient is positive, so the picture is reproducible.
    ///
    /// - Throws: `LatentTextError.unknownWord` for a word without a vector, `.invalidQuery` for
    ///   fewer than two words.
    public func project2D(_ words: [String]) throws -> [(x: Double, y: Double)] {
        guard words.count >= 2 else { throw LatentTextError.invalidQuery("a plot needs at least two words") }
        let rows = try words.map(row)
        let n = rows.count, d = vectorSize
        var mean = [Double](repeating: 0, count: d)
        for r in rows { for k in 0..<d { mean[k] += Double(vectors[r * d + k]) / Double(n) } }
        var x = [Double](repeating: 0, count: n * d)
        for (i, r) in rows.enumerated() { for k in 0..<d { x[i * d + k] = Double(vectors[r * d + k]) - mean[k] } }
        // Covariance d × d (symmetric; column-major and row-major agree).
        var cov = [Double](repeating: 0, count: d * d)
        for i in 0..<n {
            for a in 0..<d where x[i * d + a] != 0 {
                let xa = x[i * d + a]
                for b in 0..<d { cov[a * d + b] += xa * x[i * d + b] }
            }
        }
        var eigenvalues = [Double](repeating: 0, count: d)
        var info: Int32 = 0
        var size = Int32(d), lwork: Int32 = -1, liwork: Int32 = -1
        var workQuery = 0.0
        var iworkQuery: Int32 = 0
        let jobz = Int8(UInt8(ascii: "V")), uplo = Int8(UInt8(ascii: "U"))
        var jz = jobz, ul = uplo
        dsyevd_(&jz, &ul, &size, &cov, &size, &eigenvalues, &workQuery, &lwork, &iworkQuery, &liwork, &info)
        lwork = Int32(workQuery)
        liwork = iworkQuery
        var work = [Double](repeating: 0, count: Int(max(1, lwork)))
        var iwork = [Int32](repeating: 0, count: Int(max(1, liwork)))
        dsyevd_(&jz, &ul, &size, &cov, &size, &eigenvalues, &work, &lwork, &iwork, &liwork, &info)
        guard info == 0 else { throw LatentTextError.invalidQuery("the eigendecomposition failed (LAPACK info \(info))") }
        // Eigenvalues ascend: the last two columns are the leading components.
        var axes: [[Double]] = []
        for c in [d - 1, d - 2] {
            guard c >= 0 else { axes.append([Double](repeating: 0, count: d)); continue }
            var v = Array(cov[c * d..<(c + 1) * d])
            if let big = v.indices.max(by: { abs(v[$0]) < abs(v[$1]) }), v[big] < 0 { v = v.map { -$0 } }
            axes.append(v)
        }
        return (0..<n).map { i in
            var p = (x: 0.0, y: 0.0)
            for k in 0..<d {
                p.x += x[i * d + k] * axes[0][k]
                p.y += x[i * d + k] * axes[1][k]
            }
            return p
        }
    }
}
