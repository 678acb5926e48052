extension SearchSpace {
    /// A hash of every example a run would use, per task role: resuming a run whose data
    /// changed (a different CSV, or a task generator that changed between versions) is refused
    /// by comparing these.
    public func datasetHashes(runSeed: UInt64) -> [String: String] {
        var hashes: [String: String] = [:]
        for role in TaskRole.allCases {
            let tasks = tasks(role, runSeed: runSeed)
            guard !tasks.isEmpty else { continue }
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            func mix(_ value: UInt64) {
                var x = hash ^ value
                hash = RandomGenerator.splitMix(&x)
            }
            for task in tasks {
                for split in [task.train, task.valid, task.test] {
                    mix(UInt64(split.count))
                    for x in split.features { mix(x.bitPattern) }
                    for y in split.labels { mix(y.bitPattern) }
                }
                mix(task.programSeed)
            }
            hashes[role.rawValue] = String(hash, radix: 16)
        }
        return hashes
    }
}

extension SearchSpace {
    /// The task roles whose data differ from `stored` hashes (missing on either side counts),
    /// sorted: empty when this search space reproduces a run's tasks exactly.
    public func changedDatasets(comparedTo stored: [String: String], runSeed: UInt64) -> [String] {
        let hashes = datasetHashes(runSeed: runSeed)
        return Set(hashes.keys).union(stored.keys).filter { hashes[$0] != stored[$0] }.sorted()
    }
}

extension SearchSpace {
    /// The data files the tasks read, as they were read, in the order the tasks name them
    /// (search, select, final), each once.
    public var dataFiles: [DataFile] {
        var files: [DataFile] = []
        for spec in [searchTasks, selectTasks, finalTasks].compactMap({ $0 }) {
            let file: DataFile? = switch spec.generator {
            case let .dataset(dataset): dataset.file
            case let .table(table): table.file
            default: nil
            }
            if let file, !files.contains(where: { $0.path == file.path }) { files.append(file) }
        }
        return files
    }
}
