/// The island-model evolution engine.
///
/// Work goes in batches of children (per island, or allocated to islands by a bandit), in a
/// pipeline one batch deep: each ``step()`` proposes batch k + 1 and has the worker pool make
/// and score it while this thread applies batch k in proposal order (FEC look-ups and
/// inserts, population updates, bandit rewards, hall of fame). So batch k + 1 is proposed from
/// the populations as they were before batch k, and its workers read the FEC cache as it was
/// before batch k; that lag is the same on any number of workers, and it keeps every core busy.
/// With more than one worker this thread also proposes batch k + 2 before it joins the workers,
/// unless migration, selection or a restart is due at the end of the step (the proposals are
/// the ones the next step would make; see ``proposeEarlyIfQuiet(after:)``).
/// Every random choice derives from the run's seed: the engine's own generator for proposals
/// and migration, and a generator per child derived from the seed and the child's serial
/// number for mutation. So a run's results never depend on the number of workers.
///
/// ```swift
/// let engine = Engine(space: space, settings: EngineSettings(seed: 1, workers: 2,
///                                                            maxIndividuals: 100_000))
/// while !engine.isFinished { engine.step() }
/// let summary = engine.finish()
/// ```
public final class Engine {
    /// The search space, with command-line overrides applied.
    public let space: SearchSpace
    public let settings: EngineSettings
    let mutator: Mutator
    /// What the workers need to make and score children.
    let production: ProductionContext
    /// The tasks of every role and the worker pool that scores programs on them.
    public let scorer: Scorer
    public var searchTasks: [TaskDataset] { scorer.searchTasks }
    public var selectTasks: [TaskDataset] { scorer.selectTasks }
    public var finalTasks: [TaskDataset] { scorer.finalTasks }
    var pool: WorkerPool { scorer.pool }

    /// The populations.
    public internal(set) var islands: [Island]
    /// The engine's generator: proposals, parent selection, migration.
    var random: RandomGenerator
    /// Parent-selection state (bandits included).
    public internal(set) var selection: ParentSelection
    /// The operator bandit, when adaptive operator selection is on.
    public internal(set) var operatorBandit: Bandit?
    /// The functional-equivalence cache, when enabled: the copy that holds every applied child.
    public var fec: FECCache? { fecBuffers?.live }
    /// The cache in two copies: one read by the workers of the next batch, one written by
    /// the children applied meanwhile.
    var fecBuffers: FECDoubleBuffer?
    /// Individuals produced so far (every child, FEC hits included).
    public internal(set) var individuals = 0
    /// Children whose fitness came from the FEC cache.
    public internal(set) var fecHits = 0
    /// Islands restarted (after `restart_after_individuals` or stagnation), over the run.
    public internal(set) var restarts = 0
    /// This session's audit of cache hits (``FECSpec/audit``).
    public internal(set) var fecAudit = FECAudit()
    /// Migrations performed.
    public internal(set) var migrations = 0
    /// The next member id.
    var nextMemberID = 0
    /// The best programs seen.
    public internal(set) var hallOfFame: HallOfFame
    /// Select fitness of members evaluated on the select tasks, by member id.
    public internal(set) var selectFitness: [Int: Double] = [:]
    /// The member with the best select fitness so far.
    public internal(set) var bestSelected: Member?
    /// Per island: the id of the best member last sent to selection.
    var lastSelectedID: [Int]
    /// Per island: its best fitness since it (re)started, and its own individual count when it
    /// got there (``EvolutionSpec/restartStagnantAfterIndividuals``).
    var islandRecords: [IslandRecord]
    /// Individuals count at the last select evaluation.
    var lastSelectAt = 0
    /// Individuals count at which the next migration happens.
    var nextMigrationAt: Int
    /// Children made and scored but not yet applied, in apply order: the rest of the current
    /// batch (the first ``pendingInCurrentBatch``), then the next batch when it was made.
    var pending: [EngineState.PendingChild] = []
    /// How many of ``pending`` belong to the batch being applied.
    var pendingInCurrentBatch = 0
    /// Migrations since the last ``takeMigrationEvents()``.
    var migrationEvents: [MigrationEvent] = []
    /// The family tree of what the run holds, when lineage is tracked.
    public internal(set) var ancestry: Ancestry?
    /// The batch after the one being scored, proposed while the workers score it (see
    /// ``proposeEarlyIfQuiet(after:)``).
    var early: EarlyProposals?
    /// Whether a batch proposed early starts before the batch ahead of it ends (off for
    /// engines that share their FEC cache: the early batch's frozen copy would make the next
    /// engine's writes copy the cache).
    var startsBatchesEarly = true
    /// Members that children replaced in this step, made by helper threads and by this
    /// thread. The batch being scored was proposed before they died and may still read their
    /// programs (``Proposal/Parent`` does not retain them): they stay alive until it is
    /// received, then join `departed` and `departedMadeHere` (``letGoOfDying()``). Members
    /// that die in other ways (migration, restarts) die with no batch in flight.
    private var dying: [Member] = []
    private var dyingMadeHere: [Member] = []
    /// Members made by helper threads that died before the last batch received: the next
    /// batch's helpers let go of them (freeing a dead member's program is a good part of
    /// applying a child).
    private var departed: [Member] = []
    /// Members made by this thread (``EngineState/PendingChild/madeByCaller``) that died before
    /// the last batch received: freed here when the next batch starts, by the thread that
    /// allocated them (a helper freeing them would pass their memory between the threads'
    /// allocators, which then both take their slow paths).
    private var departedMadeHere: [Member] = []

