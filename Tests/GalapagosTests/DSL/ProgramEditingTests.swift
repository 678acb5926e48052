import Galapagos
import Testing

/// A program keeps its three components in one buffer: editing one component by position must
/// leave the others exactly as they were, and copies must be independent values.
@Suite("Program editing")
struct ProgramEditingTests {
    private static func constant(_ value: Double, into register: Int = 0) -> Instruction {
        Instruction(.scalarConstSet, output: register, constant1: value)
    }

    private static let sample = Program(
        setup: [constant(1), constant(2)],
        predict: [constant(3)],
        learn: [constant(4), constant(5), constant(6)])

    @Test("insert, remove and replace change one component and keep the others")
    func editsStayInTheirComponent() {
        var program = Self.sample
        program.insert(Self.constant(9), at: 1, in: .predict)
        #expect(program == Program(
            setup: [Self.constant(1), Self.constant(2)],
            predict: [Self.constant(3), Self.constant(9)],
            learn: [Self.constant(4), Self.constant(5), Self.constant(6)]))
        program.remove(at: 0, in: .setup)
        #expect(program.setup == [Self.constant(2)])
        #expect(program.predict == [Self.constant(3), Self.constant(9)])
        #expect(program.learn == [Self.constant(4), Self.constant(5), Self.constant(6)])
        program.replace(.predict, with: [])
        #expect(program.count(of: .predict) == 0)
        #expect(program.learn == [Self.constant(4), Self.constant(5), Self.constant(6)])
        program[.learn, 2] = Self.constant(7)
        #expect(program[.learn, 2] == Self.constant(7))
        #expect(program.instructionCount == 4)
        #expect(program.range(of: .learn) == 1..<4)
    }

    @Test("component accessors read and write the same program as the initializer builds")
    func componentAccessorsRoundTrip() {
        var program = Program()
        program.learn = [Self.constant(6)]
        program.setup = [Self.constant(1)]
        program.predict = [Self.constant(3), Self.constant(4)]
        #expect(program == Program(
            setup: [Self.constant(1)], predict: [Self.constant(3), Self.constant(4)],
            learn: [Self.constant(6)]))
        #expect(program.components == [program.setup, program.predict, program.learn])
        var rebuilt = Program()
        rebuilt.components = program.components
        #expect(rebuilt == program)
        // Fewer than three components leave the rest empty; more are ignored.
        rebuilt.components = [[Self.constant(1)]]
        #expect(rebuilt == Program(setup: [Self.constant(1)]))
        rebuilt.components = [[], [], [Self.constant(2)], [Self.constant(3)]]
        #expect(rebuilt == Program(learn: [Self.constant(2)]))
    }

    @Test("an unshared copy equals its original, and editing it leaves the original alone")
    func unsharedCopiesAreIndependent() {
        let original = Self.sample
        var copy = Program(unsharedCopyOf: original)
        #expect(copy == original)
        copy[.setup, 0] = Self.constant(-1)
        copy.insert(Self.constant(8), at: 3, in: .learn)
        #expect(original == Self.sample)
        #expect(copy.setup == [Self.constant(-1), Self.constant(2)])
        #expect(copy.learn.last == Self.constant(8))
        #expect(Program(unsharedCopyOf: Program()) == Program())
    }
}
