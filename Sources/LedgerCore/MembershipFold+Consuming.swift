extension MembershipFold {
    /// One part's events grouped by company (`grouped`), for a fold that uses the events up.
    public struct PartGrouping: Sendable {
        var shared: [UInt64]
        var positions: [UInt32]
        var starts: [Int]
        var counts: [CompanyEvents]

        /// Groups the events of part `part` of `parts`'s companies (see `grouped`).
        /// - Parameter events: a whole history in seq order.
        /// - Parameter reversed: `reversedSeqs(events)`.
        public init(_ events: UnsafeBufferPointer<SequencedEvent>, reversed: Set<Int>, part: Int, of parts: Int) {
            let (shared, groups) = grouped(events, reversed: reversed, part: part, of: parts)
            (self.shared, positions, starts, counts) = (shared, groups.positions, groups.starts, groups.counts)
        }
    }

    /// Moves `events` (a whole history in seq order) into the order a fold by company uses them:
    /// part 0's companies, each company's events in fold order (R4, R5), then part 1's, and so
    /// on; what no part folds (the schedules and rounds every part shares, reversals and what they
    /// reverse, R26) goes after them and is deinitialized. Each part's events then lie together,
    /// in the order they are used, so the memory of those used can be given back while the fold
    /// goes on (`fold(consuming:…)`).
    ///
    /// In place, one cycle of the permutation after another: no second copy of the events.
    /// - Parameter groupings: every part's, in part order; their positions are used up.
    /// - Returns: each part's range of `events`, and the shared events (copied out first) in the
    ///   order the fold applies them.
    public static func permute(
        _ events: UnsafeMutableBufferPointer<SequencedEvent>,
        groupings: inout [PartGrouping]
    ) -> (parts: [Range<Int>], shared: [SequencedEvent]) {
        guard let base = events.baseAddress else { return (groupings.map { _ in 0..<0 }, []) }
        let shared = groupings.first?.shared.map { events[position($0)] } ?? []
        var order: [UInt32] = []
        order.reserveCapacity(events.count)
        var parts: [Range<Int>] = []
        for g in groupings.indices {
            let start = order.count
            order += groupings[g].positions
            groupings[g].positions = []
            parts.append(start..<order.count)
        }
        let folded = order.count
        var placed = [UInt64](repeating: 0, count: (events.count + 63) / 64)
        for position in order { placed[Int(position) >> 6] |= 1 << UInt64(position & 63) }
        for position in events.indices where placed[position >> 6] & (1 << UInt64(position & 63)) == 0 {
            order.append(UInt32(position))
        }
        placed = []
        // order[j] is the position whose event goes to j; a position done is marked `done`
        // (positions are below 2^32 - 1: `grouped` holds fewer than 2^32 events).
        let done = UInt32.max
        order.withUnsafeMutableBufferPointer { order in
            for start in order.indices where order[start] != done {
                guard Int(order[start]) != start else {
                    order[start] = done
                    continue
                }
                let first = (base + start).move()
                var j = start
                while true {
                    let from = Int(order[j])
                    order[j] = done
                    if from == start {
                        (base + j).initialize(to: first)
                        break
                    }
                    (base + j).moveInitialize(from: base + from, count: 1)
                    j = from
                }
            }
        }
        (base + folded).deinitialize(count: events.count - folded)
        return (parts, shared)
    }

    /// `fold(_:reversed:part:of:notes:histories:)` of one part's events as `permute` left them,
    /// each moved out of its slot as it is applied, so that every slot of `events` is
    /// deinitialized when it returns or throws.
    /// - Parameter shared: the shared events from `permute`.
    /// - Parameter release: called now and then with the events used so far (from the start of
    ///   `events`), deinitialized, whose memory may be given back.
    public static func fold(
        consuming events: UnsafeMutableBufferPointer<SequencedEvent>,
        grouping: PartGrouping,
        shared: [SequencedEvent],
        part: Int,
        of parts: Int,
        notes: Bool,
        histories: Bool,
        release: (UnsafeMutableBufferPointer<SequencedEvent>) -> Void
    ) throws(LedgerError) -> MembershipFold {
        guard let base = events.baseAddress else {
            return try fold(
                companies: (grouping.starts, grouping.counts),
                shared: shared,
                part: part,
                of: parts,
                notes: notes,
                histories: histories
            ) { _ in preconditionFailure("no events") }
        }
        var taken = 0
        var released = 0
        do {
            return try fold(
                companies: (grouping.starts, grouping.counts),
                shared: shared,
                part: part,
                of: parts,
                notes: notes,
                histories: histories,
                event: { i in
                    taken = i + 1
                    return (base + i).move()
                },
                companyDone: { end in
                    guard end - released >= releaseEvents else { return }
                    release(UnsafeMutableBufferPointer(rebasing: events[..<end]))
                    released = end
                }
            )
        } catch {
            (base + taken).deinitialize(count: events.count - taken)
            throw error
        }
    }

    /// How many events a consuming fold uses between two releases: 4 MiB of them.
    static let releaseEvents = (4 << 20) / MemoryLayout<SequencedEvent>.stride
}
