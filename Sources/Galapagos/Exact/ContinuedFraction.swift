/// Continued fractions of exact rationals, and the short rationals they reveal behind doubles.
///
/// Evolution finds constants such as `0.19999999999999998`: one rounding step away from 1/5.
/// The continued fraction of the double's exact value, `[0; 5, 36028797018963967, …]`, shows it
/// at once: the convergent after the second term, 1/5, is within one ulp.
public enum ContinuedFraction {
    /// The terms `[a0; a1, a2, …]` of a rational, with `a0 = floor(x)` and every later term
    /// positive. Rationals have finite expansions; `maximumTerms` bounds the work anyway.
    public static func terms(of value: BigRational, maximumTerms: Int = 200) -> [BigInteger] {
        var terms: [BigInteger] = []
        var x = value
        while terms.count < maximumTerms {
            let whole = x.floor
            terms.append(whole)
            let fraction = x - BigRational(whole)
            guard let next = fraction.reciprocal else { break }
            x = next
        }
        return terms
    }

    /// The convergents h_n/k_n of a continued fraction: the best rational approximations with
    /// denominators up to k_n, in order of increasing accuracy.
    public static func convergents(of terms: [BigInteger]) -> [BigRational] {
        var result: [BigRational] = []
        // h_{-1} = 1, h_{-2} = 0; k_{-1} = 0, k_{-2} = 1.
        var (h1, h2) = (BigInteger(1), BigInteger(0))
        var (k1, k2) = (BigInteger(0), BigInteger(1))
        for a in terms {
            let h = a * h1 + h2
            let k = a * k1 + k2
            (h2, h1) = (h1, h)
            (k2, k1) = (k1, k)
            // k is positive for every n >= 0.
            if let convergent = BigRational(numerator: h, denominator: k) {
                result.append(convergent)
            }
        }
        return result
    }
}

/// Recognises doubles that are rounding noise around a short fraction.
public enum RationalApproximation {
    /// The simplest rational within one ulp of `value` whose denominator is at most
    /// `maximumDenominator`: the first convergent of the value's continued fraction that is
    /// close enough. `nil` for non-finite values and when no such convergent exists.
    public static func shortRational(
        near value: Double, maximumDenominator: Int = 1_000
    ) -> BigRational? {
        shortRational(near: value, tolerance: value.ulp, maximumDenominator: maximumDenominator)
    }

    /// The simplest rational within `tolerance` of `value` whose denominator is at most
    /// `maximumDenominator`; `nil` when there is none (or `value` is not finite).
    public static func shortRational(
        near value: Double, tolerance: Double, maximumDenominator: Int = 1_000
    ) -> BigRational? {
        guard let exact = BigRational(exactly: value),
              let tolerance = BigRational(exactly: tolerance)
        else { return nil }
        let limit = BigInteger(maximumDenominator)
        for convergent in ContinuedFraction.convergents(of: ContinuedFraction.terms(of: exact)) {
            if convergent.denominator > limit { return nil }
            if (convergent - exact).magnitude <= tolerance { return convergent }
        }
        return nil
    }

    /// The longest shortest-form decimal that is left alone: `0.25` needs no comment.
    public static let plainDigits = 6

    /// A comment such as `≈ 1/5` for a constant whose shortest decimal form is long (more than
    /// ``plainDigits`` significant digits) but which is within one ulp of a fraction with a small
    /// denominator; `nil` when the decimal form is already the readable one.
    ///
    /// `0.19999999999999998` gives `≈ 1/5`, `0.3333333333333333` gives `≈ 1/3`,
    /// `2.0000000000000004` gives `≈ 2`; `0.2` and `0.123456789` give `nil`.
    public static func comment(for value: Double) -> String? {
        guard value.isFinite, significantDigits(of: value) > plainDigits,
              let fraction = shortRational(near: value)
        else { return nil }
        return "≈ \(fraction)"
    }

    /// The number of significant digits in Swift's shortest round-trip form of `value`.
    static func significantDigits(of value: Double) -> Int {
        var mantissa = value.magnitude.description
        if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(mantissa[..<e])
        }
        var digits = mantissa.filter { $0 != "." }.drop { $0 == "0" }
        if mantissa.contains(".") {
            while digits.last == "0" { digits = digits.dropLast() }
        }
        return digits.count
    }
}
