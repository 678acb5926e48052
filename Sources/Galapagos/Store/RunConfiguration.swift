import Foundation

/// How a run was started: everything besides the search-space text needed to continue it.
public struct RunConfiguration: Sendable, Codable, Equatable {
    /// The search-space file as given on the command line (for messages and change checks).
    public var searchSpacePath: String
    /// The absolute directory relative dataset paths start from.
    public var searchSpaceDirectory: String
    /// Command-line overrides of the search space.
    public var overrides: SearchSpaceOverrides
    /// The run's seed, as text (JSON numbers cannot hold every UInt64).
    public var seed: String
    public var targetFitness: Double?
    public var selectEvery: Int
    public var hallOfFameSize: Int
    /// The seed programs' text, if the population started from files.
    public var seedPrograms: [String]
    /// Individuals the run was asked for when it started (`nil`: no limit).
    public var maxIndividuals: Int?
    /// Seconds the run was asked to last when it started (`nil`: no limit).
    public var maxSeconds: Double?

    public init(
        searchSpacePath: String, overrides: SearchSpaceOverrides, seed: UInt64,
        targetFitness: Double?, selectEvery: Int, hallOfFameSize: Int, seedPrograms: [String],
        maxIndividuals: Int?, maxSeconds: Double?
    ) {
        self.searchSpacePath = searchSpacePath
        let directory = directoryPart(of: searchSpacePath)
        let absolute = directory.hasPrefix("/")
            ? directory
            : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(directory)
        searchSpaceDirectory = (absolute as NSString).standardizingPath
        self.overrides = overrides
        self.seed = String(seed)
        self.targetFitness = targetFitness
        self.selectEvery = selectEvery
        self.hallOfFameSize = hallOfFameSize
        self.seedPrograms = seedPrograms
        self.maxIndividuals = maxIndividuals
        self.maxSeconds = maxSeconds
    }

    /// The seed as a number (0 if the stored text is not one).
    public var seedValue: UInt64 { UInt64(seed) ?? 0 }
}

extension RunConfiguration {
    /// Decodes a stored configuration. Run files written before `searchSpaceDirectory` existed
    /// (same schema version) lack the key: it defaults to the directory of `searchSpacePath`,
    /// as `init` computes it, so that those files stay readable and resumable.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        searchSpacePath = try container.decode(String.self, forKey: .searchSpacePath)
        overrides = try container.decode(SearchSpaceOverrides.self, forKey: .overrides)
        seed = try container.decode(String.self, forKey: .seed)
        targetFitness = try container.decodeIfPresent(Double.self, forKey: .targetFitness)
        selectEvery = try container.decode(Int.self, forKey: .selectEvery)
        hallOfFameSize = try container.decode(Int.self, forKey: .hallOfFameSize)
        seedPrograms = try container.decode([String].self, forKey: .seedPrograms)
        maxIndividuals = try container.decodeIfPresent(Int.self, forKey: .maxIndividuals)
        maxSeconds = try container.decodeIfPresent(Double.self, forKey: .maxSeconds)
        if let directory = try container.decodeIfPresent(String.self, forKey: .searchSpaceDirectory) {
            searchSpaceDirectory = directory
        } else {
            let directory = directoryPart(of: searchSpacePath)
            let absolute = directory.hasPrefix("/")
                ? directory
                : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(directory)
            searchSpaceDirectory = (absolute as NSString).standardizingPath
        }
    }
}
