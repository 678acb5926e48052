import Foundation
import Galapagos
@testable import GalapagosHub

/// Search spaces, folders and hubs for the hub's tests.
enum HubFixtures {
    static func spaceText(islands: Int, migrationEvery: Int, population: Int = 20, batch: Int = 10) -> String {
        """
        name: hub_test
        memory: {features: 4, scalars: 4, vectors: 3, matrices: 1}
        ops: [scalar_const_set, vector_inner_product, scalar_diff, scalar_product,
              scalar_vector_product, vector_sum]
        setup: {min: 1, max: 4, initial: 2}
        predict: {min: 1, max: 3, initial: 1}
        learn: {min: 1, max: 6, initial: 4}
        mutation:
          probability: 0.9
          operators: [alter_argument, randomize_instruction, insert_instruction, remove_instruction]
        evolution:
          population: \(population)
          tournament: 5
          islands: \(islands)
          batch: \(batch)
          migration: {every: \(migrationEvery), count: 2, topology: ring}
        fec: {enabled: true, train: 5, valid: 5, cache: 500}
        tasks:
          search: {generator: scalar_linear_regression, count: 2, train: 20, valid: 20}
          select: {generator: scalar_linear_regression, count: 2, train: 20, valid: 20}
        """
    }

    static func space(islands: Int, migrationEvery: Int) throws -> SearchSpace {
        try SearchSpace.parse(spaceText(islands: islands, migrationEvery: migrationEvery), file: "hub_test.yaml")
    }

    static func configuration(seed: UInt64, path: String = "hub_test.yaml", target: Double? = nil) -> RunConfiguration {
        RunConfiguration(
            searchSpacePath: path, overrides: SearchSpaceOverrides(), seed: seed, targetFitness: target,
            selectEvery: 200, hallOfFameSize: 10, seedPrograms: [], maxIndividuals: nil, maxSeconds: nil)
    }

    /// A new empty folder.
    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "galapagos-hub-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// A search space with a CSV dataset next to it; returns the search space's path.
    static func datasetSpaceFile(in folder: String, absolute: Bool = false) throws -> String {
        var rows = "x0,x1,label\n"
        for i in 0..<40 { rows += "\(Double(i % 7) * 0.5),\(Double(i % 5) - 2),\(i % 2)\n" }
        try write(rows, to: folder + "/data/points.csv")
        let dataPath = absolute ? folder + "/data/points.csv" : "data/points.csv"
        let text = spaceText(islands: 2, migrationEvery: 100)
            .replacingOccurrences(of: "memory: {features: 4,", with: "memory: {features: 2,")
            .replacingOccurrences(
                of: "search: {generator: scalar_linear_regression, count: 2, train: 20, valid: 20}",
                with: "search: {generator: projected_binary, dataset: \(dataPath), label: label, count: 1, metric: accuracy}")
        let path = folder + "/space.yaml"
        try write(text, to: path)
        return path
    }

    /// The test database, when `GALAPAGOS_TEST_POSTGRES_URL` names one.
    static var databaseURL: String? {
        ProcessInfo.processInfo.environment["GALAPAGOS_TEST_POSTGRES_URL"]
    }

    static func hub(retryFor: Duration = .seconds(10)) throws -> HubConnection {
        guard let url = databaseURL else { throw GalapagosError.invalidArgument("no test database") }
        return HubConnection(address: try HubAddress(url), retryFor: retryFor)
    }

    /// A run name no other test uses.
    static func runName(_ prefix: String) -> String {
        "test-\(prefix)-\(UUID().uuidString.prefix(8))"
    }
}
