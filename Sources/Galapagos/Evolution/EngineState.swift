/// Everything that determines a run's future: restoring an engine from its state and stepping
/// on gives exactly what the original engine would have given.
///
/// Stores split it as they like (members as rows, the rest as ``Scalars`` JSON); the state
/// itself is plain values.
public struct EngineState: Sendable {
    /// One island's population.
    public struct IslandState: Sendable {
        /// Members in storage order.
        public var members: [Member]
        /// Storage index of the oldest member.
        public var oldest: Int
        public var individualsSinceStart: Int

        public init(members: [Member], oldest: Int, individualsSinceStart: Int) {
            self.members = members
            self.oldest = oldest
            self.individualsSinceStart = individualsSinceStart
        }
    }

    /// A child made and scored but not yet applied: the engine's own record of it, stored as
    /// it is. It refers to its parent by id and fitness (the parent may be gone by the time it
    /// is applied).
    public struct PendingChild: Sendable {
        public var island: Int
        public var parentID: Int?
        public var parentFitness: Double
        public var arm: Int
        public var operatorArm: Int
        public var rewardScale: Double
        public private(set) var program: Program
        public var fingerprint: UInt64
        public var fitness: Double
        public var cachedAtStart: Bool
        public var origin: MemberOrigin
        /// For a cache hit picked for audit (``FECSpec/audit``), its fitness evaluated in full;
        /// counted when the child is applied, and not saved (the audit is a session's).
        public var audit: Double? = nil
        /// The program's instruction count, counted where the child was made: applying it
        /// then reads nothing of a program another thread wrote (each read of it there missed
        /// the calling thread's caches).
        public private(set) var size: Int
        /// Whether the engine's own thread made it (not a helper thread): when its member
        /// dies, that thread frees it (memory freed by another thread than the one that
        /// allocated it costs both allocators). Not saved.
        var madeByCaller = false

        public init(
            island: Int, parentID: Int?, parentFitness: Double, arm: Int, operatorArm: Int,
            rewardScale: Double, program: Program, fingerprint: UInt64, fitness: Double,
            cachedAtStart: Bool, origin: MemberOrigin
        ) {
            self.island = island
            self.parentID = parentID
            self.parentFitness = parentFitness
            self.arm = arm
            self.operatorArm = operatorArm
            self.rewardScale = rewardScale
            self.program = program
            self.fingerprint = fingerprint
            self.fitness = fitness
            self.cachedAtStart = cachedAtStart
            self.origin = origin
            size = program.instructionCount
        }

        /// Moves the program out, leaving an empty one: the engine stores a child's program in
        /// its member without touching the reference count of memory another core wrote.
        mutating func takeProgram() -> Program {
            var taken = Program.empty
            swap(&taken, &program)
            return taken
        }
    }

    /// The small part of the state, as one JSON-friendly value.
    public struct Scalars: Sendable, Codable, Equatable {
        public var random: [UInt64]
        public var individuals: Int
        public var fecHits: Int
        public var migrations: Int
        public var nextMemberID: Int
        public var selectFitness: [Int: Double]
        public var bestSelectedID: Int?
        public var lastSelectedID: [Int]
        public var lastSelectAt: Int
        public var nextMigrationAt: Int
        public var selection: ParentSelection
        public var operatorBandit: Bandit?
        /// Per island, for stagnation restarts; `nil` in run files from before they existed
        /// (each island then counts from its restore).
        public var islandRecords: [IslandRecord]? = nil
        /// Islands restarted so far; `nil` in older run files.
        public var restarts: Int? = nil
        /// How many of the pending children belong to the batch being applied (the others are
        /// the next batch); `nil` in older run files, where they all do.
        public var pendingInCurrentBatch: Int? = nil
    }

    public var islands: [IslandState]
    public var scalars: Scalars
    /// FEC entries from least to most recently used.
    public var fec: [(key: UInt64, value: Double)]
    /// Best-N hall of fame, best first.
    public var hallOfFame: [Member]
    /// Best member of each program size.
    public var paretoMembers: [Member]
    /// The member with the best select fitness.
    public var bestSelected: Member?
    public var pending: [PendingChild]
    /// The ancestry tree's links (records are persisted separately).
    public var ancestry: [Ancestry.Link]?
}

