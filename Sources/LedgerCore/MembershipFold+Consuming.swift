extension MembershipFold {
    /// What a fold that uses its events up needs to know of one part's companies, read from
    /// the part's events once they are in fold order (`CompanyOrderedEvents`): where each
    /// company's events start, what they add to its lists, and each round's companies.
    public struct PartGrouping: Sendable {
        var starts: [Int]
        var counts: [CompanyEvents]
        var included: [[Int32]?]

        /// - Parameter events: the part's events, in fold order: each company's together.
        /// - Parameter shared: the events every company shares, in fold order.
        init(_ events: UnsafeBufferPointer<SequencedEvent>, shared: [SequencedEvent]) {
            var numbers = CompanyNumbering()
            (starts, counts) = PartGrouping.companies(events, numbering: &numbers)
            let numbered = numbers
            included = shared.map { MembershipFold.numbers(ofRound: $0.event.body, in: numbered) }
        }

        /// Where each company's events start (and where the last ends), and what they add to
        /// its lists; each company numbered in `numbering` as it is met.
        private static func companies(
            _ events: UnsafeBufferPointer<SequencedEvent>,
            numbering: inout CompanyNumbering
        ) -> ([Int], [CompanyEvents]) {
            var starts: [Int] = []
            var counts: [CompanyEvents] = []
            var current: CompanyID?
            for i in events.indices {
                // Read through a pointer, in place (a copy would retain and release its payload).
                let event = events.baseAddress! + i
                let company = event.pointee.event.company!
                if company != current {
                    current = company
                    _ = numbering.number(of: company, hash: company.hash64)
                    starts.append(i)
                    counts.append(CompanyEvents())
                }
                counts[counts.count - 1].add(type(of: event), on: event.pointee.event.on)
            }
            starts.append(events.count)
            return (starts, counts)
        }

        /// The event's type, read in place. Not inlined: inlined here, the release build's
        /// optimizer (Swift 6.3, CopyPropagation) failed its own ownership check and crashed.
        @inline(never)
        private static func type(of event: UnsafePointer<SequencedEvent>) -> EventType { event.pointee.event.type }
    }

    /// The numbers of an index round's companies, in order (those with none are not this
    /// part's); nil for any other event.
    static func numbers(ofRound body: EventBody, in numbers: CompanyNumbering) -> [Int32]? {
        guard case .indexRoundRecorded(_, let list) = body else { return nil }
        // Put in order by counting, as the numbers run from 0 to the count: a round lists up to
        // every company, and Swift's sort of 300,000 numbers a round was 1.4% of a one-core replay.
        var times = [Int32](repeating: 0, count: numbers.count)
        var found = 0
        for company in list {
            guard let number = numbers.existingNumber(of: company, hash: company.hash64) else { continue }
            times[Int(number)] += 1
            found += 1
        }
        var sorted: [Int32] = []
        sorted.reserveCapacity(found)
        for (number, count) in times.enumerated() where count > 0 {
            sorted.append(contentsOf: repeatElement(Int32(number), count: Int(count)))
        }
        return sorted
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