    /// Creates an engine with empty islands; the first steps fill them.
    public init(space: SearchSpace, settings: EngineSettings) {
        self.space = space
        self.settings = settings
        mutator = Mutator(space: space)
        scorer = Scorer(space: space, taskSeed: settings.taskSeed ?? settings.seed, workers: settings.workers)
        production = ProductionContext(
            mutator: mutator, operators: space.mutation.operators, retries: space.mutation.retries,
            initialPrograms: space.evolution.initialPrograms, callProtocol: space.callProtocol,
            pruningProtocol: space.pruningProtocol,
            fitting: space.evolution.fitConstants.map { (ConstantFitter(shape: space.memory), $0) },
            termFitting: space.evolution.fitTerms.map {
                (TermFitter(shape: space.memory, predict: space.components[Component.predict.rawValue]), $0)
            },
            isPredictOnly: space.isPredictOnly,
            tasks: scorer.searchTasks,
            aggregation: space.aggregation, fecSpec: space.fec)
        let evolution = space.evolution
        islands = Array(repeating: Island(capacity: evolution.populationSize), count: evolution.islands)
        random = RandomGenerator(seed: RandomGenerator.derive(settings.seed, 0xE9E1))
        selection = ParentSelection(
            kind: evolution.selector, islands: evolution.islands,
            tournamentSize: evolution.tournamentSize)
        operatorBandit = space.mutation.adaptive
            ? Bandit(arms: space.mutation.operators.count, policy: .thompson) : nil
        fecBuffers = space.fec.enabled ? FECDoubleBuffer(FECCache(capacity: space.fec.capacity)) : nil
        hallOfFame = HallOfFame(capacity: settings.hallOfFameSize)
        lastSelectedID = Array(repeating: -1, count: evolution.islands)
        islandRecords = Array(repeating: IslandRecord(), count: evolution.islands)
        nextMigrationAt = evolution.migrationInterval > 0 ? evolution.migrationInterval : .max
        if settings.tracksAncestry {
            var tree = Ancestry()
            tree.listsUnpersisted = !settings.lineageOnRequest
            ancestry = tree
        }
    }

    deinit {
        // Helpers may still be scoring a batch started early; none of it is wanted now.
        early?.launched?.batch.abandon()
    }

    // MARK: Stopping

    /// Whether the select fitness reached the target.
    public var reachedTarget: Bool {
        guard let target = settings.targetFitness, let best = bestSelected,
              let fitness = selectFitness[best.id] else { return false }
        return fitness >= target
    }

    /// Whether the run is over: the individual budget is spent or the target reached.
    public var isFinished: Bool {
        if reachedTarget { return true }
        if let maximum = settings.maxIndividuals, individuals >= maximum { return true }
        return false
    }

    // MARK: One step

    /// A child to be made: where it goes, what it comes from, and its generator's seed.
    struct Proposal: Sendable {
        enum Source: Sendable {
            case random
            case seed(Program, mutate: Bool)
            case parent(Parent, MutationKind)

            /// The parent's id and fitness, for a child of a parent.
            var parentRecord: (id: Int, fitness: Double)? {
                guard case let .parent(parent, _) = self else { return nil }
                return (parent.id, parent.fitness)
            }

            /// The mutation chosen, for a child of a parent; `identity` otherwise.
            var mutation: MutationKind {
                guard case let .parent(_, kind) = self else { return .identity }
                return kind
            }

        }

        /// A parent as its child's proposal holds it: its program is read in place, not
        /// retained. (A retain by the engine's thread and a release after the batch, for every
        /// child, would pass the cache line of a popular parent's reference count between the
        /// cores; so would the worker's copy of the proposal.) The engine keeps every member
        /// that dies alive until the batches proposed before its death are received
        /// (``Engine/dying``).
        struct Parent: Sendable {
            let id: Int
            let fitness: Double
            let program: Program.UnsafeView

            init(_ member: borrowing Member) {
                id = member.id
                fitness = member.fitness
                program = member.program.unsafeView
            }
        }

        var island: Int
        var source: Source
        var seed: UInt64
        /// Stratum arm of a bandit selector, or −1.
        var arm: Int
        /// Index of the operator in the search space's list when a bandit chose it, or −1.
        var operatorArm: Int
        /// Island fitness spread (best − median) when proposed: the scale of rewards.
        var rewardScale: Double
        /// The score the child must reach on its first task before the others run
        /// (``EvolutionSpec/hurdle``); −∞ runs every task.
        var hurdle = -Double.infinity
        /// The second parent of a crossover.
        var donor: Program?
    }


    /// A child made and scored by a worker.
    struct Outcome: Sendable {
        var program: Program
        var fingerprint: UInt64
        var fitness: Double
        /// Whether the FEC cache already held the fingerprint when the batch started.
        var cachedAtStart: Bool
        /// The mutation actually applied (`identity` when the chosen one could not apply).
        var origin: MemberOrigin
        /// For a cache hit picked for audit (``FECSpec/audit``), its fitness evaluated in full.
        var audit: Double? = nil
    }