extension Engine {
    /// The engine's full state. When lineage is tracked, take unpersisted ancestry records
    /// (``takeAncestryRecords()``) before calling this, and persist them with the state.
    public var state: EngineState {
        EngineState(
            islands: islands.map {
                EngineState.IslandState(
                    members: $0.members, oldest: $0.oldest,
                    individualsSinceStart: $0.individualsSinceStart)
            },
            scalars: EngineState.Scalars(
                random: randomForState.state, individuals: individuals, fecHits: fecHits,
                migrations: migrations, nextMemberID: nextMemberID, selectFitness: selectFitness,
                bestSelectedID: bestSelected?.id, lastSelectedID: lastSelectedID,
                lastSelectAt: lastSelectAt, nextMigrationAt: nextMigrationAt,
                selection: selection, operatorBandit: operatorBandit, islandRecords: islandRecords,
                restarts: restarts, pendingInCurrentBatch: pendingInCurrentBatch),
            fec: fec?.entriesByRecency ?? [],
            hallOfFame: hallOfFame.members,
            paretoMembers: hallOfFame.bestBySize.sorted { $0.key < $1.key }.map(\.value),
            bestSelected: bestSelected,
            pending: pending,
            ancestry: ancestry?.links)
    }

    /// Ancestry records to persist: members no longer alive that are still ancestors of what
    /// the run holds. Living members are written with the populations instead.
    public func takeAncestryRecords() -> [Member] {
        guard ancestry != nil else { return [] }
        let alive = livingMemberIDs
        let records = ancestry?.takeUnpersisted(holdingBack: alive) ?? []
        if settings.lineageWindow > 0, individuals > settings.lineageWindow {
            ancestry?.prune(bornBefore: individuals - settings.lineageWindow, keeping: alive)
        }
        return records
    }

    /// The lineage of a member, child first, for a store that writes lineages on request
    /// (``EngineSettings/lineageOnRequest``): up to the first ancestor `isWritten` accepts, or as
    /// far as the family tree reaches (see ``Ancestry/lineage(of:foldingNeutralSteps:until:)``).
    /// Empty when the engine tracks no ancestry or no longer holds the member.
    public func lineage(
        of id: Int, foldingNeutralSteps: Bool = false, until isWritten: (Int) -> Bool
    ) -> [Ancestry.Step] {
        ancestry?.lineage(of: id, foldingNeutralSteps: foldingNeutralSteps, until: isWritten) ?? []
    }

    /// Forgets ancestors older than the lineage window, for a store that writes lineages on
    /// request (the window is otherwise applied by ``takeAncestryRecords()``).
    public func pruneLineage() {
        guard ancestry != nil, settings.lineageWindow > 0, individuals > settings.lineageWindow else { return }
        ancestry?.prune(bornBefore: individuals - settings.lineageWindow, keeping: livingMemberIDs)
        _ = ancestry?.takeForgotten()
    }

    /// Ids of lineage records a store may delete: they left the family tree.
    public func takeForgottenRecords() -> [Int] {
        ancestry?.takeForgotten() ?? []
    }

    /// The ids of every member of every island.
    var livingMemberIDs: Set<Int> {
        var alive = Set<Int>()
        for island in islands { for member in island.members { alive.insert(member.id) } }
        return alive
    }

    /// Restores an engine from a state captured with the same search space and settings
    /// (budgets may differ).
    ///
    /// - Throws: ``GalapagosError/run(_:)`` if the state does not fit the search space.
    public convenience init(space: SearchSpace, settings: EngineSettings, state: EngineState) throws {
        self.init(space: space, settings: settings)
        guard state.islands.count == space.evolution.islands,
              state.scalars.random.count == 4,
              state.scalars.lastSelectedID.count == space.evolution.islands
        else {
            throw GalapagosError.run(
                "the snapshot has \(state.islands.count) islands but the search space"
                    + " \(space.name) has \(space.evolution.islands)")
        }
        if let problem = Self.inconsistency(of: state, space: space) {
            throw GalapagosError.run("the snapshot is inconsistent: \(problem)")
        }
        let capacity = space.evolution.populationSize
        islands = state.islands.map {
            Island(
                capacity: capacity, members: $0.members, oldest: $0.oldest,
                individualsSinceStart: $0.individualsSinceStart)
        }
        let scalars = state.scalars
        random = RandomGenerator(state: scalars.random)
        individuals = scalars.individuals
        fecHits = scalars.fecHits
        migrations = scalars.migrations
        nextMemberID = scalars.nextMemberID
        selectFitness = scalars.selectFitness
        lastSelectedID = scalars.lastSelectedID
        lastSelectAt = scalars.lastSelectAt
        nextMigrationAt = scalars.nextMigrationAt
        selection = scalars.selection
        operatorBandit = scalars.operatorBandit
        restarts = scalars.restarts ?? 0
        if let records = scalars.islandRecords, records.count == islands.count {
            islandRecords = records
        } else {
            islandRecords = islands.map { IslandRecord(fitness: nil, at: $0.individualsSinceStart) }
        }
        if fecBuffers != nil {
            var cache = FECCache(capacity: space.fec.capacity)
            for entry in state.fec { cache.insert(entry.key, entry.value) }
            fecBuffers = FECDoubleBuffer(cache)
        }
        hallOfFame = HallOfFame(
            capacity: settings.hallOfFameSize, members: state.hallOfFame,
            bestBySize: state.paretoMembers)
        bestSelected = state.bestSelected
        pending = state.pending
        pendingInCurrentBatch = scalars.pendingInCurrentBatch ?? pending.count
        if settings.tracksAncestry {
            var tree: Ancestry
            if let links = state.ancestry {
                tree = Ancestry(links: links)
                tree.restoreRecords(state.islands.flatMap(\.members))
            } else {
                tree = Self.rootedTree(of: state)
            }
            tree.listsUnpersisted = !settings.lineageOnRequest
            ancestry = tree
        }
    }
}

