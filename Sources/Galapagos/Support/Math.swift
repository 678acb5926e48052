#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The C library's elementary functions, under one name, so that the interpreter, the task
/// generators and exported code all call the same implementations.
public enum Math {
    @inline(__always) public static func sin(_ x: Double) -> Double { libm_sin(x) }
    @inline(__always) public static func cos(_ x: Double) -> Double { libm_cos(x) }
    @inline(__always) public static func tan(_ x: Double) -> Double { libm_tan(x) }
    @inline(__always) public static func asin(_ x: Double) -> Double { libm_asin(x) }
    @inline(__always) public static func acos(_ x: Double) -> Double { libm_acos(x) }
    @inline(__always) public static func atan(_ x: Double) -> Double { libm_atan(x) }
    @inline(__always) public static func exp(_ x: Double) -> Double { libm_exp(x) }
    @inline(__always) public static func log(_ x: Double) -> Double { libm_log(x) }
    @inline(__always) public static func log10(_ x: Double) -> Double { libm_log10(x) }
}

@inline(__always) private func libm_sin(_ x: Double) -> Double { sin(x) }
@inline(__always) private func libm_cos(_ x: Double) -> Double { cos(x) }
@inline(__always) private func libm_tan(_ x: Double) -> Double { tan(x) }
@inline(__always) private func libm_asin(_ x: Double) -> Double { asin(x) }
@inline(__always) private func libm_acos(_ x: Double) -> Double { acos(x) }
@inline(__always) private func libm_atan(_ x: Double) -> Double { atan(x) }
@inline(__always) private func libm_exp(_ x: Double) -> Double { exp(x) }
@inline(__always) private func libm_log(_ x: Double) -> Double { log(x) }
@inline(__always) private func libm_log10(_ x: Double) -> Double { log10(x) }
