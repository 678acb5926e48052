/// Regression tasks labelled by a random teacher (AutoML-Zero's scalar regression tasks):
/// features x ~ N(0, 1)^F from the data seed, teacher weights ~ N(0, 1) from the parameter seed.
enum TeacherTask {
    /// Label w·x (summed left to right).
    static func linear(
        spec: TaskSpec, name: String, features: Int, dataSeed: UInt64, paramSeed: UInt64
    ) -> TaskDataset {
        var parameters = RandomGenerator(seed: paramSeed)
        let weights = (0..<features).map { _ in parameters.nextGaussian() }
        return make(spec: spec, name: name, features: features, dataSeed: dataSeed) { x in
            var label = 0.0
            for k in 0..<features { label += weights[k] * x[k] }
            return label
        }
    }

    /// Label w₂·relu(W₁x) with W₁ hidden × F and w₂ of length hidden.
    static func nonlinear(
        spec: TaskSpec, name: String, features: Int, hidden: Int, dataSeed: UInt64,
        paramSeed: UInt64
    ) -> TaskDataset {
        var parameters = RandomGenerator(seed: paramSeed)
        let first = (0..<(hidden * features)).map { _ in parameters.nextGaussian() }
        let second = (0..<hidden).map { _ in parameters.nextGaussian() }
        return make(spec: spec, name: name, features: features, dataSeed: dataSeed) { x in
            var label = 0.0
            for h in 0..<hidden {
                var activation = 0.0
                for k in 0..<features { activation += first[h * features + k] * x[k] }
                label += second[h] * max(0, activation)
            }
            return label
        }
    }

    private static func make(
        spec: TaskSpec, name: String, features: Int, dataSeed: UInt64,
        label: ([Double]) -> Double
    ) -> TaskDataset {
        var data = RandomGenerator(seed: dataSeed)
        func split(_ count: Int) -> TaskDataset.Split {
            var xs: [Double] = []
            xs.reserveCapacity(count * features)
            var ys: [Double] = []
            ys.reserveCapacity(count)
            var x = [Double](repeating: 0, count: features)
            for _ in 0..<count {
                for k in 0..<features { x[k] = data.nextGaussian() }
                xs.append(contentsOf: x)
                ys.append(label(x))
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
