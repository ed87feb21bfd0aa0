/// Which events of a history the fold leaves out (R26): the reversals, and the events they
/// reverse, marked by position a bit each, so that a pass over millions of events reads the
/// marks in order instead of looking each seq up in a set.
struct LeftOutEvents {
    private var reversedBits: [UInt64]

    /// - Parameter reversed: `MembershipFold.reversedSeqs(events)`.
    init(_ events: UnsafeBufferPointer<SequencedEvent>, reversed: Set<Int>) {
        reversedBits = [UInt64](repeating: 0, count: reversed.isEmpty ? 0 : (events.count + 63) / 64)
        for seq in reversed {
            guard let position = MembershipFold.index(ofSeq: seq, in: events) else { continue }
            reversedBits[position >> 6] |= 1 << UInt64(position & 63)
        }
    }

    /// Whether the event of `type` at `position` (from the start of the events) is left out.
    @inline(__always)
    func contains(_ position: Int, type: EventType) -> Bool {
        type == .eventReversed
            || (!reversedBits.isEmpty && reversedBits[position >> 6] & (1 << UInt64(position & 63)) != 0)
    }
}
