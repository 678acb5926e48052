import Foundation

/// The directory part of a path, as `(path as NSString).deletingLastPathComponent` gives it
/// (`""` for a bare file name), without its trap: swift-corelibs-foundation 6.x crashes on a
/// relative path of one single-character component (`"a"`, `"a/"`), which a user can name
/// (`--searchspace a`) and a damaged run file can hold. Found by `galapagos-fuzz`.
func directoryPart(of path: String) -> String {
    var end = path.endIndex
    while end > path.startIndex, path[path.index(before: end)] == "/" { end = path.index(before: end) }
    // No slash before the last component: a bare name, whose directory is the current one.
    if end > path.startIndex, !path[..<end].contains("/") { return "" }
    return (path as NSString).deletingLastPathComponent
}
