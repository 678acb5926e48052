/// Fingerprints of programs an evaluator probed recently, by their compiled code.
///
/// A probe (``Evaluator/fingerprint(of:on:trainSteps:validSteps:)``) is a pure function of the
/// code it runs and the task, and children are compiled with their live instructions only: a
/// mutation of dead code, or a child copied unchanged, runs exactly the code its parent ran.
/// Looking the code up costs a hash of a few dozen words against a probe's twenty example
/// steps. The memo changes no result, only how often a probe runs; it is per evaluator (one per
/// thread), bounded, and forgets everything when full or when the task or the step counts change.
struct FingerprintMemo {
    /// A compiled program's code and component ranges, compared bit for bit (constants by
    /// their bit patterns: `-0.0` and `0.0` are different programs).
    struct Key: Hashable {
        let code: [CompiledInstruction]
        let ranges: [Range<Int>]
        let digest: UInt64

        init(_ program: CompiledProgram) {
            code = program.code
            ranges = program.ranges
            var digest: UInt64 = 0x9E37_79B9_7F4A_7C15
            @inline(__always) func mix(_ value: UInt64) {
                digest = (digest ^ value) &* 0xBF58_476D_1CE4_E5B9
                digest ^= digest >> 31
            }
            for instruction in code {
                mix(UInt64(instruction.op.rawValue) | UInt64(UInt32(bitPattern: instruction.output)) << 16)
                mix(UInt64(UInt32(bitPattern: instruction.input1)) | UInt64(UInt32(bitPattern: instruction.input2)) << 32)
                mix(instruction.constant1.bitPattern)
                mix(instruction.constant2.bitPattern)
            }
            for range in ranges { mix(UInt64(range.lowerBound) | UInt64(range.upperBound) << 32) }
            self.digest = digest
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(digest)
        }

        static func == (a: Key, b: Key) -> Bool {
            guard a.digest == b.digest, a.ranges == b.ranges, a.code.count == b.code.count else { return false }
            for (x, y) in zip(a.code, b.code) {
                guard x.op == y.op, x.output == y.output, x.input1 == y.input1, x.input2 == y.input2,
                      x.constant1.bitPattern == y.constant1.bitPattern,
                      x.constant2.bitPattern == y.constant2.bitPattern
                else { return false }
            }
            return true
        }
    }

    /// The most fingerprints kept.
    static let capacity = 4_096

    private var fingerprints: [Key: UInt64] = [:]
    /// What the fingerprints were probed on.
    private var task: ObjectIdentifier?
    private var steps = (train: 0, valid: 0)

    /// The fingerprint of `key` on `task`, probing (and remembering) it when unknown.
    mutating func fingerprint(
        _ key: Key, task: TaskDataset, trainSteps: Int, validSteps: Int, probe: () -> UInt64
    ) -> UInt64 {
        let id = ObjectIdentifier(task)
        if id != self.task || trainSteps != steps.train || validSteps != steps.valid {
            fingerprints.removeAll(keepingCapacity: true)
            self.task = id
            steps = (trainSteps, validSteps)
        }
        if let known = fingerprints[key] { return known }
        let value = probe()
        if fingerprints.count >= Self.capacity { fingerprints.removeAll(keepingCapacity: true) }
        fingerprints[key] = value
        return value
    }
}
