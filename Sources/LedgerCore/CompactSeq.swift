/// A seq held in four bytes, where millions of values keep one (a replay's events, a fold's fee
/// requests, allocations and excusals): a ledger holds at most `SequencedEvent.maxSeq` events.
struct CompactSeq: Hashable, Sendable {
    private var bits: UInt32

    /// - Precondition: `seq` is in `0...SequencedEvent.maxSeq`.
    init(_ seq: Int) {
        precondition((0...SequencedEvent.maxSeq).contains(seq), "seq \(seq) is past the most a ledger holds")
        bits = UInt32(truncatingIfNeeded: seq)
    }

    var value: Int { Int(bits) }
}
