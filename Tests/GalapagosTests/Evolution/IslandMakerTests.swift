@testable import Galapagos
import Testing

/// The engine frees a dead member on the thread that made it, so an island must hand back,
/// with each member that dies, whether the engine's own thread made it.
@Suite("Island: who made the dead")
struct IslandMakerTests {
    private static func member(_ id: Int) -> Member {
        Member(
            id: id, program: Program(setup: [Instruction(.scalarConstSet, output: 0, constant1: Double(id))]),
            fitness: Double(id), fingerprint: UInt64(id), parentID: nil, origin: .random, birth: id)
    }

    @Test("members die oldest first, each with the fact it arrived with")
    func deadMembersComeBackWithTheirMaker() throws {
        var island = Island(capacity: 3)
        let madeHere = [true, false, true, true, false, false, true]
        var deaths: [(id: Int, madeByCaller: Bool)] = []
        for (id, flag) in madeHere.enumerated() {
            if let dead = island.add(Self.member(id), madeByCaller: flag) {
                deaths.append((dead.member.id, dead.madeByCaller))
                #expect(dead.member == Self.member(dead.member.id))
            }
        }
        #expect(deaths.map(\.id) == [0, 1, 2, 3])
        #expect(deaths.map(\.madeByCaller) == Array(madeHere.prefix(4)))
        #expect(Set(island.members.map(\.id)) == [4, 5, 6])
        // The public `add` reports the dead member alone, and counts as not made here.
        let publicDead = island.add(Self.member(7))
        #expect(publicDead?.id == 4)
        island.restart()
        for id in 10..<13 { _ = island.add(Self.member(id), madeByCaller: true) }
        let afterRestart = island.add(Self.member(13), madeByCaller: false)
        #expect(afterRestart?.member.id == 10)
        #expect(afterRestart?.madeByCaller == true)
    }

    @Test("an island restored from stored members counts them as not made here")
    func restoredMembersAreFreedByHelpers() throws {
        var island = Island(
            capacity: 2, members: [Self.member(0), Self.member(1)], oldest: 0, individualsSinceStart: 2)
        let added = island.add(Self.member(2), madeByCaller: true)
        let dead = try #require(added)
        #expect(dead.member.id == 0)
        #expect(dead.madeByCaller == false)
    }
}
