/// Which events of a history the fold leaves out (R26): the reversals, and the events they
/// reverse, marked by position a bit each, so that a pass over millions of events reads the
/// marks in order instead of looking each seq up in a set.
struct LeftOutEvents {
    /// Where the events reversed are; nil when none is.
    private var reversedBits: PositionBits?

    /// - Parameter reversed: `MembershipFold.reversedSeqs(events)`.
    init(_ events: UnsafeBufferPointer<SequencedEvent>, reversed: Set<Int>) {
        guard !reversed.isEmpty else { return }
        var bits = PositionBits(count: events.count)
        for seq in reversed {
            guard let position = MembershipFold.index(ofSeq: seq, in: events) else { continue }
            bits.insert(position)
        }
        reversedBits = bits
    }

    /// Whether the event of `type` at `position` (from the start of the events) is left out.
    @inline(__always)
    func contains(_ position: Int, type: EventType) -> Bool {
        type == .eventReversed || reversedBits?.contains(position) == true
    }
}
