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
    /// - Parameter order: `order(events)`, computed once for every part.
    /// - Throws: `LedgerError` for a broken rule (not necessarily the first in order: the whole
    ///   fold says which).
    public static func fold(
        _ events: ArraySlice<SequencedEvent>,
        order: [Int],
        part: Int,
        of parts: Int
    ) throws(LedgerError) -> MembershipFold {
        var fold = MembershipFold()
        fold.defersRecommendations = true
        let (shared, groups) = grouped(events, order: order, part: part, of: parts)
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
            let all = groups.positions
            for g in groups.starts.indices.dropLast() {
                let company = buffer[Int(all[groups.starts[g]]) - base].event.company!
                fold.schedule = nil
                fold.focus = nil
                var next = 0
                func applyShared(through key: UInt64) {
                    while next < shared.count, sharedKeys[next] < key {
                        fold.applyShared(buffer[shared[next] - base], included: included[next], to: company)
                        next += 1
                    }
                }
                for i in groups.starts[g]..<groups.starts[g + 1] {
                    // A company's events lie all over the log: each would be a wait for memory.
                    if i + prefetchDistance < all.count {
                        prefetch(buffer.baseAddress! + (Int(all[i + prefetchDistance]) - base))
                    }
                    let item = buffer[Int(all[i]) - base]
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

    /// Asks for an event's bytes (the lines it spans) to be brought into the cache.
    static func prefetch(_ event: UnsafePointer<SequencedEvent>) {
        let bytes = UnsafeRawPointer(event)
        ledger_prefetch(bytes)
        ledger_prefetch(bytes + MemoryLayout<SequencedEvent>.size - 1)
    }

    /// The positions (of `order`) of the events every company shares, and those of the part's
    /// companies grouped by company, each group in order: a counting sort, stable.
    static func grouped(
        _ events: ArraySlice<SequencedEvent>,
        order: [Int],
        part: Int,
        of parts: Int
    ) -> (shared: [Int], groups: (positions: [UInt32], starts: [Int])) {
        var shared: [Int] = []
        var numbers = CompanyNumbering()
        var counts: [Int] = []
        var mine: [(position: UInt32, company: Int32)] = []
        mine.reserveCapacity(order.count / parts + 1)
        for position in order {
            guard let company = events[position].event.company else {
                shared.append(position)
                continue
            }
            let hash = company.fnv1a
            guard parts == 1 || MembershipFold.part(ofHash: hash, parts) == part else { continue }
            let number = numbers.number(of: company, hash: hash)
            if Int(number) == counts.count { counts.append(0) }
            counts[Int(number)] += 1
            mine.append((UInt32(position), number))
        }
        var starts = [0]
        starts.reserveCapacity(counts.count + 1)
        for count in counts { starts.append(starts.last! + count) }
        var next = starts
        var positions = [UInt32](repeating: 0, count: mine.count)
        for item in mine {
            positions[next[Int(item.company)]] = item.position
            next[Int(item.company)] += 1
        }
        return (shared, (positions, starts))
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
