import CGMP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exact rational number backed by GMP's `mpq_t`, always in lowest terms with a positive
/// denominator.
///
/// Like ``BigInteger``, the value type wraps a final class that owns the GMP number and is never
/// mutated after creation, so `BigRational` behaves like any Swift number and is safe to share
/// between threads. Every finite `Double` converts exactly (``init(exactly:)``), which is what
/// makes rationals the right tool to reason about programs' constants and to evaluate programs
/// without rounding.
public struct BigRational: Sendable, Hashable, Comparable, CustomStringConvertible {
    final class Storage: @unchecked Sendable {
        let value: UnsafeMutablePointer<__mpq_struct>

        init() {
            value = .allocate(capacity: 1)
            __gmpq_init(value)
        }

        deinit {
            __gmpq_clear(value)
            value.deallocate()
        }
    }

    let storage: Storage

    private init(storage: Storage) {
        self.storage = storage
    }

    /// A new value computed into fresh storage by `body`, which must leave it canonical.
    private static func make(_ body: (UnsafeMutablePointer<__mpq_struct>) -> Void) -> BigRational {
        let storage = Storage()
        body(storage.value)
        return BigRational(storage: storage)
    }

    public static let zero = BigRational(0)
    public static let one = BigRational(1)

    /// Creates the integer `value`.
    public init(_ value: Int) {
        storage = Storage()
        __gmpq_set_si(storage.value, value, 1)
    }

    /// Creates the integer `value`.
    public init(_ value: BigInteger) {
        storage = Storage()
        __gmpq_set_z(storage.value, value.storage.value)
    }

    /// Creates `numerator / denominator` in lowest terms, or `nil` if `denominator` is zero.
    public init?(numerator: BigInteger, denominator: BigInteger) {
        guard denominator.signum != 0 else { return nil }
        let storage = Storage()
        __gmpz_set(galapagos_mpq_numref(storage.value), numerator.storage.value)
        __gmpz_set(galapagos_mpq_denref(storage.value), denominator.storage.value)
        __gmpq_canonicalize(storage.value)
        self.storage = storage
    }

    /// Creates `numerator / denominator` in lowest terms, or `nil` if `denominator` is zero.
    public init?(numerator: Int, denominator: Int) {
        self.init(numerator: BigInteger(numerator), denominator: BigInteger(denominator))
    }

    /// The exact value of a finite double (every double is a dyadic rational), or `nil` for
    /// NaN and infinities. `-0.0` becomes zero.
    public init?(exactly value: Double) {
        guard value.isFinite else { return nil }
        storage = Storage()
        __gmpq_set_d(storage.value, value)
    }

    /// The largest exponent ``init(_:)-(String)`` accepts in `1e…` notation, so that a short
    /// string cannot ask for a number with millions of digits.
    public static let maximumDecimalExponent = 10_000