    /// Applies one batch while the workers make and score the next; then migrates, selects and
    /// restarts as due.
    ///
    /// When the individual budget ends inside a batch, only the children within the budget are
    /// applied; the rest, and the next batch, wait in ``pendingCount`` and are applied first by
    /// the next step (after a resume, say). Migration, selection and restarts happen only at
    /// batch ends. So a run stopped at N individuals and resumed for N more ends exactly where
    /// a run of 2N individuals does.
    public func step() {
        guard !isFinished else { return }
        if pending.isEmpty {
            // The first batch of a run: nothing to apply while it is made.
            pending = receive(start(propose()))
            pendingInCurrentBatch = pending.count
        }
        var next: Production?
        if pendingInCurrentBatch == pending.count {
            next = takeEarlyBatch() ?? start(propose())
        }
        let budget = settings.maxIndividuals.map { max(0, $0 - individuals) } ?? Int.max
        let count = min(budget, pendingInCurrentBatch)
        // In place: each child's program moves into its member (iterating the array would
        // copy each child, bumping the reference count of a program another core just wrote).
        pending.withUnsafeMutableBufferPointer { pending in
            for index in 0..<count { apply(&pending[index]) }
        }
        pending.removeFirst(count)
        pendingInCurrentBatch -= count
        for index in islands.indices { islands[index].settleBest() }
        if let next {
            proposeEarlyIfQuiet(after: next.proposals)
            if pending.isEmpty {
                pending = receive(next)
            } else {
                pending.append(contentsOf: receive(next))
            }
        }
        // No batch proposed before this step's deaths is scored any more (the early one was
        // proposed after them).
        letGoOfDying()
        guard pendingInCurrentBatch == 0 else { return }
        // With the workers free again: selection scores its tasks on all of them.
        migrateIfDue()
        selectIfDue()
        for index in restartIfDue() {
            // The next batch's children of a restarted island descend from the population it
            // dropped: they are not applied.
            for child in pending where child.island == index {
                if let parentID = child.parentID { ancestry?.release(parentID) }
            }
            pending.removeAll { $0.island == index }
        }
        pendingInCurrentBatch = pending.count
    }

    /// Children made and scored but not yet applied (see ``step()``).
    public var pendingCount: Int { pending.count }

    /// Moves the members that died to the ones the next batch frees, once no batch proposed
    /// before their death is being scored.
    private func letGoOfDying() {
        Self.move(&dying, to: &departed)
        Self.move(&dyingMadeHere, to: &departedMadeHere)
    }

    /// Moves every member of `source` to the end of `target`; swapped rather than appended
    /// when `target` is empty (the usual case): appending would retain each member, whose
    /// reference count another core last wrote.
    private static func move(_ source: inout [Member], to target: inout [Member]) {
        if target.isEmpty {
            swap(&target, &source)
        } else {
            target.append(contentsOf: source)
            source.removeAll(keepingCapacity: true)
        }
    }

    /// A batch being made and scored on the worker pool.
    struct Production {
        var proposals: [Proposal]
        var batch: WorkerPool.Batch<EngineState.PendingChild>
    }

    /// Starts making and scoring proposals on the worker pool, with the FEC cache as it is now:
    /// without the children still pending, which are applied meanwhile.
    private func start(_ proposals: [Proposal]) -> Production {
        // One worker scores the batch now, before the pending children are applied, so it can
        // read the cache in place; helpers score it while they are applied, from an index of the
        // cache as it is now (``FECDoubleBuffer/freeze()``).
        let scoresNow = pool.count == 1
        let view = scoresNow
            ? fecBuffers.map { FECView(cache: $0.unfrozen) }
            : (fecBuffers?.freeze()).map(FECView.init(index:))
        // The batch lets go of the view when its jobs are done (a reference left would make the
        // engine's next write copy the whole cache).
        let context = production
        let waste = departed
        departed = []
        departedMadeHere.removeAll(keepingCapacity: true)
        let caller = ObjectIdentifier(pool.first)
        let batch = pool.start(jobs: proposals.count, disposing: waste.isEmpty ? nil : waste) { [view] job, evaluator in
            let outcome = context.make(proposals[job], evaluator: evaluator, cache: view)
            var record = EngineState.PendingChild.record(of: proposals[job], outcome)
            record.madeByCaller = ObjectIdentifier(evaluator) == caller
            return record
        }
        return Production(proposals: proposals, batch: batch)
    }

    /// Waits for a started batch: its children, to be recorded as pending (the workers made
    /// the records). When the batch after it started early, this thread scores its children
    /// while the last ones of this batch end, so that no worker idles.
    private func receive(_ production: Production) -> [EngineState.PendingChild] {
        production.batch.wait(startingNext: { [unowned self] in early?.launched?.batch })
    }

