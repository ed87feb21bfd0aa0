/// A run of 4 to 24 bytes as its count and three words that cover it (overlapping when it is
/// shorter than 24): two runs are equal exactly when these are. What the replay decoder compares
/// instead of bytes, a word at a time: a value read last (`RecentField`), the `by` of the line
/// before, an event type's name (`EventType`).
struct ShortBytes: Equatable, Sendable {
    let count: Int
    private let first: UInt64
    private let middle: UInt64
    private let last: UInt64

    /// Nil for fewer than 4 bytes or more than 24.
    @inline(__always)
    init?(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        switch n {
        case 8...24:
            // The first eight bytes, the last eight, and eight between that reach both.
            func word(_ offset: Int) -> UInt64 { bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
            (first, middle, last) = (word(0), word((n - 8) / 2), word(n - 8))
        case 4..<8:
            func word(_ offset: Int) -> UInt64 { UInt64(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
            (first, middle, last) = (word(0), word(n - 4), 0)
        default:
            return nil
        }
        count = n
    }

    /// Whether `bytes` hold these bytes from `index`, then `end`.
    @inline(__always)
    func isAt(_ index: Int, in bytes: UnsafeRawBufferPointer, followedBy end: UInt8) -> Bool {
        index + count < bytes.count && bytes[index + count] == end
            && ShortBytes(bytes.slice(index..<(index + count))) == self
    }
}
