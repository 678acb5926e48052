import Testing
@testable import Galapagos

private func q(_ text: String) throws -> BigRational {
    try #require(BigRational(text), "not a rational: \(text)")
}

@Suite("Exact rationals and continued fractions")
struct BigRationalTests {
    @Test("arithmetic is exact and results are in lowest terms")
    func arithmetic() throws {
        let third = try q("1/3"), sixth = try q("1/6")
        #expect(third + sixth == (try q("1/2")))
        #expect(third - sixth == sixth)
        #expect(third * sixth == (try q("1/18")))
        #expect(third / sixth == BigRational(2))
        #expect(-third == (try q("-1/3")))
        #expect((try q("6/-4")).description == "-3/2")
        #expect((try q("-6/4")).numerator == BigInteger(-3))
        #expect((try q("-6/4")).denominator == BigInteger(2))
        #expect(BigRational(numerator: 1, denominator: 0) == nil)
        #expect(third.dividing(by: .zero) == nil)
        #expect(BigRational.zero.reciprocal == nil)
        #expect(third.reciprocal == BigRational(3))
        #expect((try q("2/3")).power(-3) == (try q("27/8")))
        #expect(BigRational.zero.power(-1) == nil)
        #expect((try q("-7/2")).floor == BigInteger(-4))
        #expect((try q("7/2")).floor == BigInteger(3))
        let nearThird = try q("0.34"), minusOne = try q("-1"), twelve = try q("12")
        #expect(third < nearThird)
        #expect(minusOne < .zero)
        #expect(twelve.isInteger && !third.isInteger)
        // Large values do not overflow anything.
        let big = BigRational(BigInteger(10).power(60)) + third
        #expect(big - BigRational(BigInteger(10).power(60)) == third)
        #expect(big.bitWidth > 199)
        #expect(Set([third, try q("2/6")]).count == 1)
    }

    @Test("text: integers, fractions and decimals parse exactly; garbage does not")
    func parsing() throws {
        #expect(try q("0.1") == (try q("1/10")))
        #expect(try q("-2.5e-3") == (try q("-1/400")))
        #expect(try q("+4E2") == BigRational(400))
        #expect(try q("1.") == .one)
        #expect(try q(".5") == (try q("1/2")))
        for bad in ["", "-", ".", "1/", "/2", "1/0", "1/2/3", "abc", "1e", "1e100000", "0x10", "١٢", "1 /2"] {
            #expect(BigRational(bad) == nil, "accepted '\(bad)'")
        }
    }

    @Test("doubles convert exactly")
    func doubles() throws {
        #expect(BigRational(exactly: 0.5) == (try q("1/2")))
        #expect(BigRational(exactly: 0.1) == (try q("3602879701896397/36028797018963968")))
        #expect(BigRational(exactly: -0.0) == .zero)
        #expect(BigRational(exactly: .leastNonzeroMagnitude)?.denominator == BigInteger(2).power(1074))
        #expect(BigRational(exactly: .nan) == nil)
        #expect(BigRational(exactly: -.infinity) == nil)
    }

    @Test("continued fractions and their convergents")
    func continuedFractions() throws {
        let terms = ContinuedFraction.terms(of: try q("415/93"))
        #expect(terms == [4, 2, 6, 7].map { BigInteger($0) })
        #expect(ContinuedFraction.convergents(of: terms) == [try q("4"), try q("9/2"), try q("58/13"), try q("415/93")])
        #expect(ContinuedFraction.terms(of: try q("-7/2")) == [BigInteger(-4), BigInteger(2)])
        // 355/113 is the famous convergent of π.
        let pi = try #require(BigRational(exactly: Double.pi))
        let convergents = ContinuedFraction.convergents(of: ContinuedFraction.terms(of: pi))
        #expect(convergents.prefix(4) == [try q("3"), try q("22/7"), try q("333/106"), try q("355/113")])
        #expect(convergents.last == pi)
    }

    @Test("constants within one ulp of a short fraction get a ≈ comment; readable ones do not")
    func approximations() throws {
        #expect(RationalApproximation.comment(for: 0.19999999999999998) == "≈ 1/5")
        #expect(RationalApproximation.comment(for: 0.3333333333333333) == "≈ 1/3")
        #expect(RationalApproximation.comment(for: -0.6666666666666666) == "≈ -2/3")
        #expect(RationalApproximation.comment(for: 2.0000000000000004) == "≈ 2")
        #expect(RationalApproximation.comment(for: 0.14285714285714285) == "≈ 1/7")
        #expect(RationalApproximation.comment(for: 0.2) == nil)  // already short
        #expect(RationalApproximation.comment(for: 0.5) == nil)
        #expect(RationalApproximation.comment(for: 0.123456789) == nil)  // no short fraction
        #expect(RationalApproximation.comment(for: Double.pi) == nil)  // 355/113 is 2.7e-7 away
        #expect(RationalApproximation.comment(for: .nan) == nil)
        // One ulp is the bound: two ulps away from 1/5 is not "≈ 1/5".
        let twoUlpsBelow = 0.2.nextDown.nextDown
        #expect(RationalApproximation.shortRational(near: twoUlpsBelow) == nil)
        #expect(RationalApproximation.shortRational(near: 0.2.nextDown) == (try q("1/5")))
    }
}