    /// The next batch's children, from the populations as they are (the children still pending
    /// are not in them yet).
    ///
    /// - Parameters:
    ///   - inFlight: a batch still being scored, which comes before this one (its children
    ///     are pending as soon as it is received).
    ///   - pinning: pin each parent in the family tree now; early proposals are pinned when
    ///     their step begins (``takeEarlyBatch()``).
    private func propose(after inFlight: [Proposal] = [], pinning: Bool = true) -> [Proposal] {
        // Local copies, read once per batch: reading the engine's own properties per
        // proposal copies them (retaining what they hold) with an access check each time.
        let selection = selection, operatorBandit = operatorBandit
        let evolution = space.evolution, mutation = space.mutation
        var random = random
        defer { self.random = random }
        let batch = evolution.batchSize
        let plan = selection.plan(islands: islands, batch: batch, using: &random)
        let needsRanking = selection.kind != .tournament || operatorBandit != nil
        // Slots of filling islands already taken by pending children, and serial numbers.
        var pendingFill = Array(repeating: 0, count: islands.count)
        for child in pending { pendingFill[child.island] += 1 }
        for proposal in inFlight { pendingFill[proposal.island] += 1 }
        let firstSerial = individuals + pending.count + inFlight.count
        var rankings: [Int: [Int]] = [:]
        var scales: [Int: Double] = [:]
        var powerLawWeights: [Int: [Double]] = [:]
        var hurdles: [Int: Double] = [:]
        var proposals: [Proposal] = []
        proposals.reserveCapacity(plan.count)
        // A copy of the island the plan is on (it proposes from each in runs; nothing here
        // changes islands): a copy per proposal would retain each of its arrays every time.
        var island = Island(capacity: 0)
        var islandIndex = -1
        for index in plan {
            let serial = UInt64(firstSerial + proposals.count)
            let seed = RandomGenerator.derive(settings.seed, 0xC41D, serial)
            if index != islandIndex {
                island = islands[index]
                islandIndex = index
            }
            if island.isInitializing {
                let slot = island.members.count + pendingFill[index]
                pendingFill[index] += 1
                let source: Proposal.Source
                if !settings.seedPrograms.isEmpty {
                    let seedProgram = settings.seedPrograms[slot % settings.seedPrograms.count]
                    source = .seed(seedProgram, mutate: slot >= settings.seedPrograms.count)
                } else {
                    source = .random
                }
                proposals.append(Proposal(
                    island: index, source: source, seed: seed, arm: -1, operatorArm: -1,
                    rewardScale: 1))
                continue
            }
            // Rankings cost a sort: compute them once per island and step, and only for the
            // selectors and bandits that use them.
            var ranking: [Int] = []
            var scale = 1.0
            if needsRanking {
                ranking = rankings[index] ?? island.ranking()
                rankings[index] = ranking
                scale = scales[index] ?? {
                    let best = island.members[ranking[0]].fitness
                    let median = island.members[ranking[ranking.count / 2]].fitness
                    return max(best - median, 1e-6)
                }()
                scales[index] = scale
            }
            var weights: [Double]?
            if selection.kind == .powerLaw {
                weights = powerLawWeights[island.members.count] ?? ParentSelection.powerLawWeights(
                    n: island.members.count, alpha: selection.powerLawExponent)
                powerLawWeights[island.members.count] = weights
            }
            let (parentIndex, arm) = selection.chooseParent(
                in: island, index: index, ranking: ranking, cumulativeWeights: weights,
                parsimony: evolution.parsimony, using: &random)
            var kind = MutationKind.identity
            var operatorArm = -1
            if random.nextBool(probability: mutation.probability) {
                let operators = mutation.operators
                if let operatorBandit {
                    operatorArm = operatorBandit.choose(using: &random)
                    kind = operators[operatorArm]
                } else {
                    kind = operators[random.nextInt(below: operators.count)]
                }
            }
            var hurdle = -Double.infinity
            if let quantile = evolution.hurdle {
                hurdle = hurdles[index] ?? island.fitnessQuantile(quantile)
                hurdles[index] = hurdle
            }
            var donor: Program?
            if kind == .crossover {
                let (donorIndex, _) = selection.chooseParent(
                    in: island, index: index, ranking: ranking, cumulativeWeights: weights,
                    parsimony: evolution.parsimony, using: &random)
                donor = island.members[donorIndex].program
            }
            // Read in place: a copy of the member would retain its program.
            let parent = island.members.withUnsafeBufferPointer { Proposal.Parent($0[parentIndex]) }
            // Pin the parent in the family tree: it may die before its child is applied.
            if pinning { ancestry?.retain(parent.id) }
            proposals.append(Proposal(
                island: index, source: .parent(parent, kind), seed: seed,
                arm: arm, operatorArm: operatorArm, rewardScale: scale, hurdle: hurdle,
                donor: donor))
        }
        return proposals
    }

    // MARK: Proposing while the workers score

    /// Proposals made ahead of their turn, and the engine's generator as it was before them.
    struct EarlyProposals {
        var proposals: [Proposal]
        var randomBefore: RandomGenerator
        /// Their batch, when it was started as soon as they were made (see
        /// ``proposeEarlyIfQuiet(after:)``).
        var launched: Production?
    }