    /// Parses an integer (`-12`), a fraction (`7/2`, `-1/3`) or a decimal (`0.25`, `1.5e-3`,
    /// `-2E4`) exactly: `0.1` is one tenth, not the double nearest to it.
    ///
    /// Returns `nil` for anything else, for a zero denominator, and for exponents beyond
    /// ``maximumDecimalExponent``.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            guard let value = Self.parseDecimal(Substring(text)) else { return nil }
            self = value
        case 2:
            guard let numerator = Self.parseInteger(parts[0]),
                  let denominator = Self.parseInteger(parts[1]),
                  let value = BigRational(numerator: numerator, denominator: denominator)
            else { return nil }
            self = value
        default:
            return nil
        }
    }

    /// `[-+]digits`, nothing else.
    private static func parseInteger(_ text: Substring) -> BigInteger? {
        var digits = text
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let magnitude = BigInteger(String(digits))
        else { return nil }
        return negative ? BigInteger(0) - magnitude : magnitude
    }

    /// `[-+]digits[.digits][(e|E)[-+]digits]`, with at least one digit in the mantissa.
    private static func parseDecimal(_ text: Substring) -> BigRational? {
        var rest = text
        var negative = false
        if let sign = rest.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            rest = rest.dropFirst()
        }
        var exponent = 0
        if let e = rest.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let value = Int(rest[rest.index(after: e)...]),
                  abs(value) <= maximumDecimalExponent
            else { return nil }
            exponent = value
            rest = rest[..<e]
        }
        var digits = Substring(rest)
        if let point = rest.firstIndex(of: ".") {
            let fraction = rest[rest.index(after: point)...]
            digits = rest[..<point] + fraction
            exponent -= fraction.count
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let mantissa = BigInteger(String(digits))
        else { return nil }
        let scale = BigInteger(10).power(UInt(abs(exponent)))
        let value = exponent >= 0
            ? BigRational(mantissa * scale)
            : BigRational(numerator: mantissa, denominator: scale)
        guard let value else { return nil }
        return negative ? -value : value
    }

    // MARK: Parts

    /// The numerator, carrying the sign.
    public var numerator: BigInteger {
        BigInteger(copying: galapagos_mpq_numref(storage.value))
    }

    /// The denominator, always positive.
    public var denominator: BigInteger {
        BigInteger(copying: galapagos_mpq_denref(storage.value))
    }

    /// -1, 0 or 1.
    public var signum: Int { Int(galapagos_mpq_sgn(storage.value)) }

    public var isZero: Bool { signum == 0 }

    /// Whether the denominator is 1.
    public var isInteger: Bool { __gmpz_cmp_ui(galapagos_mpq_denref(storage.value), 1) == 0 }

    /// The number of bits of the numerator plus those of the denominator: a measure of how
    /// expensive the number is to compute with.
    public var bitWidth: Int {
        Int(__gmpz_sizeinbase(galapagos_mpq_numref(storage.value), 2))
            + Int(__gmpz_sizeinbase(galapagos_mpq_denref(storage.value), 2))
    }

    /// The absolute value.
    public var magnitude: BigRational {
        Self.make { __gmpq_abs($0, storage.value) }
    }

    /// The largest integer not greater than `self`.
    public var floor: BigInteger {
        let result = BigInteger(0)
        __gmpz_fdiv_q(
            result.storage.value, galapagos_mpq_numref(storage.value),
            galapagos_mpq_denref(storage.value))
        return result
    }

    /// `1 / self`, or `nil` for zero.
    public var reciprocal: BigRational? {
        guard !isZero else { return nil }
        return Self.make { __gmpq_inv($0, storage.value) }
    }

    // MARK: Arithmetic

    public static prefix func - (operand: BigRational) -> BigRational {
        make { __gmpq_neg($0, operand.storage.value) }
    }

    public static func + (lhs: BigRational, rhs: BigRational) -> BigRational {
        make { __gmpq_add($0, lhs.storage.value, rhs.storage.value) }
    }

    public static func - (lhs: BigRational, rhs: BigRational) -> BigRational {
        make { __gmpq_sub($0, lhs.storage.value, rhs.storage.value) }
    }

    public static func * (lhs: BigRational, rhs: BigRational) -> BigRational {
        make { __gmpq_mul($0, lhs.storage.value, rhs.storage.value) }
    }

    /// The exact quotient.
    ///
    /// - Precondition: `rhs` is not zero; use ``dividing(by:)`` when it may be.
    public static func / (lhs: BigRational, rhs: BigRational) -> BigRational {
        precondition(!rhs.isZero, "BigRational division by zero")
        return make { __gmpq_div($0, lhs.storage.value, rhs.storage.value) }
    }

    /// `self / divisor`, or `nil` when `divisor` is zero.
    public func dividing(by divisor: BigRational) -> BigRational? {
        divisor.isZero ? nil : self / divisor
    }

    /// `self` raised to an integer power, by repeated squaring; `nil` for zero to a negative
    /// power.
    public func power(_ exponent: Int) -> BigRational? {
        var base = self
        if exponent < 0 {
            guard let inverse = reciprocal else { return nil }
            base = inverse
        }
        var remaining = exponent.magnitude
        var result = BigRational.one
        while remaining > 0 {
            if remaining & 1 == 1 { result = result * base }
            remaining >>= 1
            if remaining > 0 { base = base * base }
        }
        return result
    }

    // MARK: Comparison and text

    public static func < (lhs: BigRational, rhs: BigRational) -> Bool {
        __gmpq_cmp(lhs.storage.value, rhs.storage.value) < 0
    }

    public static func == (lhs: BigRational, rhs: BigRational) -> Bool {
        __gmpq_equal(lhs.storage.value, rhs.storage.value) != 0
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(description)
    }

    /// `p/q` in lowest terms, or just `p` for integers.
    public var description: String {
        guard let pointer = __gmpq_get_str(nil, 10, storage.value) else { return "?" }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}

extension BigInteger {
    /// A copy of a GMP integer.
    init(copying value: UnsafePointer<__mpz_struct>) {
        self.init(0)
        __gmpz_set(storage.value, value)
    }
}
