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
    /// - Parameter reversed: `reversedSeqs(events)`, computed once for every part.
    /// - Parameter notes: whether status changes keep their notes (`StatusChange.note`).
    /// - Parameter histories: whether companies keep their fee requests and profile versions
    ///   (false: a fold that only judges, whose histories hold timelines alone).
    /// - Throws: `LedgerError` for a broken rule (not necessarily the first in order: the whole
    ///   fold says which).
    public static func fold(
        _ events: ArraySlice<SequencedEvent>,
        reversed: Set<Int>,
        part: Int,
        of parts: Int,
        notes: Bool = true,
        histories: Bool = true
    ) throws(LedgerError) -> MembershipFold {
        var fold = MembershipFold()
        fold.defersRecommendations = true
        fold.keepsNotes = notes
        fold.keepsHistories = histories
        let (shared, groups) = grouped(events, reversed: reversed, part: part, of: parts)
        let base = events.startIndex
        // The rounds' lists as sets, once (R20 asks every company whether a round included it).
        var included: [Set<CompanyID>?] = []
        for key in shared {
            let item = events[base + position(key)]
            guard case .indexRoundRecorded(let round, let list) = item.event.body else {
                included.append(nil)
                continue
            }
            try fold.checkRound(round, on: item.event.on, seq: item.seq)
            included.append(Set(parts == 1 ? list : list.filter { MembershipFold.part(of: $0, parts) == part }))
        }
        try events.withUnsafeBufferPointer { (buffer) throws(LedgerError) in
            let all = groups.positions
            for g in groups.starts.indices.dropLast() {
                let company = buffer[Int(all[groups.starts[g]])].event.company!
                fold.schedule = nil
                fold.focus = nil
                var next = 0
                func applyShared(through key: UInt64) {
                    while next < shared.count, shared[next] < key {
                        fold.applyShared(buffer[position(shared[next])], included: included[next], to: company)
                        next += 1
                    }
                }
                for i in groups.starts[g]..<groups.starts[g + 1] {
                    // A company's events lie all over the log: each would be a wait for memory.
                    if i + prefetchDistance < all.count {
                        prefetch(buffer.baseAddress! + Int(all[i + prefetchDistance]))
                    }
                    let item = buffer[Int(all[i])]
                    applyShared(through: orderKey(item.event.on, Int(all[i])))
                    fold.runTriggers(through: item.event.on)
                    fold.point = orderKey(item.event.on, item.seq)
                    try fold.apply(item)
                    if fold.focus == nil {
                        fold.focus = fold.index[company].map { (company, $0) }
                        if let ci = fold.focus?.index { fold.reserve(ci, for: groups.counts[g]) }
                    }
                }
                applyShared(through: .max)
                fold.runTriggers(through: Day(ordinal: Int.max / 2))
                // Only this company's payments could repeat its references (R16): the memory goes
                // to the next company's, not to fresh pages. So do its requests and profiles when
                // the fold only judges: no later company's events read them.
                if let ci = fold.focus?.index {
                    fold.companies[ci].references = []
                    if !fold.keepsHistories {
                        fold.companies[ci].history.requests = []
                        fold.companies[ci].history.profiles = []
                    }
                }
            }
        }
        fold.focus = nil
        return fold
    }

    /// How many events ahead a fold by company asks for an event's memory.
    static let prefetchDistance = 4

    /// How many events ahead grouping asks for the numbering's slot of an event's company.
    static let numberingDistance = 8

    /// Asks for an event's bytes (the lines it spans) to be brought into the cache.
    static func prefetch(_ event: UnsafePointer<SequencedEvent>) {
        let bytes = UnsafeRawPointer(event)
        ledger_prefetch(bytes)
        ledger_prefetch(bytes + MemoryLayout<SequencedEvent>.size - 1)
    }

    /// The position (from the start of the events) a key of `grouped`'s shared events stands for.
    @inline(__always)
    static func position(_ key: UInt64) -> Int { Int(key & 0xFFFF_FFFF) }

    /// What grouping learned of one company's events: how many there are, how many add to each
    /// of its growing lists, and whether they are in date order as they are in seq order.
    struct CompanyEvents {
        var count: Int32 = 0
        var requests: Int32 = 0
        var profiles: Int32 = 0
        var payments: Int32 = 0
        /// The latest date among them so far.
        var latestDay = Int32.min
        /// Whether one is dated before an earlier seq of the company (a backdated entry).
        var isBackdated = false
    }

    /// Makes room in company `ci`'s lists for what its events will add, so that they are
    /// allocated once, at their size, not grown by doubling (a fold of a whole ledger holds them all).
    mutating func reserve(_ ci: Int, for counts: CompanyEvents) {
        companies[ci].history.requests.reserveCapacity(Int(counts.requests))
        companies[ci].history.profiles.reserveCapacity(Int(counts.profiles))
        companies[ci].references.reserveCapacity(Int(counts.payments))
    }

    /// The events every company shares, as `orderKey`s of (date, position), and the positions of
    /// those of the part's companies, grouped by company; each in the order the fold applies them
    /// (R4, R5), without reversed events and reversals (`reversed`); with what was learned of
    /// each group's events.
    ///
    /// A counting sort of the events in seq order, stable: a company's events stay in seq order,
    /// so only a company with a backdated event has its few positions sorted, never the whole log.
    static func grouped(
        _ events: ArraySlice<SequencedEvent>,
        reversed: Set<Int>,
        part: Int,
        of parts: Int
    ) -> (shared: [UInt64], groups: (positions: [UInt32], starts: [Int], counts: [CompanyEvents])) {
        precondition(events.count < 1 << 32, "a fold holds fewer than 2^32 events")
        var shared: [UInt64] = []
        var numbers = CompanyNumbering()
        var counts: [CompanyEvents] = []
        // Four bytes each for position and company: at hongkong a part holds ten million of them.
        var mine: [(position: UInt32, company: Int32)] = []
        mine.reserveCapacity(events.count / parts + 1)
        let leftOut = LeftOutEvents(events, reversed: reversed)
        events.withUnsafeBufferPointer { buffer in
            // Fields read in place: a copy of each event would retain and release its payload.
            for position in buffer.indices {
                if position + numberingDistance < buffer.count,
                    let ahead = buffer[position + numberingDistance].event.company
                {
                    numbers.prefetch(hash: ahead.fnv1a)
                }
                let type = buffer[position].event.type
                if leftOut.contains(position, type: type) { continue }
                let day = Int32(truncatingIfNeeded: buffer[position].event.on.ordinal)
                guard let company = buffer[position].event.company else {
                    shared.append(orderKey(dayOrdinal: day, position))
                    continue
                }
                let hash = company.fnv1a
                guard parts == 1 || MembershipFold.part(ofHash: hash, parts) == part else { continue }
                let number = Int(numbers.number(of: company, hash: hash))
                if number == counts.count { counts.append(CompanyEvents()) }
                counts[number].count += 1
                if day < counts[number].latestDay { counts[number].isBackdated = true }
                counts[number].latestDay = max(counts[number].latestDay, day)
                switch type {
                case .feeRequested: counts[number].requests += 1
                case .feePaid: counts[number].payments += 1
                case .applicationFiled, .profileUpdated: counts[number].profiles += 1
                default: break
                }
                mine.append((UInt32(position), Int32(number)))
            }
        }
        shared.sort()
        var starts = [0]
        starts.reserveCapacity(counts.count + 1)
        for company in counts { starts.append(starts.last! + Int(company.count)) }
        var next = starts
        var positions = [UInt32](repeating: 0, count: mine.count)
        for item in mine {
            let company = Int(item.company)
            positions[next[company]] = item.position
            next[company] += 1
        }
        for company in counts.indices where counts[company].isBackdated {
            positions[starts[company]..<starts[company + 1]].sort {
                orderKey(events[events.startIndex + Int($0)].event.on, Int($0))
                    < orderKey(events[events.startIndex + Int($1)].event.on, Int($1))
            }
        }
        return (shared, (positions, starts, counts))
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