    /// Proposes the batch after `inFlight` while the workers score `inFlight`, instead of
    /// between batches with the workers idle: at this point of a step the populations are
    /// exactly what the next step would propose from, unless migration, selection or a restart
    /// acts at the end of this one. The proposals are the same as the next step's would be,
    /// and are made only with more than one worker (one worker scores a batch as it starts).
    ///
    /// Their batch starts at once (``startsBatchesEarly``), queued behind `inFlight`: helpers
    /// take it up as soon as they run out of `inFlight`'s jobs, while this thread still has
    /// children to apply or `inFlight` jobs to run. Its workers read the FEC cache as it is
    /// now, which is what they would read had it started when `inFlight` ended: nothing is
    /// applied in between.
    private func proposeEarlyIfQuiet(after inFlight: [Proposal]) {
        guard pool.count > 1, pending.isEmpty, !isFinished,
              !migrationDue, !islands.indices.contains(where: isDueForSelection),
              !islands.indices.contains(where: isDueForRestart)
        else { return }
        let before = random
        let proposals = propose(after: inFlight, pinning: false)
        early = EarlyProposals(
            proposals: proposals, randomBefore: before,
            launched: startsBatchesEarly ? start(proposals) : nil)
    }

    /// The batch of the early proposals, started now unless it was already, pinning their
    /// parents in the family tree now that their step begins (no member can die between the
    /// two: members die only when children are applied, migrants admitted or islands
    /// restarted). Pinning here rather than when the batch started keeps a state captured in
    /// between free of pins for children it does not hold.
    private func takeEarlyBatch() -> Production? {
        guard let early else { return nil }
        self.early = nil
        for proposal in early.proposals {
            if case let .parent(parent, _) = proposal.source { ancestry?.retain(parent.id) }
        }
        return early.launched ?? start(early.proposals)
    }

    /// Drops early proposals (and abandons their batch, if it started) before the populations
    /// or the generator change between steps (a hub worker's migrants), so that the next step
    /// proposes from what is there then.
    func discardEarlyProposals() {
        guard let early else { return }
        early.launched?.batch.abandon()
        random = early.randomBefore
        self.early = nil
    }

    /// The engine's generator as a state captures it: as if early proposals were not made yet.
    var randomForState: RandomGenerator { early?.randomBefore ?? random }

    /// Applies a pending child; its program moves into the member it becomes.
    private func apply(_ child: inout EngineState.PendingChild) {
        var fitness = child.fitness
        var hit = false
        // One in-place access of the optional buffer (comparing it with nil would copy it).
        switch fecBuffers?.lookupOrInsert(child.fingerprint, child.fitness) {
        case let .cached(value)?:
            fitness = value
            hit = true
        case .inserted?:
            // Either new, or cached when the batch was made and evicted since: the value the
            // worker read then is the value the cache held.
            hit = child.cachedAtStart
        case nil:
            break
        }
        individuals += 1
        if hit { fecHits += 1 }
        if let audit = child.audit { fecAudit.record(cached: child.fitness, evaluated: audit) }
        let member = Member(
            id: nextMemberID, program: child.takeProgram(), fitness: fitness,
            fingerprint: child.fingerprint, parentID: child.parentID, origin: child.origin,
            birth: individuals - 1)
        nextMemberID += 1
        ancestry?.born(member)
        if let parentID = child.parentID { ancestry?.release(parentID) }  // the pin taken at proposal
        // Offered before it moves into its island (the hall of fame copies only what it admits).
        offerToHallOfFame(member, size: child.size)
        if let dead = islands[child.island].add(member, madeByCaller: child.madeByCaller) {
            ancestry?.release(dead.member.id)
            if dead.madeByCaller {
                dyingMadeHere.append(dead.member)
            } else {
                dying.append(dead.member)
            }
        }
        islands[child.island].individualsSinceStart += 1
        islandRecords[child.island].offer(fitness, at: islands[child.island].individualsSinceStart)
        if child.parentID != nil {
            let reward = (fitness - child.parentFitness) / child.rewardScale
            selection.reward(island: child.island, arm: child.arm, reward: reward)
            if child.operatorArm >= 0 {
                operatorBandit?.update(arm: child.operatorArm, reward: reward)
            }
        }
    }

    // MARK: Migration

    private var migrationDue: Bool {
        islands.count > 1 && space.evolution.migrants > 0 && individuals >= nextMigrationAt
    }

    private func migrateIfDue() {
        guard migrationDue else { return }
        let evolution = space.evolution
        while individuals >= nextMigrationAt {
            nextMigrationAt += evolution.migrationInterval
            migrate()
        }
    }

    /// Every island sends copies of its emigrants (``emigrants(from:)``; it keeps them:
    /// elitism) to a neighbour on the ring or to a random other island, where they replace the
    /// oldest members (``admit(_:to:from:keepingParents:)``). Hub workers move members between
    /// engines with the same two steps.
    func migrate() {
        let evolution = space.evolution
        var departures: [(from: Int, to: Int, members: [Member])] = []
        for index in islands.indices where !islands[index].isInitializing {
            let destination: Int
            switch evolution.topology {
            case .ring:
                destination = (index + 1) % islands.count
            case .random:
                let offset = 1 + random.nextInt(below: islands.count - 1)
                destination = (index + offset) % islands.count
            }
            let members = emigrants(from: index)
            // Pinned: an earlier arrival may push the original out of its island.
            for member in members { ancestry?.retain(member.id) }
            departures.append((index, destination, members))
        }
        for departure in departures {
            for member in departure.members {
                admit([member], to: departure.to, from: departure.from, keepingParents: true)
                ancestry?.release(member.id)
            }
        }
        migrations += 1
    }

