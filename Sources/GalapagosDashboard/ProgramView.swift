import Galapagos

/// A member of a run with what the program page shows (`GET /api/runs/{run}/programs/{id}`).
public struct ProgramView: Codable, Sendable {
    /// One step of the lineage, oldest first.
    public struct Step: Codable, Sendable {
        public var id: Int
        public var origin: String
        public var fitness: Double?
        public var size: Int
        public var program: String
    }

    public var id: Int
    public var run: String
    public var origin: String
    public var parentID: Int?
    public var island: Int?
    public var birth: Int
    /// Fitness on the search tasks, as the run recorded it.
    public var searchFitness: Double?
    /// Fitness on the select tasks' validation split (`nil` without select tasks).
    public var selectFitness: Double?
    /// Fitness on held-out data (the final tasks' test split, or as `eval` picks).
    public var testFitness: Double?
    public var program: String
    /// The program without dead code and with constants folded: the same predictions.
    public var simplified: String?
    public var instructions: Int
    public var simplifiedInstructions: Int?
    /// The member's ancestors and itself, oldest first, as far back as the run's record goes.
    public var lineage: [Step]

    /// Reads member `id` of a run and scores it on the select and final tasks.
    static func read(run name: String, reader: any RunRecords, id: Int) throws -> ProgramView? {
        guard let member = try reader.member(id: id) else { return nil }
        let run = try reader.run()
        let space = reader.searchSpace()
        var view = ProgramView(
            id: member.id, run: name, origin: member.origin, parentID: member.parentID,
            island: member.island, birth: member.birth, searchFitness: member.fitness.finite,
            program: member.program, instructions: member.size,
            lineage: try reader.lineage(of: id).reversed().map {
                Step(id: $0.id, origin: $0.origin, fitness: $0.fitness.finite, size: $0.size, program: $0.program)
            })
        guard let space,
              let program = try? ProgramParser(limits: space.programLimits(strictOps: false))
                  .parse(member.program, file: "\(name) (program \(id))")
        else { return view }
        if let simplified = try? ProgramSimplifier(shape: space.memory, protocol: space.callProtocol).simplify(program) {
            view.simplified = ProgramPrinter.print(simplified.program)
            view.simplifiedInstructions = simplified.instructionsAfter
        }
        let scorer = Scorer(space: space, taskSeed: run.configuration.seedValue, workers: 1)
        view.selectFitness = scorer.selectFitness(of: program)?.finite
        view.testFitness = scorer.testFitness(of: program)?.finite
        return view
    }
}
