@testable import Galapagos
import Testing

// What a prediction can depend on: the analysis behind `initial: learning`.

private let shape = MemoryShape(features: 4, scalars: 5, vectors: 4, matrices: 1)

private func flow(_ text: String, protocol callProtocol: CallProtocol = .scalar) throws -> InformationFlow {
    let program = try ProgramParser().parse("# galapagos program v1\n" + text)
    return InformationFlow(program, shape: shape, protocol: callProtocol)
}

@Suite struct InformationFlowTests {
    @Test func logisticRegressionCanLearn() throws {
        let result = try flow("""
            def setup():
              s2 = 0.05
            def predict():
              s1 = dot(v0, v1)
            def learn():
              s3 = s0 - s1
              s3 = s2 * s3
              v2 = s3 * v0
              v1 = v1 + v2
            """)
        #expect(result.predictionReadsFeatures && result.predictionReadsLabels && result.canLearn)
    }

    @Test func aFixedFunctionOfTheFeaturesCannotLearn() throws {
        // learn moves v1, but with a constant instead of the label.
        let result = try flow("""
            def setup():
              s2 = 0.05
            def predict():
              s1 = dot(v0, v1)
            def learn():
              v2 = s2 * v0
              v1 = v1 + v2
            """)
        #expect(result.predictionReadsFeatures)
        #expect(!result.predictionReadsLabels)
    }

    @Test func aConstantPredictionCannotLearnEvenIfItCountsLabels() throws {
        let result = try flow("""
            def predict():
              s1 = s2 + s3
            def learn():
              s2 = s2 + s0
            """)
        #expect(!result.predictionReadsFeatures)
        #expect(result.predictionReadsLabels)
        #expect(!result.canLearn)
    }

    /// The label reaches the prediction only through two learn calls and a register that
    /// predict writes: the marks must be carried around the loop until nothing changes.
    @Test func labelsReachThePredictionAcrossSeveralCalls() throws {
        let result = try flow("""
            def predict():
              v3 = v2 + v1
              s1 = dot(v0, v3)
            def learn():
              v1 = v2 + v1
              v2 = s0 * v0
            """)
        #expect(result.canLearn)
        // An overwrite before the read cuts the flow.
        let cut = try flow("""
            def predict():
              v1 = gaussian(0.0, 1.0)
              s1 = dot(v0, v1)
            def learn():
              v1 = s0 * v0
            """)
        #expect(!cut.predictionReadsLabels)
        // An element write keeps the rest of its register, marks included.
        let element = try flow("""
            def predict():
              v1[2] = 0.5
              s1 = dot(v0, v1)
            def learn():
              v1 = s0 * v0
            """)
        #expect(element.canLearn)
    }

    @Test func multiclassLearnsFromTheOneHotLabel() throws {
        let result = try flow("""
            def predict():
              v1 = m0 @ v0
            def learn():
              v3 = v2 - v1
              m0 = outer(v3, v0)
            """, protocol: .multiclass)
        #expect(result.canLearn)
    }

    /// `initial: learning` draws first populations that can learn (when 400 draws fail, it falls
    /// back to a program reading the features); plain random programs rarely can.
    @Test func learningInitialProgramsCanLearn() throws {
        let space = try SearchSpace.parse("""
            name: learners
            memory: {features: 4, scalars: 5, vectors: 4, matrices: 0}
            ops: [scalar_const_set, scalar_sum, scalar_diff, scalar_product, scalar_max,
                  scalar_vector_product, vector_sum, vector_diff, vector_product, vector_max,
                  vector_inner_product, vector_gaussian_set]
            setup: {min: 0, max: 8, initial: 4}
            predict: {min: 1, max: 8, initial: 3}
            learn: {min: 0, max: 8, initial: 6}
            evolution: {population: 40, tournament: 5, initial: learning}
            tasks:
              search: {generator: scalar_linear_regression, count: 2, train: 10, valid: 10}
            """, file: "learners.yaml")
        #expect(space.evolution.initialPrograms == .learning)
        let mutator = Mutator(space: space)
        var random = RandomGenerator(seed: 5)
        func canLearn(_ program: Program) -> Bool {
            InformationFlow(program, shape: space.memory).canLearn
        }
        let plain = (0..<200).filter { _ in canLearn(mutator.randomProgram(using: &random)) }.count
        let drawn = (0..<200).filter { _ in canLearn(mutator.randomLearningProgram(protocol: .scalar, using: &random)) }.count
        #expect(plain < 100, "\(plain) of 200 plain random programs can learn")
        #expect(drawn >= 190, "\(drawn) of 200 drawn programs can learn")
        let engine = Engine(space: space, settings: EngineSettings(seed: 3, maxIndividuals: 40))
        while !engine.isFinished { engine.step() }
        let learners = engine.islands[0].members.filter { canLearn($0.program) }.count
        #expect(learners >= 36, "\(learners) of 40 first members can learn")
    }
}
