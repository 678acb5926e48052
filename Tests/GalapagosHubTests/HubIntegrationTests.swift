import Foundation
import Galapagos
import Logging
import PostgresNIO
import Testing
@testable import GalapagosHub

/// Against a real PostgreSQL: set GALAPAGOS_TEST_POSTGRES_URL (`.ci/run` starts one and does).
@Suite(.enabled(if: HubFixtures.databaseURL != nil, "needs GALAPAGOS_TEST_POSTGRES_URL"), .serialized)
struct HubIntegrationTests {
    private func create(
        _ prefix: String, islands: Int = 3, lease: Double = 30, bandits: Bool = false
    ) async throws -> (HubRun, HubRunDefinition) {
        let hub = try HubFixtures.hub()
        let folder = try HubFixtures.folder()
        let path = folder + "/space.yaml"
        var text = HubFixtures.spaceText(islands: islands, migrationEvery: 60)
        if bandits {
            text = text.replacingOccurrences(of: "probability: 0.9", with: "probability: 0.9\n  adaptive: true")
                .replacingOccurrences(of: "tournament: 5", with: "tournament: 5\n  selector: thompson")
        }
        try HubFixtures.write(text, to: path)
        let definition = try HubRunDefinition(
            name: HubFixtures.runName(prefix), space: SearchSpace.load(path: path), searchSpacePath: path,
            configuration: HubFixtures.configuration(seed: 5, path: path), leaseSeconds: lease, syncSeconds: 0.1)
        let run = try await HubRun.create(definition, on: hub, maxIndividuals: nil, maxSeconds: nil)
        return (run, definition)
    }

    private func worker(_ run: HubRun, _ name: String, maxIslands: Int?) async throws -> HubWorker {
        let options = HubWorker.Options(
            maxIslands: maxIslands, threads: 1, searchSpacePath: nil,
            cacheDirectory: try HubFixtures.folder(), workerID: name)
        return try await HubWorker.join(run: run.name, hub: run.hub, options: options, log: { _ in })
    }