    /// Adds migrants to an island, each replacing the oldest member, with a fresh id, the
    /// origin `migration` and this moment as birth; their fitness is kept (islands score on
    /// the same tasks). An island still filling turns them away.
    ///
    /// - Parameter keepingParents: record the original as the migrant's parent (it lives in
    ///   this engine); `false` for members from another engine, whose ids mean nothing here.
    /// - Returns: how many were taken in.
    @discardableResult
    func admit(_ arrivals: [Member], to island: Int, from origin: Int, keepingParents: Bool) -> Int {
        guard islands.indices.contains(island), !islands[island].isInitializing else { return 0 }
        discardEarlyProposals()
        for original in arrivals {
            var migrant = original
            migrant.id = nextMemberID
            migrant.parentID = keepingParents ? original.id : nil
            migrant.origin = .migration
            migrant.birth = individuals
            nextMemberID += 1
            migrationEvents.append(MigrationEvent(
                individuals: individuals, from: origin, to: island, memberID: migrant.id,
                originalID: original.id, fitness: original.fitness))
            ancestry?.born(migrant)
            if let dead = islands[island].add(migrant) { ancestry?.release(dead.id) }
        }
        return arrivals.count
    }

    /// Offers a member to the hall of fame, keeping the ancestry's references in step.
    private func offerToHallOfFame(_ member: Member, size: Int) {
        guard ancestry != nil else {
            hallOfFame.offer(member, size: size)
            return
        }
        guard hallOfFame.mayAccept(member, size: size),
              let turnover = hallOfFame.admit(member, size: size) else { return }
        for id in turnover.entered { ancestry?.retain(id) }
        for id in turnover.left { ancestry?.release(id) }
    }

    // MARK: Selection on fresh tasks

    /// Re-evaluates islands' improved best members on the select tasks, throttled to one
    /// evaluation per `selectEvery` individuals unless a member reaches the target on search.
    private func selectIfDue() {
        for (index, island) in islands.enumerated() {
            guard isDueForSelection(index), let best = island.best else { continue }
            lastSelectedID[index] = best.id
            lastSelectAt = individuals
            considerForSelection(best)
            if reachedTarget { return }
        }
    }

    /// Whether an island's best is new and due for the select tasks.
    private func isDueForSelection(_ index: Int) -> Bool {
        guard let best = islands[index].best, best.id != lastSelectedID[index] else { return false }
        let promising = settings.targetFitness.map { best.fitness >= $0 } ?? false
        return promising || individuals - lastSelectAt >= settings.selectEvery || bestSelected == nil
    }

    /// Evaluates a member on the select tasks (once) and keeps it if it is the best so far.
    @discardableResult
    func considerForSelection(_ member: Member) -> Double {
        let fitness = selectFitness[member.id] ?? evaluateOnSelectTasks(member)
        selectFitness[member.id] = fitness
        if let current = bestSelected, let currentFitness = selectFitness[current.id],
           currentFitness >= fitness {
            return fitness
        }
        ancestry?.retain(member.id)
        if let previous = bestSelected { ancestry?.release(previous.id) }
        bestSelected = member
        return fitness
    }

    func evaluateOnSelectTasks(_ member: Member) -> Double {
        scorer.selectFitness(of: member.program) ?? member.fitness
    }

    /// Scores a program on tasks, one task per job on the worker pool.
    public func score(_ program: Program, on tasks: [TaskDataset], scoring: ScoringSplit) -> Double {
        scorer.score(program, on: tasks, scoring: scoring)
    }

    // MARK: Restarts

    /// Restarts islands from random programs: every `restart_after_individuals`, and when
    /// their best has not improved for `restart_stagnant_after` of their individuals (a
    /// population stuck on a plateau). The hall of fame and selection keep what they found.
    ///
    /// - Returns: the islands restarted.
    private func restartIfDue() -> [Int] {
        var restarted: [Int] = []
        for index in islands.indices where isDueForRestart(index) {
            // No batch may read the members that die now (none is proposed early when a
            // restart is due; this holds it whatever changes there).
            discardEarlyProposals()
            for member in islands[index].members { ancestry?.release(member.id) }
            islands[index].restart()
            islandRecords[index] = IslandRecord()
            lastSelectedID[index] = -1
            restarts += 1
            restarted.append(index)
        }
        return restarted
    }

    /// Whether an island restarts at the end of this step: it reached `restart_after_individuals`
    /// or stagnated (never once the run reached its target).
    private func isDueForRestart(_ index: Int) -> Bool {
        guard !reachedTarget else { return false }
        let island = islands[index]
        let threshold = space.evolution.restartAfterIndividuals
        let stagnation = space.evolution.restartStagnantAfterIndividuals
        let due = threshold > 0 && island.individualsSinceStart >= threshold
        let stagnant = stagnation > 0 && !island.isInitializing
            && island.individualsSinceStart - islandRecords[index].at >= stagnation
        return due || stagnant
    }
}

