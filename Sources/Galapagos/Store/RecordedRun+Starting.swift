import Foundation

/// What `resume` found.
public enum ResumeOutcome {
    /// The run continues.
    case resumed(RecordedRun)
    /// The run had already reached its target; nothing to do.
    case finished(StoredRun)
}

extension RecordedRun {
    /// Starts a new recorded run: creates the run file and the engine.
    public static func start(
        space: SearchSpace, configuration: RunConfiguration, settings: EngineSettings,
        path: String, name: String, policy: CheckpointPolicy
    ) throws -> RecordedRun {
        var settings = settings
        settings.tracksAncestry = true
        let effective = configuration.overrides.apply(to: space)
        let store = try RunStore.create(
            path: path, name: name, space: space, configuration: configuration,
            datasetHashes: effective.datasetHashes(runSeed: settings.seed))
        return RecordedRun(engine: Engine(space: effective, settings: settings), store: store, policy: policy)
    }

    /// Opens a run file to continue it.
    ///
    /// - Parameters:
    ///   - additionalIndividuals: individuals to add to those already produced (`nil`: no limit).
    ///   - searchSpacePath: a search-space file the user named; it must match the stored one.
    /// - Throws: ``GalapagosError`` when the file is not a run, is locked by another process,
    ///   or when the search space or its data changed since the run started.
    public static func resume(
        path: String, workers: Int, additionalIndividuals: Int?, policy: CheckpointPolicy,
        searchSpacePath: String? = nil
    ) throws -> ResumeOutcome {
        let (store, run) = try RunStore.openForWriting(path: path)
        if run.status == "finished" { return .finished(run) }
        let stored = try SearchSpace.parse(
            run.searchSpaceText, file: "\(path) (stored search space)",
            baseDirectory: run.configuration.searchSpaceDirectory)
        for candidate in [searchSpacePath, run.configuration.searchSpacePath].compactMap({ $0 }) {
            guard let text = try? String(contentsOfFile: candidate, encoding: .utf8) else {
                if candidate == searchSpacePath {
                    throw GalapagosError.io(path: candidate, "no such search-space file")
                }
                continue  // the original file may have moved; the stored copy is authoritative
            }
            guard text == run.searchSpaceText else {
                throw GalapagosError.run(
                    "\(path): refusing to resume: the search space \(candidate) changed since the"
                        + " run started (the run keeps its own copy; restore the file or start a"
                        + " new run)")
            }
        }
        let configuration = run.configuration
        let space = configuration.overrides.apply(to: stored)
        let changed = space.changedDatasets(comparedTo: run.datasetHashes, runSeed: configuration.seedValue)
        guard changed.isEmpty else {
            throw GalapagosError.run(
                "\(path): refusing to resume: the \(changed.joined(separator: ", ")) task data"
                    + " differ from the run's (dataset hash mismatch: the data or the task"
                    + " generator changed)")
        }
        let seedPrograms = try configuration.seedPrograms.enumerated().map { index, text in
            try ProgramParser(limits: space.programLimits(strictOps: false))
                .parse(text, file: "\(path) (seed program \(index + 1))")
        }
        let loaded = try store.loadState(limits: space.programLimits(strictOps: false))
        let done = loaded?.0.scalars.individuals ?? 0
        let settings = EngineSettings(
            seed: configuration.seedValue, workers: workers,
            maxIndividuals: additionalIndividuals.map { done + $0 },
            targetFitness: configuration.targetFitness, selectEvery: configuration.selectEvery,
            hallOfFameSize: configuration.hallOfFameSize, seedPrograms: seedPrograms,
            tracksAncestry: true)
        let engine: Engine
        if let (state, _) = loaded {
            do {
                engine = try Engine(space: space, settings: settings, state: state)
            } catch {
                throw GalapagosError.run("\(path): refusing to resume: \(error)")
            }
        } else {
            engine = Engine(space: space, settings: settings)
        }
        return .resumed(RecordedRun(
            engine: engine, store: store, policy: policy, earlierSeconds: loaded?.seconds ?? 0))
    }

    /// A default run-file path that no other run uses: `DIRECTORY/<space>-<time>-seed<seed>.sqlite`.
    public static func defaultPath(directory: String, space: String, seed: UInt64) -> (path: String, name: String) {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let stamp = formatter.string(from: Date())
        var name = "\(space)-\(stamp)-seed\(seed)"
        var suffix = 2
        while FileManager.default.fileExists(atPath: "\(directory)/\(name).sqlite") {
            name = "\(space)-\(stamp)-seed\(seed)-\(suffix)"
            suffix += 1
        }
        return ("\(directory)/\(name).sqlite", name)
    }
}
