/// Changes to a search space's evolution settings made on the command line, kept with a run so
/// that a resumed run applies them again.
public struct SearchSpaceOverrides: Sendable, Codable, Equatable {
    public var islands: Int?
    public var selector: SelectorKind?
    public var operatorBandit: Bool?
    public var fec: Bool?
    /// ``FECSpec/probesEveryTask``.
    public var fecProbesEveryTask: Bool?
    /// ``FECSpec/audit``.
    public var fecAudit: Double?
    public var population: Int?
    public var batch: Int?
    public var migrationEvery: Int?
    public var migrants: Int?
    public var restartAfter: Int?
    /// ``EvolutionSpec/restartStagnantAfterIndividuals``.
    public var restartStagnantAfter: Int?
    /// A hurdle quantile; a negative value turns hurdles off.
    public var hurdle: Double?
    /// A constant-fitting probability; a negative value turns fitting off.
    public var fitConstants: Double?
    /// A term-fitting probability; a negative value turns it off.
    public var fitTerms: Double?
    /// ``EvolutionSpec/parsimony``.
    public var parsimony: Double?
    public var mutationRetries: Int?
    public var initialPrograms: InitialPrograms?

    public init() {}

    /// The search space with these overrides applied.
    public func apply(to space: SearchSpace) -> SearchSpace {
        var space = space
        if let islands { space.evolution.islands = islands }
        if let selector { space.evolution.selector = selector }
        if let operatorBandit { space.mutation.adaptive = operatorBandit }
        if let fec { space.fec.enabled = fec }
        if let fecProbesEveryTask { space.fec.probesEveryTask = fecProbesEveryTask }
        if let fecAudit { space.fec.audit = fecAudit }
        if let population {
            space.evolution.populationSize = population
            space.evolution.tournamentSize = min(space.evolution.tournamentSize, population)
        }
        if let batch { space.evolution.batchSize = batch }
        if let migrationEvery { space.evolution.migrationInterval = migrationEvery }
        if let migrants { space.evolution.migrants = migrants }
        if let restartAfter { space.evolution.restartAfterIndividuals = restartAfter }
        if let restartStagnantAfter { space.evolution.restartStagnantAfterIndividuals = restartStagnantAfter }
        if let mutationRetries { space.mutation.retries = mutationRetries }
        if let initialPrograms { space.evolution.initialPrograms = initialPrograms }
        if let hurdle { space.evolution.hurdle = hurdle < 0 ? nil : hurdle }
        if let fitConstants { space.evolution.fitConstants = fitConstants < 0 ? nil : fitConstants }
        if let fitTerms { space.evolution.fitTerms = fitTerms < 0 ? nil : fitTerms }
        if let parsimony { space.evolution.parsimony = parsimony }
        return space
    }
}
