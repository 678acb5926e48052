import CGMP

#if canImport(Glibc)
import Glibc
#endif

/// An arbitrary-precision integer backed by GMP's `mpz_t`.
///
/// The value type wraps a final class that owns the GMP number; operations return new values,
/// so `BigInteger` behaves like any Swift integer.
public struct BigInteger: Sendable, CustomStringConvertible, Comparable, Hashable {
    // The storage is never mutated after creation, so sharing it between threads is safe.
    final class Storage: @unchecked Sendable {
        let value: UnsafeMutablePointer<__mpz_struct>

        init() {
            value = .allocate(capacity: 1)
            __gmpz_init(value)
        }

        deinit {
            __gmpz_clear(value)
            value.deallocate()
        }
    }

    let storage: Storage

    private init(storage: Storage) {
        self.storage = storage
    }

    /// Creates an integer equal to `value`.
    public init(_ value: UInt) {
        storage = Storage()
        __gmpz_set_ui(storage.value, value)
    }

    /// Creates an integer equal to `value`.
    public init(_ value: Int) {
        storage = Storage()
        __gmpz_set_si(storage.value, value)
    }

    /// Parses decimal digits (with an optional leading `-`).
    public init?(_ text: String) {
        let storage = Storage()
        guard __gmpz_set_str(storage.value, text, 10) == 0 else { return nil }
        self.storage = storage
    }

    private static func make(_ body: (UnsafeMutablePointer<__mpz_struct>) -> Void) -> BigInteger {
        let storage = Storage()
        body(storage.value)
        return BigInteger(storage: storage)
    }

    public static func + (lhs: BigInteger, rhs: BigInteger) -> BigInteger {
        make { __gmpz_add($0, lhs.storage.value, rhs.storage.value) }
    }

    public static func - (lhs: BigInteger, rhs: BigInteger) -> BigInteger {
        make { __gmpz_sub($0, lhs.storage.value, rhs.storage.value) }
    }

    public static func * (lhs: BigInteger, rhs: BigInteger) -> BigInteger {
        make { __gmpz_mul($0, lhs.storage.value, rhs.storage.value) }
    }

    /// `self` raised to a non-negative power.
    public func power(_ exponent: UInt) -> BigInteger {
        Self.make { __gmpz_pow_ui($0, storage.value, exponent) }
    }

    /// -1, 0 or 1.
    public var signum: Int { Int(galapagos_mpz_sgn(storage.value)) }

    /// The number of decimal digits (of the absolute value; 1 for zero).
    public var digitCount: Int {
        description.filter(\.isNumber).count
    }

    /// The base-10 logarithm, accurate to double precision even for numbers far beyond
    /// `Double`'s range; `-inf` for zero.
    public var log10: Double {
        guard signum > 0 else { return -.infinity }
        var exponent = 0
        let mantissa = __gmpz_get_d_2exp(&exponent, storage.value)
        return Math.log10(mantissa) + Double(exponent) * Math.log10(2)
    }

    /// All the decimal digits.
    public var description: String {
        guard let pointer = __gmpz_get_str(nil, 10, storage.value) else { return "?" }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    public static func < (lhs: BigInteger, rhs: BigInteger) -> Bool {
        __gmpz_cmp(lhs.storage.value, rhs.storage.value) < 0
    }

    public static func == (lhs: BigInteger, rhs: BigInteger) -> Bool {
        __gmpz_cmp(lhs.storage.value, rhs.storage.value) == 0
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(description)
    }
}