extension Engine {
    /// A family tree for a state stored without one: what the state holds becomes the roots,
    /// each with the references the engine would hold on it (alive, kept in the hall of fame
    /// or its size front, selected, pinned as a pending child's parent).
    static func rootedTree(of state: EngineState) -> Ancestry {
        var references: [Int: Int32] = [:]
        var roots: [Member] = []
        func hold(_ member: Member) {
            if references[member.id] == nil { roots.append(member) }
            references[member.id, default: 0] += 1
        }
        for island in state.islands { island.members.forEach(hold) }
        let kept = state.hallOfFame + state.paretoMembers
        var seen = Set<Int>()
        for member in kept where seen.insert(member.id).inserted { hold(member) }
        if let selected = state.bestSelected { hold(selected) }
        for child in state.pending {
            if let parent = child.parentID, references[parent] != nil { references[parent, default: 0] += 1 }
        }
        return Ancestry(roots: roots, references: references)
    }

    /// What makes a restored state unusable, or `nil`. A damaged or hostile run file must be
    /// refused here, not run into an index out of range or an arithmetic overflow: counters far
    /// from overflow, bandits shaped as this search space's, pending children on real islands.
    static func inconsistency(of state: EngineState, space: SearchSpace) -> String? {
        let scalars = state.scalars
        let counters = [scalars.individuals, scalars.fecHits, scalars.migrations, scalars.nextMemberID,
                        scalars.lastSelectAt] + state.islands.map(\.individualsSinceStart)
        // (The next migration may legitimately be far away, up to Int.max: never.)
        guard counters.allSatisfy({ $0 >= 0 && $0 <= 1 << 53 }), scalars.nextMigrationAt >= 0 else {
            return "a counter is negative or too large"
        }
        let evolution = space.evolution
        let fresh = ParentSelection(
            kind: evolution.selector, islands: evolution.islands, tournamentSize: evolution.tournamentSize)
        let selection = scalars.selection
        guard selection.kind == fresh.kind, selection.tournamentSize == fresh.tournamentSize,
              selection.islandBandit?.arms == fresh.islandBandit?.arms,
              selection.strataBandits.map(\.arms) == fresh.strataBandits.map(\.arms),
              scalars.operatorBandit?.arms == (space.mutation.adaptive ? space.mutation.operators.count : nil)
        else { return "parent or operator selection does not match the search space" }
        let bandits = [selection.islandBandit, scalars.operatorBandit].compactMap { $0 } + selection.strataBandits
        for bandit in bandits {
            // Negative or non-finite statistics would also send Thompson sampling's Gamma
            // deviate into unbounded recursion (shape < 1 recurses with shape + 1).
            guard bandit.rewards.count == bandit.arms, bandit.totalPulls.count == bandit.arms,
                  bandit.totalPulls.allSatisfy({ $0 >= 0 && $0 <= 1 << 53 }),
                  (bandit.pulls + bandit.rewards).allSatisfy({ $0.isFinite && $0 >= 0 }),
                  bandit.decay > 0 && bandit.decay <= 1
            else { return "a bandit's statistics are damaged" }
        }
        for child in state.pending where !(0..<evolution.islands).contains(child.island) {
            return "a pending child belongs to island \(child.island)"
        }
        if let current = scalars.pendingInCurrentBatch, !(0...state.pending.count).contains(current) {
            return "\(current) pending children said to be in the current batch, of \(state.pending.count)"
        }
        return nil
    }
}

extension EngineState.PendingChild {
    /// The record of a proposal the workers made and scored. (A function rather than an
    /// initializer: an initializer takes its arguments owned, so the proposal, and the parent
    /// program in it, would be copied.)
    static func record(of proposal: borrowing Engine.Proposal, _ outcome: Engine.Outcome) -> Self {
        var parentID: Int?
        var parentFitness = 0.0
        if let parent = proposal.source.parentRecord {
            parentID = parent.id
            parentFitness = parent.fitness
        }
        var record = Self(
            island: proposal.island, parentID: parentID, parentFitness: parentFitness,
            arm: proposal.arm, operatorArm: proposal.operatorArm, rewardScale: proposal.rewardScale,
            program: outcome.program, fingerprint: outcome.fingerprint, fitness: outcome.fitness,
            cachedAtStart: outcome.cachedAtStart, origin: outcome.origin)
        record.audit = outcome.audit
        return record
    }
}
