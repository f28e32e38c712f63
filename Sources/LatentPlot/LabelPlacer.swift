import Foundation

/// Places text labels next to points so that no two labels overlap and no label covers a point,
/// in the spirit of matplotlib's adjustText: each label tries spots around its point, nearest
/// first, and takes the first free one; labels pushed away from their point get a leader line.
///
/// Greedy and deterministic: labels are placed in the order given, so put the important ones first.
public struct LabelPlacer: Sendable {
    /// A label's box in pixels and whether it sits far enough from its point to need a line to it.
    public struct Placement: Sendable, Equatable {
        /// Left edge.
        public var x0: Double
        /// Top edge.
        public var y0: Double
        /// Right edge.
        public var x1: Double
        /// Bottom edge.
        public var y1: Double
        /// Whether the label was moved beyond the spots right beside its point.
        public var needsLeader: Bool

        /// Whether this box and `other` overlap (boxes that only touch do not).
        public func overlaps(_ other: Placement) -> Bool {
            x0 < other.x1 && other.x0 < x1 && y0 < other.y1 && other.y0 < y1
        }

        /// The point of the box nearest to `(x, y)`: where a leader line ends.
        public func nearestPoint(to x: Double, _ y: Double) -> (x: Double, y: Double) {
            (min(max(x, x0), x1), min(max(y, y0), y1))
        }
    }

    /// The area labels must stay in: left, top, right, bottom.
    public var bounds: (x0: Double, y0: Double, x1: Double, y1: Double)
    /// The radius around each point that no label may cover (the dot and a little air).
    public var pointRadius: Double
    /// Space kept between two labels.
    public var padding: Double

    /// A placer for labels inside `bounds`.
    public init(bounds: (x0: Double, y0: Double, x1: Double, y1: Double), pointRadius: Double = 5, padding: Double = 2) {
        self.bounds = bounds
        self.pointRadius = pointRadius
        self.padding = padding
    }

    /// Boxes for labels of `sizes[i]` beside `points[i]` (same count), covering neither those
    /// points nor the unlabelled `obstacles`.
    public func place(points: [(x: Double, y: Double)], sizes: [(width: Double, height: Double)],
                      obstacles: [(x: Double, y: Double)] = []) -> [Placement] {
        precondition(points.count == sizes.count, "LabelPlacer: \(points.count) points but \(sizes.count) labels")
        // Directions in order of preference: right, left, above, below, then the diagonals and
        // the sixteenth-turns between them.
        let angles: [Double] = [0, 180, 270, 90, 315, 225, 45, 135, 337.5, 202.5, 292.5, 247.5, 22.5, 157.5, 67.5, 112.5]
        let diagonal = hypot(bounds.x1 - bounds.x0, bounds.y1 - bounds.y0)
        let step = max(4, pointRadius)
        var placed = [Placement]()
        // A spatial hash of the points keeps the point test cheap with hundreds of labels.
        let cell = max(16, 4 * pointRadius)
        var grid = [Int: [Int]]()
        func key(_ gx: Int, _ gy: Int) -> Int { gx &* 73_856_093 ^ gy &* 19_349_663 }
        let avoided = points + obstacles
        for (i, p) in avoided.enumerated() where p.x.isFinite && p.y.isFinite {
            grid[key(Int((p.x / cell).rounded(.down)), Int((p.y / cell).rounded(.down))), default: []].append(i)
        }
        func coversPoint(_ b: Placement) -> Bool {
            let r = pointRadius
            let gx0 = Int(((b.x0 - r) / cell).rounded(.down)), gx1 = Int(((b.x1 + r) / cell).rounded(.down))
            let gy0 = Int(((b.y0 - r) / cell).rounded(.down)), gy1 = Int(((b.y1 + r) / cell).rounded(.down))
            for gx in gx0...gx1 {
                for gy in gy0...gy1 {
                    for j in grid[key(gx, gy)] ?? [] {
                        let q = avoided[j]
                        let n = b.nearestPoint(to: q.x, q.y)
                        if hypot(n.x - q.x, n.y - q.y) < r { return true }
                    }
                }
            }
            return false
        }
        func inside(_ b: Placement) -> Bool {
            b.x0 >= bounds.x0 && b.y0 >= bounds.y0 && b.x1 <= bounds.x1 && b.y1 <= bounds.y1
        }
        for (p, size) in zip(points, sizes) {
            let w = size.width, h = size.height
            var chosen: Placement?
            var fallback: Placement?
            var ring = 0
            // Rings of growing distance from the point; the first ring is "right beside it".
            search: while Double(ring) * step < diagonal / 2 {
                let d = pointRadius + 2 + Double(ring) * step
                for angle in angles {
                    let t = angle * .pi / 180
                    let (c, s) = (cos(t), sin(t))
                    // The box's centre sits so its nearest edge is `d` from the point along the ray.
                    let cx = p.x + c * (d + w / 2 * abs(c) / max(abs(c), abs(s)))
                    let cy = p.y + s * (d + h / 2 * abs(s) / max(abs(c), abs(s)))
                    let box = Placement(x0: cx - w / 2, y0: cy - h / 2, x1: cx + w / 2, y1: cy + h / 2, needsLeader: ring > 1)
                    guard inside(box) else { continue }
                    if fallback == nil { fallback = box }
                    let padded = Placement(x0: box.x0 - padding, y0: box.y0 - padding, x1: box.x1 + padding,
                                           y1: box.y1 + padding, needsLeader: false)
                    if placed.contains(where: { $0.overlaps(padded) }) || coversPoint(box) { continue }
                    chosen = box
                    break search
                }
                ring += 1
            }
            // Nowhere free (a label larger than the free space): keep it beside its point.
            let box = chosen ?? fallback ?? Placement(x0: p.x + pointRadius + 2, y0: p.y - h / 2,
                                                      x1: p.x + pointRadius + 2 + w, y1: p.y + h / 2, needsLeader: false)
            placed.append(box)
        }
        return placed
    }
}
