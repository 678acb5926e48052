import CompressNIO
import Galapagos
import NIOCore

/// A worker's FEC cache as the hub stores it (`galapagos_worker_cache`): its most recently used
/// entries, so that a worker that adopts the worker's islands (or the worker itself, restarted)
/// does not start from an empty cache. Every island of a run scores on the same tasks, so any
/// worker's entries hold for any island.
///
/// Each entry is 16 bytes, little-endian: the functional fingerprint, then the fitness's bit
/// pattern; entries go least recently used first; the whole is compressed with zlib.
enum StoredFECCache {
    /// Entries saved per worker: about the hits of the last few thousand children, 128 KB
    /// before compression.
    static let entries = 8_192
    /// Seconds between two saves of a worker's cache.
    static let saveEvery = 60.0

    /// Encodes entries, least recently used first.
    static func encode(_ entries: [(key: UInt64, value: Double)]) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(entries.count * 16)
        for entry in entries {
            buffer.writeInteger(entry.key, endianness: .little)
            buffer.writeInteger(entry.value.bitPattern, endianness: .little)
        }
        return try buffer.compress(with: .zlib())
    }

    /// Decodes stored entries; throws naming `source` when the bytes are damaged. At most
    /// ``entries`` are read, whatever the row claims.
    static func decode(_ stored: ByteBuffer, source: String) throws -> [(key: UInt64, value: Double)] {
        var compressed = stored
        var buffer: ByteBuffer
        do {
            buffer = try compressed.decompress(with: .zlib(), maxSize: entries * 16)
        } catch {
            throw GalapagosError.run("\(source): the stored FEC cache cannot be inflated (\(error))")
        }
        guard buffer.readableBytes % 16 == 0 else {
            throw GalapagosError.run(
                "\(source): the stored FEC cache has \(buffer.readableBytes) bytes, not a whole number of 16-byte entries")
        }
        var result: [(key: UInt64, value: Double)] = []
        result.reserveCapacity(buffer.readableBytes / 16)
        while let key = buffer.readInteger(endianness: .little, as: UInt64.self),
              let bits = buffer.readInteger(endianness: .little, as: UInt64.self) {
            result.append((key, Double(bitPattern: bits)))
        }
        return result
    }
}
