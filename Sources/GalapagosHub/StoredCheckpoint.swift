import CompressNIO
import Galapagos
import NIOCore

/// An island's checkpoint as the hub stores it: the engine state's JSON document compressed
/// with zlib (schema 3 on), or as plain text (checkpoints written before schema 3).
///
/// The JSON repeats field names and program text across a hundred members; zlib makes it
/// several times smaller, which is what the database writes, keeps and sends at each sync.
public enum StoredCheckpoint: Sendable {
    case text(String)
    case compressed(ByteBuffer)

    /// The most a stored checkpoint may inflate to: a damaged or hostile row cannot make a
    /// worker allocate without bound.
    public static let maximumTextBytes = 256 << 20

    /// Compresses a checkpoint's JSON text.
    public init(compressing text: String) throws {
        var buffer = ByteBuffer(string: text)
        self = .compressed(try buffer.compress(with: .zlib()))
    }

    /// The stored form from a row's two columns; `nil` when the island has no checkpoint yet.
    init?(text: String?, compressed: ByteBuffer?) {
        if let compressed {
            self = .compressed(compressed)
        } else if let text {
            self = .text(text)
        } else {
            return nil
        }
    }

    /// Bytes the database stores (before its own TOAST compression).
    public var storedBytes: Int {
        switch self {
        case let .text(text): text.utf8.count
        case let .compressed(buffer): buffer.readableBytes
        }
    }

    /// The checkpoint's JSON text; throws naming `source` when it cannot be inflated.
    public func text(source: String) throws -> String {
        switch self {
        case let .text(text):
            return text
        case var .compressed(buffer):
            let inflated: ByteBuffer
            do {
                inflated = try buffer.decompress(with: .zlib(), maxSize: Self.maximumTextBytes)
            } catch {
                throw GalapagosError.run("\(source): the checkpoint cannot be inflated (\(error))")
            }
            return String(buffer: inflated)
        }
    }

    /// The engine-state document it holds; throws naming `source` when it is damaged.
    public func document(source: String) throws -> EngineStateDocument {
        try EngineStateDocument.decode(text(source: source), source: source)
    }

    /// The column values to write: the compressed bytes, or the text.
    var columns: (text: String?, compressed: ByteBuffer?) {
        switch self {
        case let .text(text): (text, nil)
        case let .compressed(buffer): (nil, buffer)
        }
    }
}
