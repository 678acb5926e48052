import Foundation

import Glibc

/// Reports the input being executed when the process dies of a trap (`fatalError`, a failed
/// precondition, an overflow, an out-of-range index), a bad memory access, or hangs.
///
/// A trap cannot be caught in-process, so the driver records, before every input, where the
/// input's bytes are; the signal handler then writes the target, seed, iteration and the input
/// (escaped, and raw to a file for `--replay`) with nothing but `write(2)` and `open(2)`, which
/// are async-signal-safe, before the process dies of the signal. A watchdog thread does the same
/// for an input that runs longer than the hang limit.
enum CrashGuard {
    /// What the handler needs, in memory allocated once: no allocation happens in the handler.
    struct State {
        var input: UnsafePointer<UInt8>?
        var inputCount = 0
        var iteration = 0
        var armedAt: UInt64 = 0
        /// `fuzz <target>: ` as bytes, and the seed's text.
        var target: [UInt8] = []
        var seed: [UInt8] = []
        /// The NUL-terminated path the raw input is written to, and its directory.
        var path: [CChar] = [0]
        var directory: [CChar] = [0]
        var replay: [UInt8] = []
    }

    nonisolated(unsafe) static var state = State()
    nonisolated(unsafe) static var hangSeconds: UInt64 = 60
    /// Scratch buffer for escaping in the handler.
    nonisolated(unsafe) static let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 4_096)
    nonisolated(unsafe) static let alternateStack = UnsafeMutableRawPointer.allocate(
        byteCount: 1 << 16, alignment: 16)

    /// Installs the signal handlers (on an alternate stack, so that a stack overflow is reported
    /// too) and starts the watchdog.
    static func install(hangSeconds: Int) {
        self.hangSeconds = UInt64(max(1, hangSeconds))
        _ = scratch
        var stack = stack_t()
        stack.ss_sp = alternateStack
        stack.ss_size = 1 << 16
        stack.ss_flags = 0
        sigaltstack(&stack, nil)
        for signal in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = handleSignal
            action.sa_flags = 0x0800_0000 | Int32(bitPattern: 0x8000_0000)  // SA_ONSTACK | SA_RESETHAND
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
        let watchdog = Thread { watch() }
        watchdog.stackSize = 1 << 20
        watchdog.start()
    }

    /// Names the target and where its failing inputs go; called once per target.
    static func prepare(target: String, seed: UInt64, failureDirectory: String) {
        state.target = Array("fuzz \(target): ".utf8)
        state.seed = Array(String(seed).utf8)
        let path = "\(failureDirectory)/\(target)-seed\(seed)-crash"
        state.path = path.utf8CString.map { $0 }
        state.directory = failureDirectory.utf8CString.map { $0 }
        state.replay = Array("  replay: galapagos-fuzz --target \(target) --replay \(path)\n".utf8)
    }

    /// Runs `body` with the input on record for the handler.
    @inline(__always)
    static func guarding<T>(_ input: [UInt8], iteration: Int, _ body: () -> T) -> T {
        input.withUnsafeBufferPointer { buffer in
            state.input = buffer.baseAddress
            state.inputCount = buffer.count
            state.iteration = iteration
            state.armedAt = DispatchTime.now().uptimeNanoseconds
            defer {
                state.armedAt = 0
                state.input = nil
            }
            return body()
        }
    }

    private static func watch() {
        while true {
            sleep(1)
            let armed = state.armedAt
            guard armed != 0 else { continue }
            let now = DispatchTime.now().uptimeNanoseconds
            if now > armed, now - armed > hangSeconds * 1_000_000_000 {
                report(kind: "HANG (an input ran longer than the hang limit)")
                _exit(1)
            }
        }
    }

    private static let handleSignal: @convention(c) (Int32) -> Void = { signal in
        let name: StaticString
        switch signal {
        case SIGILL, SIGTRAP: name = "CRASH (trap: SIGILL/SIGTRAP)"
        case SIGSEGV: name = "CRASH (SIGSEGV)"
        case SIGBUS: name = "CRASH (SIGBUS)"
        case SIGFPE: name = "CRASH (SIGFPE)"
        default: name = "CRASH (SIGABRT)"
        }
        CrashGuard.report(kind: name)
        Glibc.signal(signal, SIG_DFL)
        raise(signal)
    }

    // MARK: Async-signal-safe output

    private static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { _ = Glibc.write(2, base, buffer.count) }
        }
    }

    private static func write(_ text: StaticString) {
        text.withUTF8Buffer { buffer in
            if let base = buffer.baseAddress { _ = Glibc.write(2, base, buffer.count) }
        }
    }

    private static func writeNumber(_ value: Int) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { raw in
            var n = UInt64(max(0, value))
            var position = raw.count
            repeat {
                position -= 1
                raw[position] = UInt8(48 + n % 10)
                n /= 10
            } while n > 0 && position > 0
            if let base = raw.baseAddress {
                _ = Glibc.write(2, base + position, raw.count - position)
            }
        }
    }

    /// Writes the report: what happened, where, how to replay, and the input (escaped, first
    /// 4,000 bytes, or 256 of a binary input over 16 KiB); saves the raw input to the crash file.
    static func report(kind: StaticString) {
        let s = state
        write("\n")
        write(s.target)
        write(kind)
        write(" at seed ")
        write(s.seed)
        write(" iteration ")
        writeNumber(s.iteration)
        write("\n")
        guard let input = s.input else {
            write("  (no input was running)\n")
            return
        }
        s.directory.withUnsafeBufferPointer { directory in
            if let base = directory.baseAddress { mkdir(base, 0o755) }
        }
        let saved: Bool = s.path.withUnsafeBufferPointer { path in
            guard let base = path.baseAddress else { return false }
            let file = open(base, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard file >= 0 else { return false }
            var offset = 0
            while offset < s.inputCount {
                let written = Glibc.write(file, input + offset, s.inputCount - offset)
                if written <= 0 { break }
                offset += written
            }
            close(file)
            return offset == s.inputCount
        }
        if saved { write(s.replay) }
        write("  input (")
        writeNumber(s.inputCount)
        write(" bytes): \"")
        var used = 0
        let limit = min(s.inputCount, s.inputCount > 16_384 ? 256 : 4_000)
        for index in 0..<limit {
            if used > 4_080 {
                _ = Glibc.write(2, scratch, used)
                used = 0
            }
            used = escape(input[index], into: scratch, at: used)
        }
        _ = Glibc.write(2, scratch, used)
        write(s.inputCount > limit ? "\" …\n" : "\"\n")
    }

    /// Writes one byte as Swift string-literal text: printable ASCII as is, `\n \t \" \\`, and
    /// everything else as `\u{XX}`.
    @inline(__always)
    static func escape(_ byte: UInt8, into buffer: UnsafeMutablePointer<UInt8>, at start: Int) -> Int {
        var used = start
        func put(_ value: UInt8) {
            buffer[used] = value
            used += 1
        }
        switch byte {
        case UInt8(ascii: "\n"): put(92); put(UInt8(ascii: "n"))
        case UInt8(ascii: "\t"): put(92); put(UInt8(ascii: "t"))
        case UInt8(ascii: "\""): put(92); put(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): put(92); put(92)
        case 32..<127: put(byte)
        default:
            func hex(_ digit: UInt8) -> UInt8 { digit < 10 ? 48 + digit : 55 + digit }
            put(92); put(UInt8(ascii: "u")); put(UInt8(ascii: "{"))
            put(hex(byte >> 4)); put(hex(byte & 15))
            put(UInt8(ascii: "}"))
        }
        return used
    }
}

/// The escaped form of an input, as the handler writes it (for reports outside the handler).
func escaped(_ bytes: some Collection<UInt8>, limit: Int? = nil) -> String {
    let limit = limit ?? (bytes.count > 16_384 ? 256 : 4_000)
    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 8)
    defer { buffer.deallocate() }
    var text: [UInt8] = []
    text.reserveCapacity(min(bytes.count, limit) + 16)
    for byte in bytes.prefix(limit) {
        let count = CrashGuard.escape(byte, into: buffer, at: 0)
        text.append(contentsOf: UnsafeBufferPointer(start: buffer, count: count))
    }
    return "\"" + String(decoding: text, as: UTF8.self) + "\"" + (bytes.count > limit ? " …" : "")
}