/// What a batch's workers know of fitness by fingerprint: the FEC cache as it was when the
/// batch started, which holds every child applied before the batch that is applied while it
/// is scored. (The children of that batch are not in it: a batch may start before they are
/// all scored, and what a batch sees must not depend on which were.)
struct FECView: Sendable {
    /// The cache itself, when one worker reads it before the engine writes it again.
    private let cache: FECCache?
    /// An index of the cache, when helpers read it while the engine writes the cache.
    private let index: FECIndex?

    init(cache: FECCache) {
        self.cache = cache
        index = nil
    }

    init(index: FECIndex) {
        cache = nil
        self.index = index
    }

    /// The fitness known for a fingerprint, or `nil`.
    func peek(_ key: UInt64) -> Double? {
        index != nil ? index?.peek(key) : cache?.peek(key)
    }
}

/// What workers need to make and score children: all values, safe to share.
struct ProductionContext: Sendable {
    let mutator: Mutator
    let operators: [MutationKind]
    /// ``MutationSpec/retries``.
    let retries: Int
    let initialPrograms: InitialPrograms
    let callProtocol: CallProtocol
    /// ``SearchSpace/pruningProtocol``: children run their live instructions only.
    let pruningProtocol: CallProtocol?
    /// The masks of ``pruningProtocol`` and of ``callProtocol`` for the mutator's shape (`nil`
    /// for shapes too wide for masks).
    private let pruningMasks: ProtocolMasks?
    private let callMasks: ProtocolMasks?
    /// Constant fitting and the probability that a child gets it.
    let fitting: (fitter: ConstantFitter, probability: Double)?
    /// Term fitting and the probability that a child gets it.
    let termFitting: (fitter: TermFitter, probability: Double)?
    /// ``SearchSpace/isPredictOnly``: children whose prediction depends on the examples
    /// predicted before score 0 without being run.
    let isPredictOnly: Bool
    let tasks: [TaskDataset]
    /// ``tasks`` as references the workers use without retaining them (``tasks`` keeps them
    /// alive): every worker reads the first task for every child, and a reference count
    /// bumped from two cores passes its cache line back and forth between them.
    private let taskReferences: [Unmanaged<TaskDataset>]
    let aggregation: FitnessAggregation
    let fecSpec: FECSpec

    init(
        mutator: Mutator, operators: [MutationKind], retries: Int, initialPrograms: InitialPrograms,
        callProtocol: CallProtocol, pruningProtocol: CallProtocol?,
        fitting: (fitter: ConstantFitter, probability: Double)?,
        termFitting: (fitter: TermFitter, probability: Double)?,
        isPredictOnly: Bool, tasks: [TaskDataset], aggregation: FitnessAggregation, fecSpec: FECSpec
    ) {
        self.mutator = mutator
        self.operators = operators
        self.retries = retries
        self.initialPrograms = initialPrograms
        self.callProtocol = callProtocol
        self.pruningProtocol = pruningProtocol
        pruningMasks = pruningProtocol.flatMap { ProtocolMasks($0, shape: mutator.shape) }
        callMasks = ProtocolMasks(callProtocol, shape: mutator.shape)
        self.fitting = fitting
        self.termFitting = termFitting
        self.isPredictOnly = isPredictOnly
        self.tasks = tasks
        taskReferences = tasks.map { Unmanaged.passUnretained($0) }
        self.aggregation = aggregation
        self.fecSpec = fecSpec
    }

    /// The child's FEC fingerprint: its predictions on the first steps of the first search
    /// task, or of every search task (``FECSpec/probesEveryTask``).
    private func fingerprint(of compiled: CompiledProgram, evaluator: Evaluator) -> UInt64 {
        let trainSteps = fecSpec.trainSteps, validSteps = fecSpec.validSteps
        func probe(_ index: Int) -> UInt64 {
            taskReferences[index]._withUnsafeGuaranteedRef {
                evaluator.fingerprint(of: compiled, on: $0, trainSteps: trainSteps, validSteps: validSteps)
            }
        }
        var hash = probe(0)
        guard fecSpec.probesEveryTask else { return hash }
        for index in taskReferences.indices.dropFirst() {
            // Mixed before combining: a program that predicts the same on every task must not
            // cancel out (x ^ x) into one fingerprint shared by all such programs.
            let mixed = hash &* 0x9E37_79B9_7F4A_7C15
            hash = ((mixed << 31) | (mixed >> 33)) ^ probe(index)
        }
        return hash
    }

    private func compile(_ program: Program) throws -> CompiledProgram {
        if let pruningMasks { return try CompiledProgram(program, shape: mutator.shape, keepingLiveFor: pruningMasks) }
        return try CompiledProgram.forEvaluation(program, shape: mutator.shape, pruning: pruningProtocol)
    }

    /// ``Liveness/predictCarriesState(_:shape:protocol:)`` under ``callProtocol``.
    private func predictCarriesState(_ program: Program) -> Bool {
        guard let callMasks else {
            return Liveness.predictCarriesState(program, shape: mutator.shape, protocol: callProtocol)
        }
        return Liveness.predictCarriesState(program, outputs: callMasks.outputs, provided: callMasks.predictInputs)
    }

