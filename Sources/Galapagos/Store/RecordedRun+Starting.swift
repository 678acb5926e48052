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
        // A finished run is reported without opening it for writing: the file stays untouched.
        // So is one that cannot be resumed: every check reads before anything is written.
        let found = try RunReader(path: path).run()
        if found.status == .finished { return .finished(found) }
        let space = try resumableSearchSpace(found, path: path, searchSpacePath: searchSpacePath)
        let (store, run) = try RunStore.openForWriting(path: path)
        do {
            return .resumed(try resumedRun(
                run, space: space, store: store, path: path, workers: workers,
                additionalIndividuals: additionalIndividuals, policy: policy))
        } catch {
            // Leave the file as it was found: not marked running by a resume that never ran.
            try? store.record(status: run.status, reason: run.stopReason)
            store.close()
            throw error
        }
    }

    /// The run's search space, from its stored copies, once the files it was started from are
    /// known not to have changed since.
    private static func resumableSearchSpace(
        _ run: StoredRun, path: String, searchSpacePath: String?
    ) throws -> SearchSpace {
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
        // A data file still at its path must hold what the run stored; a moved one is fine.
        let onDisk = DataSource.directory(run.configuration.searchSpaceDirectory)
        for file in run.dataFiles {
            guard let disk = onDisk.diskPath(of: file.path),
                  let current = FileManager.default.contents(atPath: disk)
            else { continue }
            guard [UInt8](current) == file.content else {
                throw GalapagosError.run(
                    "\(path): refusing to resume: the data file \(disk) changed since the run"
                        + " started (the run keeps its own copy; restore the file, move it away to"
                        + " resume on the stored copy, or start a new run)")
            }
        }
        let space = try run.effectiveSearchSpace(location: path)
        let configuration = run.configuration
        let changed = space.changedDatasets(comparedTo: run.datasetHashes, runSeed: configuration.seedValue)
        guard changed.isEmpty else {
            throw GalapagosError.run(
                "\(path): refusing to resume: the \(changed.joined(separator: ", ")) task data"
                    + " differ from the run's (dataset hash mismatch: the data or the task"
                    + " generator changed)")
        }
        return space
    }

    private static func resumedRun(
        _ run: StoredRun, space: SearchSpace, store: RunStore, path: String, workers: Int,
        additionalIndividuals: Int?, policy: CheckpointPolicy
    ) throws -> RecordedRun {
        let configuration = run.configuration
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
        return RecordedRun(
            engine: engine, store: store, policy: policy, earlierSeconds: loaded?.seconds ?? 0)
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
