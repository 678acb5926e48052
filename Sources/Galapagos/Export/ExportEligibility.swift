/// Which search spaces' programs the exporters and the simplifier handle, and the metadata an
/// exported run member carries: shared by `galapagos export`, `simplify` and the dashboard's
/// downloads, so that they refuse and label programs alike.
public enum ExportEligibility {
    /// Simplification and export assume the learning-algorithm protocol (features in `v0`,
    /// label in `s0`); a loss program runs under another.
    ///
    /// - Throws: ``GalapagosError/invalidArgument(_:)`` naming `file`.
    public static func requireLearningAlgorithms(_ space: SearchSpace, file: String) throws {
        guard space.objective == .program else {
            let kind = space.objective.policyTraining == nil ? "losses" : "policy objectives"
            throw GalapagosError.invalidArgument(
                "\(file): objective: programs of this search space are \(kind), not learning"
                    + " algorithms; export handles learning algorithms only")
        }
    }

    /// The simplifier needs to know which registers a call reads and writes: learning
    /// algorithms and policy objectives (r, A, t in `s2`–`s4`) have such a protocol; losses
    /// are refused.
    ///
    /// - Throws: ``GalapagosError/invalidArgument(_:)`` naming `file`.
    public static func requireSimplifiable(_ space: SearchSpace, file: String) throws {
        guard space.objective.lossTraining == nil else {
            throw GalapagosError.invalidArgument(
                "\(file): objective: programs of this search space are losses; simplify handles"
                    + " learning algorithms and policy objectives only")
        }
    }

    /// The exports implement AutoML-Zero's protocol (a prediction in `s1`); multi-class
    /// programs (logits in `v1`, a softmax before `learn`) are refused rather than exported wrong.
    ///
    /// - Throws: ``GalapagosError/invalidArgument(_:)`` naming `file`.
    public static func requireScalarProtocol(_ space: SearchSpace, file: String) throws {
        guard space.callProtocol == CallProtocol.scalar.feeding(space.memory) else {
            throw GalapagosError.invalidArgument(
                "\(file): multi-class programs (logits in v1) cannot be exported yet; the program"
                    + " text is in `galapagos inspect RUN --program ID`, and `galapagos predict` runs it")
        }
    }

    /// Both checks: what `export` requires.
    public static func requireExportable(_ space: SearchSpace, file: String) throws {
        try requireLearningAlgorithms(space, file: file)
        try requireScalarProtocol(space, file: file)
    }
}

extension ExportMetadata {
    /// The metadata of a run member's export: its search fitness, the run's seed and name.
    ///
    /// - Parameters:
    ///   - typeName: the Swift type's name; by default from the search space and the id.
    ///   - source: where the run lives (a path, or a hub address without its password).
    public static func member(
        id: Int, fitness: Double, space: SearchSpace, run: StoredRun, source: String,
        typeName: String? = nil
    ) -> ExportMetadata {
        ExportMetadata(
            typeName: typeName ?? SwiftIdentifier.typeName(from: "\(space.name) \(id)"),
            searchSpace: space.name, metric: space.searchTasks.metric, fitness: fitness,
            fitnessNote: "search fitness, \(space.aggregation.rawValue) over the search tasks",
            seed: run.configuration.seedValue, runName: run.name, programID: id, source: source)
    }
}