    @Test func aRunNameIsTakenOnce() async throws {
        let (run, definition) = try await create("dup")
        await #expect {
            _ = try await HubRun.create(definition, on: run.hub, maxIndividuals: nil, maxSeconds: nil)
        } throws: { "\($0)".contains("already exists") }
        let (_, reopened) = try await HubRun.open(run.name, on: run.hub)
        #expect(reopened.searchSpaceText == definition.searchSpaceText)
        #expect(reopened.datasetHashes == definition.datasetHashes)
        await #expect {
            _ = try await HubRun.open("no-such-run-\(UUID())", on: run.hub)
        } throws: { "\($0)".contains("no run named") }
        await run.hub.close()
    }

    @Test func adoptedIslandsContinueFromTheirCheckpointAndNothingFoundIsLost() async throws {
        let (run, _) = try await create("adopt", islands: 2, lease: 1)
        let first = try await worker(run, "first", maxIslands: 2)
        try await first.rebalance(run.status())
        #expect(first.islands.map(\.index) == [0, 1])
        first.evolve(for: .milliseconds(300), shouldStop: { false })
        // A sync checkpoints the islands as they are, then takes in the migrants that arrived
        // (they go into the next checkpoint; an adopter reads them again from the hub).
        let checkpointed = first.islands.map { ($0.engine.individuals, $0.engine.islands[0].members) }
        try await first.sync()
        try await first.saveCache()
        let fameBefore = try await HubSnapshot.read(run).hallOfFame(limit: 1_000).map(\.program)
        #expect(!fameBefore.isEmpty)

        // The first worker falls silent: evolves on, but its lease runs out before it syncs.
        first.evolve(for: .milliseconds(100), shouldStop: { false })
        try await Task.sleep(for: .milliseconds(1_300))
        let second = try await worker(run, "second", maxIslands: 2)
        try await second.rebalance(run.status())
        #expect(second.islands.map(\.index) == [0, 1])
        #expect(second.summary.islandsAdopted == 2)
        // The adopter continues with the dead worker's cache, not an empty one.
        #expect(second.summary.fecEntriesAdopted > 0)
        for (island, (individuals, members)) in zip(second.islands, checkpointed) {
            #expect(island.engine.individuals == individuals)
            #expect(island.engine.islands[0].members.map(\.program) == members.map(\.program))
        }
        // The silent worker wakes up: its checkpoints are refused, its islands dropped.
        try await first.sync()
        #expect(first.islands.isEmpty)
        #expect(first.summary.leasesLost == 2)
        second.evolve(for: .milliseconds(200), shouldStop: { false })
        try await second.sync()
        let fameAfter = Set(try await HubSnapshot.read(run).hallOfFame(limit: 10_000).map(\.program))
        #expect(fameBefore.allSatisfy { fameAfter.contains($0) })
        let kinds = try await run.events().map(\.kind)
        #expect(kinds.filter { $0 == "adopted" }.count == 2)
        #expect(kinds.filter { $0 == "lease-lost" }.count == 2)
        await run.hub.close()
    }

    @Test func programsInTheHallOfFameHaveTheirLineage() async throws {
        let (run, _) = try await create("lineage", islands: 2)
        let first = try await worker(run, "first", maxIslands: 2)
        try await first.rebalance(run.status())
        for _ in 0..<3 {
            first.evolve(for: .milliseconds(300), shouldStop: { false })
            try await first.sync()
        }
        let snapshot = try await HubSnapshot.read(run)
        let fame = try snapshot.hallOfFame(limit: 1_000)
        #expect(!fame.isEmpty)
        let fameIDs = Set(fame.map(\.id))
        var longest = 0
        for entry in fame {
            let lineage = try snapshot.lineage(of: entry.id)
            #expect(lineage.first?.program == entry.program, "the lineage of \(entry.id) starts with it")
            // Each step names the next as its parent, and ancestors are born before their children.
            for (child, parent) in zip(lineage, lineage.dropFirst()) {
                #expect(child.parentID == parent.id)
                #expect(child.birth > parent.birth || child.origin.hasPrefix("migration"))
            }
            // Recorded steps are where fitness changed, or programs of the hall of fame: neutral
            // copies are folded away.
            for (child, parent) in zip(lineage.dropFirst(), lineage.dropFirst(2))
            where !child.origin.hasPrefix("migration") && !fameIDs.contains(child.id) {
                #expect(child.fitness != parent.fitness, "step \(child.id) repeats \(parent.id)'s fitness")
            }
            longest = max(longest, lineage.count)
        }
        // Programs climbed from random ones through recorded ancestors.
        #expect(longest >= 3)
        // A later sync writes only new steps: re-offering nothing leaves the records as they are.
        let recorded = snapshot.lineageRecords.count
        try await first.sync()
        #expect(try await HubSnapshot.read(run).lineageRecords.count == recorded)
        await run.hub.close()
    }

    @Test func eachIslandShowsItsBandits() async throws {
        let (run, _) = try await create("bandits", islands: 2, bandits: true)
        let first = try await worker(run, "first", maxIslands: 2)
        try await first.rebalance(run.status())
        first.evolve(for: .milliseconds(300), shouldStop: { false })
        try await first.sync()
        let arms = try await HubSnapshot.read(run).bandits()
        let operators = arms.filter { $0.bandit == "operators island 1" }
        #expect(Set(operators.map(\.arm)) == ["alter_argument", "randomize_instruction", "insert_instruction", "remove_instruction"])
        #expect(operators.map(\.pulls).reduce(0, +) > 0)
        #expect(operators.allSatisfy { $0.individuals == first.islands[1].engine.individuals })
        #expect(Set(arms.map(\.bandit)).isSuperset(of: ["operators island 0", "strata island 0", "strata island 1"]))
        await run.hub.close()
    }

    @Test func theCoordinatorsVacuumReachesTheCheckpointTable() async throws {
        let (run, _) = try await create("vacuum", islands: 1)
        try await run.vacuumCheckpoints()
        let vacuumed = try await run.hub.perform("reading vacuum statistics") { connection, logger in
            var found = false
            for try await (at) in try await connection.query(
                "SELECT last_vacuum IS NOT NULL FROM pg_stat_all_tables WHERE relname = 'galapagos_island'",
                logger: logger
            ).decode(Bool.self) {
                found = at
            }
            return found
        }
        // VACUUM cannot run inside a transaction block: this fails if the query were wrapped in one.
        #expect(vacuumed)
        await run.hub.close()
    }

    @Test func migrantsTravelThroughTheHub() async throws {
        let (run, _) = try await create("migrate", islands: 2)
        let a = try await worker(run, "a", maxIslands: 1)
        let b = try await worker(run, "b", maxIslands: 1)
        try await a.rebalance(run.status())
        try await b.rebalance(run.status())
        #expect(a.islands.map(\.index) == [0] && b.islands.map(\.index) == [1])
        // Island 0 fills and passes its migration point (30 island individuals).
        while a.islands[0].engine.individuals < 60 { a.islands[0].engine.step() }
        while b.islands[0].engine.individuals < 60 { b.islands[0].engine.step() }
        let sent = a.islands[0].engine.emigrants(from: 0).map(\.program)
        try await a.sync()
        #expect(a.summary.migrantsSent == 2)
        try await b.sync()
        #expect(b.summary.migrantsReceived >= 2)
        let arrived = b.islands[0].engine.islands[0].members.filter { $0.origin == .migration }.map(\.program)
        #expect(sent.allSatisfy { arrived.contains($0) })
        // The cursor moved: the same migrants are not taken twice.
        let received = b.summary.migrantsReceived
        try await b.sync()
        #expect(b.summary.migrantsReceived == received)
        // Retention: once the receiver's checkpoint has committed its cursor, its arrived
        // migrants are deleted; the run still counts them.
        let name = run.name
        let waiting = try await run.hub.perform("counting") { connection, logger in
            try await connection.query(
                "SELECT COUNT(*)::BIGINT FROM galapagos_migrant WHERE run = \(name) AND to_island = 1",
                logger: logger).collect().first?.decode(Int.self)
        }
        #expect(waiting == 0)
        #expect(try await HubSnapshot.read(run).progress()?.migrations ?? 0 >= 2)
        await run.hub.close()
    }

    /// Statistics older than an hour are thinned to one row per minute, older than a day to
    /// one per hour; the last hour keeps every row.
    @Test func oldStatisticsAreThinnedByAge() async throws {
        let (run, _) = try await create("thin", islands: 1)
        let name = run.name
        // Rows 10 s apart: the last 10 minutes, 2 h ago (for 3 minutes) and 3 days ago (for 2 hours).
        let ages: [Int] = Array(stride(from: 0, to: 600, by: 10)) + Array(stride(from: 7_200, to: 7_380, by: 10))
            + Array(stride(from: 259_200, to: 266_400, by: 10))
        try await run.hub.transaction("old statistics") { connection, logger in
            for (index, age) in ages.sorted(by: >).enumerated() {
                try await connection.query("""
                    INSERT INTO galapagos_statistic (run, island, individuals, seconds, size, diversity,
                        individuals_per_second, fec_hits, at)
                    VALUES (\(name), 0, \(index), 1, 1, 1, 1, 0, now() - make_interval(secs => \(Double(age))))
                    """, logger: logger)
            }
            try await connection.query(HubRetention.thinStatistics(run: name, island: 0), logger: logger)
        }
        let kept = try await run.hub.perform("reading") { connection, logger in
            var ages: [Double] = []
            for try await age in try await connection.query(
                "SELECT EXTRACT(EPOCH FROM now() - at)::DOUBLE PRECISION FROM galapagos_statistic WHERE run = \(name)",
                logger: logger).decode(Double.self) { ages.append(age) }
            return ages
        }
        #expect(kept.filter { $0 < 3_600 }.count == 60)  // every recent row
        let hoursAgo = kept.filter { $0 > 3_600 && $0 < 86_400 }.count
        #expect((3...4).contains(hoursAgo), "\(hoursAgo) rows 2 h old")  // one per minute
        let daysAgo = kept.filter { $0 > 86_400 }.count
        #expect((2...3).contains(daysAgo), "\(daysAgo) rows 3 days old")  // one per hour
        await run.hub.close()
    }

    /// The hall of fame keeps a program that enters the run's top ``HubRetention/hallOfFameTop``
    /// or extends the fitness–size front, and nothing else; what it kept stays.
    @Test func theHallOfFameKeepsTheTopAndTheFrontOnly() async throws {
        let (run, _) = try await create("fame", islands: 1)
        let name = run.name
        let top = HubRetention.hallOfFameTop
        func entry(_ index: Int, fitness: Double, size: Int) -> HallOfFameEntry {
            HallOfFameEntry(
                program: "program \(index)", fitness: fitness, fingerprint: UInt64(index), island: 0,
                memberID: index, individuals: index, size: size)
        }
        // The top: fitness 0.5 + i/1000, size 10; then five more.
        let offers = (0..<top).map { entry($0, fitness: 0.5 + Double($0) / 1_000, size: 10) } + [
            entry(1_000, fitness: 0.4, size: 12),   // below the top, larger: refused
            entry(1_001, fitness: 0.5, size: 10),   // ties the weakest of the top: refused
            entry(1_002, fitness: 0.4, size: 3),    // smaller than every kept program: kept
            entry(1_003, fitness: 0.3, size: 3),    // as small as 1_002 and less fit: refused
            entry(1_004, fitness: 0.9, size: 20),   // enters the top: kept
            // Better than the second weakest of the top by rounding only: a tie, refused.
            entry(1_005, fitness: 0.5 + 1.0 / 1_000 + 1e-11, size: 10),
        ]
        try await run.hub.transaction("offers") { connection, logger in
            for offer in offers {
                try await connection.query(HubRetention.offer(offer, run: name, worker: "w"), logger: logger)
            }
        }
        let kept = try await run.hub.perform("reading") { connection, logger in
            var programs: Set<String> = []
            for try await program in try await connection.query(
                "SELECT program FROM galapagos_hall_of_fame WHERE run = \(name)", logger: logger
            ).decode(String.self) { programs.insert(program) }
            return programs
        }
        #expect(kept.count == top + 2)
        #expect(kept.contains("program 1002") && kept.contains("program 1004"))
        #expect(!kept.contains("program 1000") && !kept.contains("program 1001") && !kept.contains("program 1003"))
        #expect(!kept.contains("program 1005"))
        // The weakest of the old top stays: rows are never deleted.
        #expect(kept.contains("program 0"))
        await run.hub.close()
    }

    @Test func workersShareIslandsFairlyAndFinishTogether() async throws {
        let (run, _) = try await create("share", islands: 3)
        let a = try await worker(run, "a", maxIslands: nil)
        try await a.rebalance(run.status())
        #expect(a.islands.count == 3)
        let b = try await worker(run, "b", maxIslands: nil)
        try await a.rebalance(run.status())
        #expect(a.islands.count == 2)  // ⌈3 / 2⌉
        try await b.rebalance(run.status())
        #expect(b.islands.map(\.index) == [2])
        try await run.end(status: .finished, reason: "max-evals")
        let summary = try await b.work(shouldStop: { false })
        #expect(summary.runStatus == .finished && summary.stopReason == "max-evals")
        #expect(try await run.status().liveWorkers == 1)
        await run.hub.close()
    }

    @Test func migrantsCommittedOutOfIdOrderAreAllTaken() async throws {
        // With random topology several islands send to one: a sender's transaction may take a
        // lower id from the sequence and commit after another's higher id.
        let (run, _) = try await create("order", islands: 3)
        let slowHub = try HubFixtures.hub()
        let name = run.name
        @Sendable func insert(_ connection: PostgresConnection, _ logger: Logger, from: Int, member: Int) async throws {
            try await connection.query("""
                INSERT INTO galapagos_migrant
                    (run, from_island, to_island, member_id, program, fitness, fingerprint, individuals)
                VALUES (\(name), \(from), 1, \(member), 'p', 0.5, 0, 100)
                """, logger: logger)
        }
        async let slow: Void = slowHub.transaction("slow sender") { connection, logger in
            try await insert(connection, logger, from: 2, member: 1)
            try await Task.sleep(for: .milliseconds(700))
        }
        try await Task.sleep(for: .milliseconds(250))
        try await run.hub.transaction("fast sender") { connection, logger in
            try await insert(connection, logger, from: 0, member: 2)
        }
        let first = try await run.arrivals(island: 1, after: [:])
        #expect(first.map(\.from) == [0])
        try await slow
        var cursors: [Int: Int] = [:]
        for arrival in first { cursors[arrival.from] = arrival.individuals }
        let second = try await run.arrivals(island: 1, after: cursors)
        #expect(second.map(\.from) == [2])
        #expect(second.first.map { $0.id < first[0].id } == true)
        for arrival in second { cursors[arrival.from] = arrival.individuals }
        #expect(try await run.arrivals(island: 1, after: cursors).isEmpty)
        await slowHub.close()
        await run.hub.close()
    }

    @Test func aPageOfMigrantsNeverEndsInsideAMigration() async throws {
        let (run, _) = try await create("page", islands: 3)
        let name = run.name
        try await run.hub.transaction("two migrations") { connection, logger in
            for (from, count, members) in [(0, 100, [1, 2, 3]), (2, 50, [4, 5])] {
                for member in members {
                    try await connection.query("""
                        INSERT INTO galapagos_migrant
                            (run, from_island, to_island, member_id, program, fitness, fingerprint, individuals)
                        VALUES (\(name), \(from), 1, \(member), 'p', 0.5, 0, \(count))
                        """, logger: logger)
                }
            }
        }
        let first = try await run.arrivals(island: 1, after: [:], limit: 4)
        #expect(first.map(\.memberID) == [1, 2, 3])
        let second = try await run.arrivals(island: 1, after: [0: 100], limit: 4)
        #expect(second.map(\.memberID) == [4, 5])
        await run.hub.close()
    }

    @Test func aLapsedLeaseNobodyTookStaysWithItsWorker() async throws {
        let (run, _) = try await create("lapse", islands: 2, lease: 0.5)
        let a = try await worker(run, "a", maxIslands: nil)
        try await a.rebalance(run.status())
        a.evolve(for: .milliseconds(100), shouldStop: { false })
        try await Task.sleep(for: .milliseconds(800))
        // Its own expired islands are not claimed a second time...
        try await a.rebalance(run.status())
        #expect(a.islands.map(\.index) == [0, 1])
        // ...and its checkpoints still count.
        try await a.sync()
        #expect(a.islands.count == 2)
        #expect(a.summary.leasesLost == 0)
        // A second live worker under the same name is refused.
        try await run.heartbeat(worker: "a", individuals: 0, syncs: 0, syncSeconds: 0)
        await #expect {
            _ = try await worker(run, "a", maxIslands: nil)
        } throws: { "\($0)".contains("already named a") }
        await run.hub.close()
    }

    @Test func limitedWorkersLeaveTheRestToTheOthers() async throws {
        let (run, _) = try await create("limits", islands: 5)
        let limited = try await worker(run, "limited", maxIslands: 2)
        let free = try await worker(run, "free", maxIslands: nil)
        try await limited.rebalance(run.status())
        #expect(limited.islands.count == 2)
        try await free.rebalance(run.status())
        #expect(free.islands.map(\.index) == [2, 3, 4])
        await run.hub.close()
    }

    @Test func aDamagedCheckpointIsSetAsideNotFatal() async throws {
        let (run, _) = try await create("damaged", islands: 3)
        let name = run.name
        try await run.hub.transaction("damage islands 0 and 1") { connection, logger in
            // Island 0 as written before schema 3 (text), island 1 compressed.
            try await connection.query(
                "UPDATE galapagos_island SET state = '{\"format\": 1' WHERE run = \(name) AND island = 0",
                logger: logger)
            try await connection.query(
                "UPDATE galapagos_island SET state_compressed = '\\x789cffffffff'::BYTEA WHERE run = \(name) AND island = 1",
                logger: logger)
        }
        let a = try await worker(run, "a", maxIslands: nil)
        try await a.rebalance(run.status())
        #expect(a.islands.map(\.index) == [2])
        let events = try await run.events()
        #expect(events.contains { $0.kind == "damaged" && $0.island == 0 && $0.detail.contains("damaged") })
        #expect(events.contains { $0.kind == "damaged" && $0.island == 1 && $0.detail.contains("cannot be inflated") })
        let snapshot = try await HubSnapshot.read(run)
        #expect(try snapshot.islands().count == 3)
        await run.hub.close()
    }

    @Test func aWrongPasswordFailsAtOnceSayingSo() async throws {
        guard let url = HubFixtures.databaseURL else { return }
        var address = try HubAddress(url)
        address.password = "certainly-wrong"
        let hub = HubConnection(address: address, retryFor: .seconds(30))
        let clock = ContinuousClock()
        let start = clock.now
        await #expect {
            try await HubSchema.prepare(hub)
        } throws: { "\($0)".contains("authentication failed") && !"\($0)".contains("certainly-wrong") }
        #expect(clock.now - start < .seconds(10))
    }

    @Test func anUnreachableHubIsRetriedThenReported() async throws {
        let hub = HubConnection(
            address: try HubAddress("postgres://nobody@127.0.0.1:1/none", environment: [:]),
            retryFor: .seconds(1))
        await #expect {
            try await HubSchema.prepare(hub)
        } throws: { "\($0)".contains("unreachable") && "\($0)".contains("127.0.0.1:1") }
    }

    @Test func aMissingDatabaseIsNamed() async throws {
        guard let url = HubFixtures.databaseURL else { return }
        var address = try HubAddress(url)
        address.database = "galapagos_no_such_database"
        let hub = HubConnection(address: address, retryFor: .seconds(5))
        await #expect {
            try await HubSchema.prepare(hub)
        } throws: { "\($0)".contains("does not exist") }
    }
}
