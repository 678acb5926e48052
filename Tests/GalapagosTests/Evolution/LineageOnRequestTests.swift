import Testing
@testable import Galapagos

/// Lineages read on request, as a hub writes them for the programs it keeps.
@Suite struct LineageOnRequestTests {
    /// A chain 0 → 1 → … → 5 with fitness 0.1, 0.1, 0.1, 0.2, 0.2, 0.3.
    private func chain() -> Ancestry {
        var tree = Ancestry()
        tree.listsUnpersisted = false
        for (id, fitness) in [0.1, 0.1, 0.1, 0.2, 0.2, 0.3].enumerated() {
            tree.born(Member(
                id: id, program: Program(), fitness: fitness, fingerprint: UInt64(id),
                parentID: id == 0 ? nil : id - 1, origin: id == 0 ? .random : .mutation(.alterArgument),
                birth: id))
        }
        return tree
    }

    @Test func neutralStepsAreFoldedIntoTheStepsWhereFitnessChanged() {
        let steps = chain().lineage(of: 5, foldingNeutralSteps: true) { _ in false }
        #expect(steps.map(\.member.id) == [5, 3, 0])
        #expect(steps.map(\.parentID) == [3, 0, nil])
        #expect(steps.map(\.neutralSteps) == [1, 2, 0])
        let every = chain().lineage(of: 5) { _ in false }
        #expect(every.map(\.member.id) == [5, 4, 3, 2, 1, 0])
        #expect(every.map(\.parentID) == [4, 3, 2, 1, 0, nil])
    }

    @Test func aLineageStopsAtWhatIsWrittenAndMeetsItExactly() {
        let tree = chain()
        let first = tree.lineage(of: 3, foldingNeutralSteps: true) { _ in false }
        #expect(first.map(\.member.id) == [3, 0])
        let written = Set(first.map(\.member.id))
        // A descendant's lineage ends at the recorded step it descends from.
        let later = tree.lineage(of: 5, foldingNeutralSteps: true) { written.contains($0) }
        #expect(later.map(\.member.id) == [5])
        #expect(later.first?.parentID == 3)
    }

    @Test func newbornsAreNotListedForTakingWhenLineagesAreReadOnRequest() {
        var tree = chain()
        #expect(tree.takeUnpersisted().isEmpty)
    }
}
