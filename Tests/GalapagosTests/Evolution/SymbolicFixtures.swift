import GalapagosTestSupport
@testable import Galapagos

/// A shipped Nguyen search space (`searchspaces/symbolic/nguyen-N.yaml`).
func nguyenSpace(_ problem: Int) throws -> SearchSpace {
    try SearchSpace.load(path: repositoryPath("searchspaces/symbolic/nguyen-\(problem).yaml"))
}

/// A program written as text (the header line added), parsed within a space's limits.
func parseProgram(_ text: String, in space: SearchSpace) throws -> Program {
    try ProgramParser(limits: space.programLimits(strictOps: false)).parse("# galapagos program v1\n" + text)
}
