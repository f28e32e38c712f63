import Testing
@testable import LatentPlot

@Suite("Ticks")
struct TicksTests {
    @Test func unitRange() {
        let t = Ticks.linear(0, 1, maxCount: 6)
        #expect(t.values == [0, 0.2, 0.4, 0.6, 0.8, 1.0])
        #expect(t.labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    }

    @Test func stepsAreOneTwoFive() {
        #expect(Ticks.niceStep(0.13) == 0.2)
        #expect(Ticks.niceStep(3) == 5)
        #expect(Ticks.niceStep(7) == 10)
        #expect(Ticks.niceStep(1) == 1)
        #expect(Ticks.niceStep(0.2) == 0.2)
        #expect(Ticks.niceStep(250) == 500)
    }

    @Test func expandsToCoverData() {
        let t = Ticks.linear(0.13, 9.7)
        #expect(t.values.first == 0 && t.values.last == 10)
        #expect(t.lower == 0 && t.upper == 10)
        let u = Ticks.linear(-3.2, 4.1, maxCount: 8)
        #expect(u.values == [-4, -2, 0, 2, 4, 6])
        #expect(u.labels.first == "-4" && u.labels.contains("0"))
        let e = Ticks.linear(1, 100, maxCount: 6, expand: false)
        #expect(e.values == [20, 40, 60, 80, 100] && e.lower == 1 && e.upper == 100)
    }

    @Test func smallAndLargeMagnitudes() {
        let s = Ticks.linear(0.0012, 0.0047, maxCount: 5)
        #expect(s.values == [0.001, 0.002, 0.003, 0.004, 0.005])
        #expect(s.labels == ["0.001", "0.002", "0.003", "0.004", "0.005"])
        let tiny = Ticks.linear(1e-6, 5e-6, maxCount: 5)
        #expect(tiny.labels.contains("2e-06") || tiny.labels.contains("2e-6"))
        let big = Ticks.linear(0, 3e7, maxCount: 4)
        #expect(big.labels.last == "3e7" || big.labels.last == "4e7")
    }

    @Test func degenerateRanges() {
        let t = Ticks.linear(5, 5)
        #expect(t.lower < 5 && t.upper > 5 && t.values.contains(5))
        let n = Ticks.linear(.nan, 1)
        #expect(n.values.count >= 2)
    }

    @Test func logarithmic() {
        let t = Ticks.logarithmic(0.003, 2.5)
        #expect(t.values == [0.001, 0.01, 0.1, 1, 10])
        #expect(t.labels == ["0.001", "0.01", "0.1", "1", "10"])
        let narrow = Ticks.logarithmic(0.3, 0.9)
        #expect(narrow.values == [0.2, 0.5, 1])
        let wide = Ticks.logarithmic(1e-8, 1e8)
        #expect(wide.values.count <= 9 && wide.values.first! <= 1e-8 && wide.values.last! >= 1e8)
        #expect(wide.labels.contains("1") && wide.labels.contains("1e5"))
    }
}
