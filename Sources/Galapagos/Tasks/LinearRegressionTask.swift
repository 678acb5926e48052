/// AutoML-Zero's scalar linear regression task: a random teacher `w ~ N(0, 1)^F`, features
/// `x ~ N(0, 1)^F`, label `w·x` (summed left to right).
enum LinearRegressionTask {
    static func make(
        spec: TaskSpec, features: Int, index: Int, dataSeed: UInt64, paramSeed: UInt64
    ) -> TaskDataset {
        var parameters = RandomGenerator(seed: paramSeed)
        let weights = (0..<features).map { _ in parameters.nextGaussian() }
        var data = RandomGenerator(seed: dataSeed)
        func split(_ count: Int) -> TaskDataset.Split {
            var xs: [Double] = []
            xs.reserveCapacity(count * features)
            var ys: [Double] = []
            ys.reserveCapacity(count)
            for _ in 0..<count {
                var label = 0.0
                for k in 0..<features {
                    let x = data.nextGaussian()
                    xs.append(x)
                    label += weights[k] * x
                }
                ys.append(label)
            }
            return TaskDataset.Split(features: xs, labels: ys)
        }
        let train = split(spec.trainExamples)
        let valid = split(spec.validExamples)
        let test = split(spec.testExamples)
        return TaskDataset(
            name: "\(spec.generator.rawValue) #\(index)", metric: spec.metric, features: features,
            train: train, valid: valid, test: test, epochs: spec.epochs,
            shuffleSeed: RandomGenerator.derive(dataSeed, 0x5348_5546),
            programSeed: RandomGenerator.derive(dataSeed, 0x5052_4F47))
    }
}
