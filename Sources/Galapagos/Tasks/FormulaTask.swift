/// Symbolic-regression benchmark problems: a formula sampled at uniformly random points.
///
/// The Nguyen suite (Uy et al., 2011) is built in; each problem has its variables, sampling
/// range and, for the rational ones, an expression that exact equivalence checking can use.
public struct FormulaTask: Sendable, Equatable {
    /// The problem's name, e.g. `nguyen-1`.
    public let name: String
    /// The number of variables (the feature size F must equal it).
    public let variables: Int
    /// Sampling range of every variable.
    public let low: Double
    public let high: Double
    /// The formula as text over `x0, x1`, with `^` for integer powers.
    public let expression: String
    /// Whether the formula uses only + − × ÷ and integer powers (exactly checkable).
    public let isRational: Bool

    public static func == (lhs: FormulaTask, rhs: FormulaTask) -> Bool { lhs.name == rhs.name }

    /// The built-in problems by name.
    public static let nguyen: [String: FormulaTask] = {
        let problems = [
            FormulaTask(name: "nguyen-1", variables: 1, low: -1, high: 1, expression: "x0^3 + x0^2 + x0", isRational: true),
            FormulaTask(name: "nguyen-2", variables: 1, low: -1, high: 1, expression: "x0^4 + x0^3 + x0^2 + x0", isRational: true),
            FormulaTask(name: "nguyen-3", variables: 1, low: -1, high: 1, expression: "x0^5 + x0^4 + x0^3 + x0^2 + x0", isRational: true),
            FormulaTask(name: "nguyen-4", variables: 1, low: -1, high: 1, expression: "x0^6 + x0^5 + x0^4 + x0^3 + x0^2 + x0", isRational: true),
            FormulaTask(name: "nguyen-5", variables: 1, low: -1, high: 1, expression: "sin(x0^2) * cos(x0) - 1", isRational: false),
            FormulaTask(name: "nguyen-6", variables: 1, low: -1, high: 1, expression: "sin(x0) + sin(x0 + x0^2)", isRational: false),
            FormulaTask(name: "nguyen-7", variables: 1, low: 0, high: 2, expression: "log(x0 + 1) + log(x0^2 + 1)", isRational: false),
            FormulaTask(name: "nguyen-8", variables: 1, low: 0, high: 4, expression: "sqrt(x0)", isRational: false),
            FormulaTask(name: "nguyen-9", variables: 2, low: -1, high: 1, expression: "sin(x0) + sin(x1^2)", isRational: false),
            FormulaTask(name: "nguyen-10", variables: 2, low: -1, high: 1, expression: "2 * sin(x0) * cos(x1)", isRational: false),
            FormulaTask(name: "nguyen-11", variables: 2, low: 0, high: 1, expression: "x0^x1", isRational: false),
            FormulaTask(name: "nguyen-12", variables: 2, low: -1, high: 1, expression: "x0^4 - x0^3 + x1^2 / 2 - x1", isRational: true),
        ]
        return Dictionary(uniqueKeysWithValues: problems.map { ($0.name, $0) })
    }()

    /// The formula's value at a point.
    public func evaluate(_ x: [Double]) -> Double {
        let a = x[0], b = x.count > 1 ? x[1] : 0
        switch name {
        case "nguyen-1": return a * a * a + a * a + a
        case "nguyen-2": return a * a * a * a + a * a * a + a * a + a
        case "nguyen-3": return a * a * a * a * a + a * a * a * a + a * a * a + a * a + a
        case "nguyen-4": return a * a * a * a * a * a + a * a * a * a * a + a * a * a * a + a * a * a + a * a + a
        case "nguyen-5": return Math.sin(a * a) * Math.cos(a) - 1
        case "nguyen-6": return Math.sin(a) + Math.sin(a + a * a)
        case "nguyen-7": return Math.log(a + 1) + Math.log(a * a + 1)
        case "nguyen-8": return a.squareRoot()
        case "nguyen-9": return Math.sin(a) + Math.sin(b * b)
        case "nguyen-10": return 2 * Math.sin(a) * Math.cos(b)
        case "nguyen-11": return a > 0 ? Math.exp(b * Math.log(a)) : (b == 0 ? 1 : 0)
        case "nguyen-12": return a * a * a * a - a * a * a + b * b / 2 - b
        default: return .nan
        }
    }

    func makeTask(spec: TaskSpec, name: String, features: Int, dataSeed: UInt64) -> TaskDataset {
        var data = RandomGenerator(seed: dataSeed)
        func split(_ count: Int) -> TaskDataset.Split {
            var xs: [Double] = []
            var ys: [Double] = []
            for _ in 0..<count {
                let x = (0..<features).map { _ in data.uniform(low, high) }
                xs.append(contentsOf: x)
                ys.append(evaluate(x))
            }
            return TaskDataset.Split(features: xs, labels: ys)
        }
        let train = split(spec.trainExamples)
        let valid = split(spec.validExamples)
        let test = split(spec.testExamples)
        return TaskSpec.task(
            spec: spec, name: name, features: features, train: train, valid: valid, test: test,
            dataSeed: dataSeed)
    }
}
