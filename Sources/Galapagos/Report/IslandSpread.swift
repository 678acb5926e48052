/// A value's range and median over the islands as they were last sampled, one point per count
/// of individuals at which a sample arrived.
///
/// A run file samples every island at once, so each point spans the islands' rows at that
/// count. A hub's islands sample at their own times (each row at its own count of the run's
/// individuals), so each row updates its island and the point spans every island's latest
/// row; grouping rows by their count alone would plot one island at a time.
struct IslandSpread {
    var band: [(x: Double, low: Double, high: Double)] = []
    var median: [(x: Double, y: Double)] = []

    /// - Parameter value: the value of a row; `nil` or a non-finite value leaves its island
    ///   out until its next row, as does an empty island (size 0, a restart).
    init(_ statistics: [RunReader.Statistic], value: (RunReader.Statistic) -> Double?) {
        let rows = Self.inCountOrder(statistics)
        var latest: [Int: Double] = [:]
        var index = 0
        while index < rows.count {
            let individuals = rows[index].individuals
            while index < rows.count, rows[index].individuals == individuals {
                let row = rows[index]
                if row.size > 0, let value = value(row), value.isFinite {
                    latest[row.island] = value
                } else {
                    latest[row.island] = nil
                }
                index += 1
            }
            let values = latest.values.sorted()
            guard let low = values.first, let high = values.last else { continue }
            band.append((Double(individuals), low, high))
            median.append((Double(individuals), values[values.count / 2]))
        }
    }

    /// Rows by their count of individuals, rows at the same count in the order written.
    static func inCountOrder(_ statistics: [RunReader.Statistic]) -> [RunReader.Statistic] {
        statistics.enumerated()
            .sorted { ($0.element.individuals, $0.offset) < ($1.element.individuals, $1.offset) }
            .map(\.element)
    }
}
