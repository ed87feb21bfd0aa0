import CGlibc

extension MembershipFold {
    /// One part of a fold split by company, folded one company at a time: the events of the
    /// companies in part `part` of `parts` (all of them when `parts` is 1), each company's with
    /// the schedules and rounds everyone shares, in (`on`, `seq`) order (R4, R5).
    ///
    /// Companies are independent but for R10, which reads the recommender's status: every
    /// recommendation is judged by `merged`, from the recommender's timeline at the
    /// recommendation's place in the order. Each company's state stays in cache while its
    /// events are folded, where the fold in one piece visits every company's state in turn.
    /// Nothing puts the whole log in order: each company's events are put in order on their own.
    /// - Parameter reversed: `reversedSeqs(events)`, computed once for every part.
    /// - Throws: `LedgerError` for a broken rule (not necessarily the first in order: the whole
    ///   fold says which).
    public static func fold(
        _ events: ArraySlice<SequencedEvent>,
        reversed: Set<Int>,
        part: Int,
        of parts: Int
    ) throws(LedgerError) -> MembershipFold {
        var fold = MembershipFold()
        fold.defersRecommendations = true
        let (shared, groups) = grouped(events, reversed: reversed, part: part, of: parts)
        // The rounds' lists as sets, once (R20 asks every company whether a round included it).
        var included: [Set<CompanyID>?] = []
        for position in shared {
            guard case .indexRoundRecorded(let round, let list) = events[position].event.body else {
                included.append(nil)
                continue
            }
            try fold.checkRound(round, on: events[position].event.on, seq: events[position].seq)
            included.append(Set(parts == 1 ? list : list.filter { MembershipFold.part(of: $0, parts) == part }))
        }
        let sharedKeys = shared.map { orderKey(events[$0].event.on, events[$0].seq) }
        try events.withUnsafeBufferPointer { (buffer) throws(LedgerError) in
            let base = events.startIndex
            let all = groups.keys
            for g in groups.starts.indices.dropLast() {
                let group = groups.starts[g]..<groups.starts[g + 1]
                let company = buffer[position(all[group.lowerBound])].event.company!
                fold.schedule = nil
                fold.focus = nil
                var next = 0
                func applyShared(through key: UInt64) {
                    while next < shared.count, sharedKeys[next] < key {
                        fold.applyShared(buffer[shared[next] - base], included: included[next], to: company)
                        next += 1
                    }
                }
                for i in group {
                    // A company's events lie all over the log: each would be a wait for memory.
                    if i + prefetchDistance < group.upperBound {
                        prefetch(buffer.baseAddress! + position(all[i + prefetchDistance]))
                    }
                    let item = buffer[position(all[i])]
                    let key = orderKey(item.event.on, item.seq)
                    applyShared(through: key)
                    fold.runTriggers(through: item.event.on)
                    fold.point = key
                    try fold.apply(item)
                    if fold.focus == nil { fold.focus = fold.index[company].map { (company, $0) } }
                }
                applyShared(through: .max)
                fold.runTriggers(through: Day(ordinal: Int.max / 2))
            }
        }
        fold.focus = nil
        return fold
    }

    /// How many events ahead a fold by company asks for an event's memory.
    static let prefetchDistance = 4

    /// The position, in a buffer of the events, that a grouping key (`grouped`) stands for.
    static func position(_ key: UInt64) -> Int { Int(key & 0xFFFF_FFFF) }

    /// Sorts a range of keys that is sorted but for a few (an insertion sort: linear then).
    static func sortNearlySorted(_ keys: inout [UInt64], _ range: Range<Int>) {
        for i in range.dropFirst() where keys[i] < keys[i - 1] {
            let key = keys[i]
            var j = i
            while j > range.lowerBound && keys[j - 1] > key {
                keys[j] = keys[j - 1]
                j -= 1
            }
            keys[j] = key
        }
    }

    /// Asks for an event's bytes (the lines it spans) to be brought into the cache.
    static func prefetch(_ event: UnsafePointer<SequencedEvent>) {
        let bytes = UnsafeRawPointer(event)
        ledger_prefetch(bytes)
        ledger_prefetch(bytes + MemoryLayout<SequencedEvent>.size - 1)
    }

    /// The positions of the events every company shares, in (`on`, `seq`) order, and the part's
    /// companies' events grouped by company, each group in (`on`, `seq`) order: a counting sort of
    /// the log, then a sort of each group, which is nearly in order already. Each of those events
    /// is a key, (`on`, position in the buffer) packed to sort as (`on`, `seq`) does (R4, R5), read
    /// here in one pass over the log so that no group is put in order by reading its events.
    /// Reversed events and reversals are left out (R26).
    static func grouped(
        _ events: ArraySlice<SequencedEvent>,
        reversed: Set<Int>,
        part: Int,
        of parts: Int
    ) -> (shared: [Int], groups: (keys: [UInt64], starts: [Int])) {
        events.withUnsafeBufferPointer { buffer in
            precondition(buffer.count < 1 << 32, "a fold holds fewer than 2^32 events")
            var shared: [Int] = []
            var numbers: [CompanyID: Int32] = [:]
            var counts: [Int] = []
            var mine: [(key: UInt64, company: Int32)] = []
            mine.reserveCapacity(buffer.count / parts + 1)
            for position in buffer.indices where buffer[position].event.type != .eventReversed {
                if !reversed.isEmpty && reversed.contains(buffer[position].seq) { continue }
                guard let company = buffer[position].event.company else {
                    shared.append(events.startIndex + position)
                    continue
                }
                guard parts == 1 || MembershipFold.part(of: company, parts) == part else { continue }
                let number: Int32
                if let known = numbers[company] {
                    number = known
                } else {
                    number = Int32(counts.count)
                    numbers[company] = number
                    counts.append(0)
                }
                counts[Int(number)] += 1
                // Positions follow seqs, so (on, position) orders as (on, seq) does.
                mine.append((orderKey(buffer[position].event.on, position), number))
            }
            shared.sort {
                orderKey(events[$0].event.on, events[$0].seq) < orderKey(events[$1].event.on, events[$1].seq)
            }
            var starts = [0]
            starts.reserveCapacity(counts.count + 1)
            for count in counts { starts.append(starts.last! + count) }
            var next = starts
            var keys = [UInt64](repeating: 0, count: mine.count)
            for item in mine {
                keys[next[Int(item.company)]] = item.key
                next[Int(item.company)] += 1
            }
            for g in starts.indices.dropLast() { sortNearlySorted(&keys, starts[g]..<starts[g + 1]) }
            return (shared, (keys, starts))
        }
    }

    /// A schedule or an index round as it bears on one company (R13, R20, R21).
    mutating func applyShared(_ item: SequencedEvent, included: Set<CompanyID>?, to company: CompanyID) {
        runTriggers(through: item.event.on)
        point = MembershipFold.orderKey(item.event.on, item.seq)
        switch item.event.body {
        case .feeScheduleSet(let full, let affiliate):
            schedule = (full, affiliate)
        case .indexRoundRecorded(let round, _):
            guard let included else { return }
            if included.contains(company) { everIncluded.insert(company) }
            if let ci = focus?.index ?? index[company] {
                countRound(ci, round, included: included, on: item.event.on, seq: item.seq)
            }
        default:
            break
        }
    }
}
