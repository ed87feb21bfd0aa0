/// A set of positions (the indexes of a pass's events, or seqs) held a bit each, so that a pass
/// over millions of events marks and reads them in order, 64 to a word, instead of looking each
/// up in a hashed set.
public struct PositionBits: Sendable {
    /// The bits, 64 positions a word, position 0 the lowest bit of the first.
    public var words: [UInt64] { bits }
    @usableFromInline var bits: [UInt64]

    /// Room for positions `0..<count`, none in the set.
    public init(count: Int) { bits = [UInt64](repeating: 0, count: (count + 63) / 64) }

    @inlinable
    public mutating func insert(_ position: Int) { bits[position >> 6] |= 1 << UInt64(position & 63) }

    @inlinable
    public func contains(_ position: Int) -> Bool { bits[position >> 6] & (1 << UInt64(position & 63)) != 0 }
}
