/// The three component functions of a program.
///
/// `setup` runs once per task on zeroed memory; `predict` runs for every example and leaves its
/// prediction in `s1`; `learn` runs after `predict` on every training example, with the label in
/// `s0`. Memory persists between calls, so `setup` can initialise weights that `learn` updates.
public enum Component: Int, Sendable, CaseIterable, CustomStringConvertible {
    case setup = 0
    case predict = 1
    case learn = 2

    /// The name used in program text (`def predict():`) and search-space files.
    public var name: String {
        switch self {
        case .setup: "setup"
        case .predict: "predict"
        case .learn: "learn"
        }
    }

    public var description: String { name }

    /// Looks a component up by name.
    public init?(name: String) {
        guard let c = Component.allCases.first(where: { $0.name == name }) else { return nil }
        self = c
    }
}
