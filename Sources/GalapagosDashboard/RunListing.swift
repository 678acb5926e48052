import Foundation
import Galapagos

/// One run as the run list shows it (`GET /api/runs`).
public struct RunListing: Codable, Sendable, Equatable {
    /// The run file's name: the run's address under `/runs/`.
    public var name: String
    public var searchSpace: String
    public var seed: String
    public var status: String
    public var stopReason: String?
    public var individuals: Int
    public var seconds: Double
    /// The select fitness of the reported program (a stopped run), or of the member selected
    /// so far (a running one).
    public var selectFitness: Double?
    /// The test fitness of the reported program, for a stopped run.
    public var testFitness: Double?
    /// When the latest checkpoint was written (UTC).
    public var updated: String?
    /// Why the run file could not be read, for files that are not (or no longer) runs.
    public var error: String?

    /// Reads a run's listing from its source; a run that cannot be read is listed with its
    /// error, and `nil` means the source holds no such run.
    static func read(name: String, from source: any RunSource) async -> RunListing? {
        do {
            guard let reader = try await source.open(name) else { return nil }
            return read(name: name, reader: reader)
        } catch {
            var listing = RunListing(
                name: name, searchSpace: "", seed: "", status: "unreadable", individuals: 0, seconds: 0)
            listing.error = "\(error)"
            return listing
        }
    }

    /// Reads a run's listing; a run that cannot be read is listed with its error.
    static func read(name: String, reader: any RunRecords) -> RunListing {
        var listing = RunListing(
            name: name, searchSpace: "", seed: "", status: "unreadable", individuals: 0, seconds: 0)
        do {
            let run = try reader.run()
            listing.searchSpace = URL(fileURLWithPath: run.configuration.searchSpacePath)
                .deletingPathExtension().lastPathComponent
            listing.seed = run.configuration.seed
            listing.status = run.status.rawValue
            listing.stopReason = run.stopReason
            if let progress = try reader.progress() {
                listing.individuals = progress.individuals
                listing.seconds = progress.seconds
                listing.selectFitness = progress.selectedFitness.finite
                listing.updated = progress.checkpointedAt
            }
            // A stopped run's result is its reported program; a running one's is from an
            // earlier session.
            if run.status != .running, let result = try reader.result() {
                listing.selectFitness = result.selectFitness.finite
                listing.testFitness = result.testFitness?.finite
            }
        } catch {
            listing.error = "\(error)"
        }
        return listing
    }
}

extension Optional where Wrapped == Double {
    /// The value when it is a finite number (JSON has no infinities or NaN).
    var finite: Double? { flatMap { $0.isFinite ? $0 : nil } }
}

extension Double {
    var finite: Double? { isFinite ? self : nil }
}
