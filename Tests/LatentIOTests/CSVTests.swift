import Foundation
import LatentTensor
import Testing
@testable import LatentIO

@Suite struct CSVTests {
    @Test func roundTripIsExact() throws {
        let dir = try ScratchDirectory()
        var rng = RandomGenerator(seed: 11)
        let t = Tensor.normal([17, 5], using: &rng)
        let header = ["a", "b,c", "d \"e\"", "f", "g"]
        try CSV.write(t, header: header, to: dir.file("x.csv"))
        #expect(try CSV.readFloats(path: dir.file("x.csv"), hasHeader: true) == t)
        let table = try CSV.readTable(path: dir.file("x.csv"))
        #expect(table.header == header && table.values == t)
        try CSV.write(t, to: dir.file("y.csv"))
        #expect(try CSV.readFloats(path: dir.file("y.csv"), hasHeader: false) == t)
    }

    @Test func toleratesCRLFSpacesQuotesAndBlankLines() throws {
        let dir = try ScratchDirectory()
        let path = try dir.write(Array("x,y\r\n 1.5 , \"2\"\r\n\r\n-3e2,inf\r\n".utf8), "w.csv")
        let t = try CSV.readFloats(path: path, hasHeader: true)
        #expect(t.shape == [2, 2] && t.scalars == [1.5, 2, -300, .infinity])
    }

    @Test func raggedRowsAndNonNumbersNameTheLine() throws {
        let dir = try ScratchDirectory()
        let ragged = try dir.write(Array("1,2\n3,4\n5\n".utf8), "r.csv")
        let e = expectIOError { _ = try CSV.readFloats(path: ragged, hasHeader: false) }
        #expect(e == .shapeMismatch(ragged, "line 3 has 1 fields, expected 2"))
        let word = try dir.write(Array("a,b\n1,2\n3,four\n".utf8), "n.csv")
        let n = expectIOError { _ = try CSV.readFloats(path: word, hasHeader: true) }
        #expect(n?.kind == "invalidValue" && n?.description.contains("line 3, column 2: 'four'") == true)
        #expect(expectIOError { _ = try CSV.readFloats(path: dir.file("none.csv"), hasHeader: false) }?.kind == "fileNotFound")
    }
}
