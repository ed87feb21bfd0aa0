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

    /// `fold(_:reversed:part:of:notes:histories:)` of the events of part `part` in `ordered` (of
    /// its companies numbered `companies`: all of them by default), each moved out of its slot as
    /// it is applied, so that every slot of theirs is deinitialized when it returns or throws.
    /// - Parameter companies: a run of `ordered.companyRuns(ofPart:tasks:)`, or all the part's.
    /// - Parameter release: called now and then with the run's events used so far (from its
    ///   first), deinitialized, whose memory may be given back.
    public static func fold(
        consuming ordered: CompanyOrderedEvents,
        part: Int,
        companies: Range<Int>? = nil,
        notes: Bool,
        histories: Bool,
        release: (UnsafeMutableBufferPointer<SequencedEvent>) -> Void
    ) throws(LedgerError) -> MembershipFold {
        let all = ordered.events(ofPart: part)
        let grouping = ordered.groupings[part]
        let companies = companies ?? 0..<(grouping.starts.count - 1)
        let run = grouping.starts[companies.lowerBound]..<grouping.starts[companies.upperBound]
        // Room of its own for the buckets it orders: those that begin and end in its run (one it
        // shares with another run was ordered before either began).
        let room = UnsafeMutablePointer<SequencedEvent>.allocate(capacity: ordered.bucket)
        defer { room.deallocate() }
        var taken = run.lowerBound
        var released = run.lowerBound
        do {
            return try fold(
                companies: (grouping.starts, grouping.counts, grouping.included),
                numbered: companies,
                shared: ordered.shared,
                notes: notes,
                histories: histories,
                event: { i in
                    if i % ordered.bucket == 0 && min(i + ordered.bucket, all.count) <= run.upperBound {
                        ordered.order(bucketAt: i, ofPart: part, room: room)
                    }
                    taken = i + 1
                    return (all.baseAddress! + i).move()
                },
                companyDone: { end in
                    guard end - released >= releaseEvents else { return }
                    release(UnsafeMutableBufferPointer(rebasing: all[run.lowerBound..<end]))
                    released = end
                }
            )
        } catch {
            if let base = all.baseAddress { (base + taken).deinitialize(count: run.upperBound - taken) }
            throw error
        }
    }

    /// How many events a consuming fold uses between two releases: 4 MiB of them.
    static let releaseEvents = (4 << 20) / MemoryLayout<SequencedEvent>.stride
}
