extension MembershipFold {
    /// One part's events grouped by company (`grouped`), for a fold that uses the events up.
    public struct PartGrouping: Sendable {
        var shared: [UInt64]
        var positions: [UInt32]
        var starts: [Int]
        var counts: [CompanyEvents]
        var included: [[Int32]?]

        /// Groups the events of part `part` of `parts`'s companies (see `grouped`).
        /// - Parameter events: a whole history in seq order.
        /// - Parameter reversed: `reversedSeqs(events)`.
        public init(_ events: UnsafeBufferPointer<SequencedEvent>, reversed: Set<Int>, part: Int, of parts: Int) {
            let (shared, groups) = grouped(events, reversed: reversed, part: part, of: parts)
            (self.shared, positions, starts, counts, included) =
                (shared, groups.positions, groups.starts, groups.counts, groups.included)
        }
    }

    /// `fold(_:reversed:part:of:notes:histories:)` of the events of part `part` in `ordered`, each
    /// moved out of its slot as it is applied, so that every slot of the part is deinitialized
    /// when it returns or throws.
    /// - Parameter release: called now and then with the part's events used so far,
    ///   deinitialized, whose memory may be given back.
    public static func fold(
        consuming ordered: CompanyOrderedEvents,
        part: Int,
        notes: Bool,
        histories: Bool,
        release: (UnsafeMutableBufferPointer<SequencedEvent>) -> Void
    ) throws(LedgerError) -> MembershipFold {
        let events = ordered.events(ofPart: part)
        let grouping = ordered.groupings[part]
        var taken = 0
        var released = 0
        do {
            return try fold(
                companies: (grouping.starts, grouping.counts, grouping.included),
                shared: ordered.shared,
                notes: notes,
                histories: histories,
                event: { i in
                    if i % ordered.bucket == 0 { ordered.order(bucketAt: i, ofPart: part) }
                    taken = i + 1
                    return (events.baseAddress! + i).move()
                },
                companyDone: { end in
                    guard end - released >= releaseEvents else { return }
                    release(UnsafeMutableBufferPointer(rebasing: events[..<end]))
                    released = end
                }
            )
        } catch {
            if let base = events.baseAddress { (base + taken).deinitialize(count: events.count - taken) }
            throw error
        }
    }

    /// How many events a consuming fold uses between two releases: 4 MiB of them.
    static let releaseEvents = (4 << 20) / MemoryLayout<SequencedEvent>.stride
}
