// Broadcasting arithmetic. Each backward sums the incoming gradient back down to the shape of
// the operand it belongs to (the adjoint of broadcasting).

extension Variable {
    public static func + (a: Variable, b: Variable) -> Variable {
        record(a.value + b.value, parents: [a, b]) { g in
            [a.requiresGrad ? g.sum(toShape: a.shape) : nil, b.requiresGrad ? g.sum(toShape: b.shape) : nil]
        }
    }

    public static func - (a: Variable, b: Variable) -> Variable {
        record(a.value - b.value, parents: [a, b]) { g in
            [a.requiresGrad ? g.sum(toShape: a.shape) : nil, b.requiresGrad ? (-g).sum(toShape: b.shape) : nil]
        }
    }

    public static func * (a: Variable, b: Variable) -> Variable {
        record(a.value * b.value, parents: [a, b]) { g in
            [a.requiresGrad ? (g * b.value).sum(toShape: a.shape) : nil,
             b.requiresGrad ? (g * a.value).sum(toShape: b.shape) : nil]
        }
    }

    public static func / (a: Variable, b: Variable) -> Variable {
        record(a.value / b.value, parents: [a, b]) { g in
            [a.requiresGrad ? (g / b.value).sum(toShape: a.shape) : nil,
             b.requiresGrad ? Tensor.zipMap(g * a.value, b.value) { -$0 / ($1 * $1) }.sum(toShape: b.shape) : nil]
        }
    }

    public static prefix func - (a: Variable) -> Variable {
        record(-a.value, parents: [a]) { g in [-g] }
    }

    public static func + (a: Variable, s: Float) -> Variable { record(a.value + s, parents: [a]) { g in [g] } }
    public static func - (a: Variable, s: Float) -> Variable { record(a.value - s, parents: [a]) { g in [g] } }
    public static func * (a: Variable, s: Float) -> Variable { record(a.value * s, parents: [a]) { g in [g * s] } }
    public static func / (a: Variable, s: Float) -> Variable { a * (1 / s) }
    public static func + (s: Float, a: Variable) -> Variable { a + s }
    public static func - (s: Float, a: Variable) -> Variable { -a + s }
    public static func * (s: Float, a: Variable) -> Variable { a * s }
}
