/// The loops behind the vector and matrix ops, over raw memory.
///
/// Sums run left to right in index order; exported code reproduces the same order, so results
/// agree bit for bit.
@usableFromInline
enum Kernels {
    /// `b < a ? b : a`, as C++'s `std::min` (and AutoML-Zero): a NaN in `a` or `b` yields `a`.
    @inline(__always) @usableFromInline
    static func minimum(_ a: Double, _ b: Double) -> Double { b < a ? b : a }

    /// `a < b ? b : a`, as C++'s `std::max`.
    @inline(__always) @usableFromInline
    static func maximum(_ a: Double, _ b: Double) -> Double { a < b ? b : a }

    @inline(__always) @usableFromInline
    static func heaviside(_ m: UnsafeMutablePointer<Double>, _ o: Int, _ a: Int, _ n: Int) {
        for k in 0..<n { m[o + k] = m[a + k] > 0 ? 1 : 0 }
    }

    @inline(__always) @usableFromInline
    static func map(
        _ m: UnsafeMutablePointer<Double>, _ o: Int, _ a: Int, _ n: Int,
        _ body: (Double) -> Double
    ) {
        var k = 0
        while k + 1 < n {
            let x = pair(m, a + k)
            store(SIMD2(body(x[0]), body(x[1])), m, o + k)
            k += 2
        }
        if k < n { m[o + k] = body(m[a + k]) }
    }

    // Element-wise kernels and the dot product move pairs of doubles (16-byte loads and
    // stores). A value that one op stores and the next loads then goes through the store
    // buffer whole: a 16-byte load of two 8-byte stores cannot be forwarded and stalls. Every
    // element still gets the same arithmetic, and sums still run left to right.

    @inline(__always) @usableFromInline
    static func pair(_ m: UnsafeMutablePointer<Double>, _ at: Int) -> SIMD2<Double> {
        UnsafeRawPointer(m + at).loadUnaligned(as: SIMD2<Double>.self)
    }

    @inline(__always) @usableFromInline
    static func store(_ value: SIMD2<Double>, _ m: UnsafeMutablePointer<Double>, _ at: Int) {
        UnsafeMutableRawPointer(m + at).storeBytes(of: value, as: SIMD2<Double>.self)
    }

    @inline(__always) @usableFromInline
    static func zip(
        _ m: UnsafeMutablePointer<Double>, _ o: Int, _ a: Int, _ b: Int, _ n: Int,
        _ body: (Double, Double) -> Double
    ) {
        var k = 0
        while k + 1 < n {
            let x = pair(m, a + k), y = pair(m, b + k)
            store(SIMD2(body(x[0], y[0]), body(x[1], y[1])), m, o + k)
            k += 2
        }
        if k < n { m[o + k] = body(m[a + k], m[b + k]) }
    }

    /// `out = s * x` for a scalar at `s` and a vector or matrix at `x`.
    @inline(__always) @usableFromInline
    static func scale(_ m: UnsafeMutablePointer<Double>, _ o: Int, _ s: Int, _ x: Int, _ n: Int) {
        let factor = m[s]
        var k = 0
        while k + 1 < n {
            store(factor * pair(m, x + k), m, o + k)
            k += 2
        }
        if k < n { m[o + k] = factor * m[x + k] }
    }

    @inline(__always) @usableFromInline
    static func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ n: Int) -> Double {
        var sum = 0.0
        var k = 0
        while k + 1 < n {
            let p = UnsafeRawPointer(x + k).loadUnaligned(as: SIMD2<Double>.self)
                * UnsafeRawPointer(y + k).loadUnaligned(as: SIMD2<Double>.self)
            sum += p[0]
            sum += p[1]
            k += 2
        }
        if k < n { sum += x[k] * y[k] }
        return sum
    }

    @inline(__always) @usableFromInline
    static func dot(
        _ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int
    ) -> Double {
        dot(UnsafePointer(x), UnsafePointer(y), n)
    }

    @inline(__always) @usableFromInline
    static func mean(_ x: UnsafeMutablePointer<Double>, _ n: Int) -> Double {
        var sum = 0.0
        for k in 0..<n { sum += x[k] }
        return sum / Double(n)
    }

    /// The population standard deviation, in two passes (never the square root of a negative
    /// rounding error, unlike the one-pass formula).
    @inline(__always) @usableFromInline
    static func standardDeviation(_ x: UnsafeMutablePointer<Double>, _ n: Int) -> Double {
        let mu = mean(x, n)
        var sum = 0.0
        for k in 0..<n {
            let d = x[k] - mu
            sum += d * d
        }
        return (sum / Double(n)).squareRoot()
    }
}
