/// The outcome of a run.
public struct RunSummary: Sendable {
    /// The program chosen at the end: the best on the select tasks among each island's best
    /// and the top of the hall of fame.
    public var best: Member
    /// Its fitness on the search tasks.
    public var searchFitness: Double
    /// Its fitness on the select tasks (the search fitness when there are none).
    public var selectFitness: Double
    /// Its fitness on the final tasks, or on the search tasks' held-out test split; `nil` when
    /// the search space has neither.
    public var testFitness: Double?
    /// Individuals produced (every child, FEC hits included).
    public var individuals: Int
    /// Children whose fitness came from the FEC cache.
    public var fecHits: Int
    /// Migrations performed.
    public var migrations: Int
    /// Whether the select fitness reached the target.
    public var reachedTarget: Bool
}

/// A snapshot of a run's progress, for displays.
public struct EngineProgress: Sendable {
    public var individuals: Int
    public var fecHits: Int
    /// Best search fitness per island (`nil` while an island has no members).
    public var islandBest: [Double?]
    /// The best select fitness so far.
    public var selectFitness: Double?
}

extension Engine {
    /// The current progress.
    public var progress: EngineProgress {
        EngineProgress(
            individuals: individuals, fecHits: fecHits, islandBest: islands.map { $0.best?.fitness },
            selectFitness: bestSelected.flatMap { selectFitness[$0.id] })
    }

    /// Chooses the final program and scores it on held-out tasks.
    ///
    /// - Parameter candidatesFromHallOfFame: how many hall-of-fame members join each island's
    ///   best in the final selection.
    /// - Returns: `nil` when no individual was produced.
    public func finish(candidatesFromHallOfFame: Int = 5) -> RunSummary? {
        // Works on copies so that finishing never changes the engine's state: a checkpoint
        // written after `finish()` resumes exactly like one written before.
        var known = selectFitness
        var best = bestSelected
        var candidates = islands.compactMap(\.best)
        candidates.append(contentsOf: hallOfFame.members.prefix(candidatesFromHallOfFame))
        for candidate in candidates {
            let fitness = known[candidate.id] ?? evaluateOnSelectTasks(candidate)
            known[candidate.id] = fitness
            if let current = best, let currentFitness = known[current.id], currentFitness >= fitness {
                continue
            }
            best = candidate
        }
        guard let best, let select = known[best.id] else { return nil }
        let test = testFitness(of: best.program)
        return RunSummary(
            best: best, searchFitness: best.fitness, selectFitness: select, testFitness: test,
            individuals: individuals, fecHits: fecHits, migrations: migrations,
            reachedTarget: settings.targetFitness.map { select >= $0 } ?? false)
    }
}

extension Engine {
    /// A program's fitness on data the search never saw (see ``Scorer/testFitness(of:)``).
    public func testFitness(of program: Program) -> Double? {
        scorer.testFitness(of: program)
    }
}
