/// The lines of a child program against its parent's, for the lineage view.
enum LineDiff {
    enum Line: Equatable {
        case kept(String)
        case removed(String)
        case added(String)
    }

    /// The child's lines in order, with the parent's lines it dropped in the places they had.
    static func lines(from parent: String, to child: String) -> [Line] {
        let old = parent.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let new = child.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let difference = new.difference(from: old)
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in difference {
            switch change {
            case let .remove(offset, _, _): removed.insert(offset)
            case let .insert(offset, _, _): inserted.insert(offset)
            }
        }
        var result: [Line] = []
        var oldIndex = 0
        for (newIndex, line) in new.enumerated() {
            // The parent's lines dropped here come first, then the child's line.
            while oldIndex < old.count, removed.contains(oldIndex) {
                result.append(.removed(old[oldIndex]))
                oldIndex += 1
            }
            if inserted.contains(newIndex) {
                result.append(.added(line))
            } else {
                result.append(.kept(line))
                oldIndex += 1
            }
        }
        while oldIndex < old.count {
            if removed.contains(oldIndex) { result.append(.removed(old[oldIndex])) }
            oldIndex += 1
        }
        return result
    }
}