    /// The child's fitness on the search tasks; with a hurdle, its first task's score alone
    /// when that is below the hurdle (progressive evaluation). The same value as
    /// ``Evaluator/evaluate(_:on:aggregation:scoring:)``, without its per-task array for the
    /// mean.
    private func score(_ compiled: CompiledProgram, hurdle: Double, evaluator: Evaluator) -> Double {
        func fitness(_ index: Int) -> Double {
            taskReferences[index]._withUnsafeGuaranteedRef { evaluator.fitness(of: compiled, on: $0) }
        }
        let count = taskReferences.count
        guard count > 0 else { return aggregation.combine([]) }
        let first = fitness(0)
        if hurdle > -Double.infinity, count > 1, !(first >= hurdle) { return first }
        switch aggregation {
        case .mean:
            // Summed in task order from zero, as `combine` sums: the same bits. (Written out:
            // `combine` taking the fitness as a closure instead cost 10–12 % of FEC-off
            // throughput in alternating pairs.)
            var sum = 0.0
            sum += first
            for index in 1..<count { sum += fitness(index) }
            return sum / Double(count)
        case .median:
            var all: [Double] = []
            all.reserveCapacity(count)
            all.append(first)
            for index in 1..<count { all.append(fitness(index)) }
            return aggregation.combine(all)
        }
    }

    /// Applies a mutation, or a crossover with the proposal's donor.
    private func vary(
        _ program: inout Program, kind: MutationKind, donor: Program?, using random: inout RandomGenerator
    ) -> Bool {
        if kind == .crossover {
            guard let donor else { return false }
            return mutator.crossover(&program, donor: donor, using: &random)
        }
        return mutator.mutate(&program, kind: kind, using: &random)
    }

    /// Makes and scores one child; `fec` is what is known when the batch started, only read here.
    func make(_ proposal: borrowing Engine.Proposal, evaluator: Evaluator, cache fec: FECView?) -> Engine.Outcome {
        var random = RandomGenerator(seed: proposal.seed)
        var program: Program
        var origin: MemberOrigin
        switch proposal.source {
        case .random:
            switch initialPrograms {
            case .random: program = mutator.randomProgram(using: &random)
            case .readingFeatures: program = mutator.randomProgramReadingFeatures(protocol: callProtocol, using: &random)
            case .learning: program = mutator.randomLearningProgram(protocol: callProtocol, using: &random)
            }
            origin = .random
        case let .seed(seedProgram, mutate):
            program = seedProgram
            origin = .seed
            if mutate {
                let kind = operators[random.nextInt(below: operators.count)]
                mutator.mutate(&program, kind: kind, using: &random)
            }
        case let .parent(parent, kind):
            program = Program(copying: parent.program)
            origin = .mutation(vary(&program, kind: kind, donor: proposal.donor, using: &random) ? kind : .identity)
        }
        if isPredictOnly, predictCarriesState(program) {
            return Engine.Outcome(
                program: program, fingerprint: 0, fitness: 0, cachedAtStart: false, origin: origin)
        }
        if let termFitting, termFitting.probability > 0,
           random.nextBool(probability: termFitting.probability),
           let fitted = termFitting.fitter.fit(program, on: tasks[0]),
           !predictCarriesState(fitted) {
            program = fitted
        }
        if let fitting, fitting.probability > 0, random.nextBool(probability: fitting.probability),
           let fitted = fitting.fitter.fit(program, on: tasks[0]) {
            program = fitted
        }
        guard var compiled = try? compile(program) else {
            return Engine.Outcome(
                program: program, fingerprint: 0, fitness: 0, cachedAtStart: false, origin: origin)
        }
        var fingerprint = self.fingerprint(of: compiled, evaluator: evaluator)
        // Draw the mutation again while the child behaves like a program already seen.
        // (`fec?` in place: binding the view would retain the index every worker reads.)
        if case let .parent(parent, kind) = proposal.source, kind != .identity {
            var attempt = 0
            while attempt < retries, fec?.peek(fingerprint) != nil {
                attempt += 1
                var candidate = Program(copying: parent.program)
                guard vary(&candidate, kind: kind, donor: proposal.donor, using: &random),
                      !(isPredictOnly && predictCarriesState(candidate)),
                      let candidateCompiled = try? compile(candidate) else { continue }
                program = candidate
                origin = .mutation(kind)
                compiled = candidateCompiled
                fingerprint = self.fingerprint(of: compiled, evaluator: evaluator)
            }
        }
        if let cached = fec?.peek(fingerprint) {
            // The last draw of this child's generator: auditing changes nothing else.
            let audit = fecSpec.audit > 0 && random.nextBool(probability: fecSpec.audit)
                ? score(compiled, hurdle: proposal.hurdle, evaluator: evaluator) : nil
            return Engine.Outcome(
                program: program, fingerprint: fingerprint, fitness: cached, cachedAtStart: true,
                origin: origin, audit: audit)
        }
        let fitness = score(compiled, hurdle: proposal.hurdle, evaluator: evaluator)
        return Engine.Outcome(
            program: program, fingerprint: fingerprint, fitness: fitness, cachedAtStart: false,
            origin: origin)
    }
}
