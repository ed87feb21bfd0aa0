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
        try events.withUnsafeBufferPointer { (buffer) throws(LedgerError) in
            let (shared, groups) = grouped(buffer, reversed: reversed, part: part, of: parts)
            let all = groups.positions
            return try fold(
                companies: (groups.starts, groups.counts, groups.included),
                shared: shared.map { buffer[position($0)] },
                notes: notes,
                histories: histories
            ) { i in
                // A company's events lie all over the log: each would be a wait for memory.
                if i + prefetchDistance < all.count {
                    prefetch(buffer.baseAddress! + Int(all[i + prefetchDistance]))
                }
                return buffer[Int(all[i])]
            }
        }
    }

    /// The fold of one part's companies, one company at a time: company `g`'s events are
    /// `event(i)` for `i` in `companies.starts[g]..<companies.starts[g + 1]`, asked for once each,
    /// in that order, which is the order the fold applies them.
    /// - Parameter shared: the events every company shares, in the order the fold applies them.
    /// - Parameter companies: where each company's events start, what grouping learned of them,
    ///   and for each shared event that is an index round, the numbers of the companies it
    ///   included, in order (`grouped`).
    /// - Parameter numbered: the companies folded, by number (nil: all of them).
    /// - Parameter companyDone: called after each company with the end of the indices it asked for.
    static func fold(
        companies: (starts: [Int], counts: [CompanyEvents], included: [[Int32]?]),
        numbered: Range<Int>? = nil,
        shared: [SequencedEvent],
        notes: Bool,
        histories: Bool,
        event: (Int) -> SequencedEvent,
        companyDone: (Int) -> Void = { _ in }
    ) throws(LedgerError) -> MembershipFold {
        var fold = MembershipFold()
        // Room for every company of the part at once: grown by doubling, the company states were
        // copied into fresh pages at every step, and the index rehashed.
        let numbered = numbered ?? companies.counts.indices
        fold.companies.reserveCapacity(numbered.count)
        fold.index.reserveCapacity(numbered.count)
        fold.defersRecommendations = true
        fold.keepsNotes = notes
        fold.keepsHistories = histories
        for item in shared {
            guard case .indexRoundRecorded(let round, _) = item.event.body else { continue }
            try fold.checkRound(round, on: item.event.on, seq: item.seq)
        }
        // R20 asks every company whether each round included it. Companies are folded in the
        // order of their numbers, and each round's are listed in that order: a cursor per round
        // answers with a comparison (a set of ids per round hashed each company's id with SipHash).
        var cursors = [Int](repeating: 0, count: shared.count)
        // What each shared event does, copied out once: the events themselves, passed company
        // after company, retained and released each round's list on every core at once (a sixth
        // of a `hongkong` fold's time).
        let steps = shared.map(SharedStep.init)
        for g in numbered {
            fold.schedule = nil
            fold.focus = nil
            var next = 0
            var current: CompanyID?
            // Whether a round has included the company yet (R11 reads it): once is enough to file.
            var wasIncluded = false
            func applyShared(to company: CompanyID) {
                var includes: Bool?
                if let members = companies.included[next] {
                    var c = cursors[next]
                    while c < members.count && Int(members[c]) < g { c += 1 }
                    cursors[next] = c
                    includes = c < members.count && Int(members[c]) == g
                }
                if includes == true && !wasIncluded {
                    fold.everIncluded.insert(company)
                    wasIncluded = true
                }
                fold.applyShared(steps[next], includes: includes, to: company)
                next += 1
            }
            fold.expected = companies.counts[g]
            defer { fold.expected = nil }
            for i in companies.starts[g]..<companies.starts[g + 1] {
                let item = event(i)
                let company = item.event.company!
                current = company
                while next < steps.count, steps[next].key < orderKey(item.event.on, item.seq) {
                    applyShared(to: company)
                }
                fold.runTriggers(through: item.event.on)
                fold.point = orderKey(item.event.on, item.seq)
                try fold.apply(item)
                if fold.focus == nil { fold.focus = fold.index[company].map { (company, $0) } }
            }
            if let company = current {
                while next < steps.count { applyShared(to: company) }
            }
            fold.runTriggers(through: Day(ordinal: Int.max / 2))
            // Only this company's payments could repeat its references (R16): the memory goes
            // to the next company's, not to fresh pages. So do its requests and profiles when
            // the fold only judges: no later company's events read them.
            if let ci = fold.focus?.index {
                fold.companies[ci].references = PaymentReferences()
                if !fold.keepsHistories {
                    fold.companies[ci].history.requests = []
                    fold.companies[ci].history.profiles = []
                }
            }
            companyDone(companies.starts[g + 1])
        }
        fold.focus = nil
        return fold
    }

    /// How many events ahead a fold by company asks for an event's memory.
    static let prefetchDistance = 4

    /// How many events ahead grouping asks for the numbering's slot of an event's company.
    static let numberingDistance = 8

    /// How many events behind numbering grouping counts an event, and how far ahead it places one.
    static let countingDistance = 8

    /// An event grouping has numbered and not yet counted.
    struct Counted {
        var number: Int32 = 0
        var day: Int32 = 0
        var type = EventType.memberResigned
    }

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
        /// How many change the company's status or class by themselves (a filing, an admission,
        /// a rejection, a class change, a resignation).
        var changes: Int32 = 0
        /// The latest date among them so far.
        var latestDay = Int32.min
        /// Whether one is dated before an earlier seq of the company (a backdated entry).
        var isBackdated = false

        /// Counts one more event, of `type`, on `day`.
        mutating func add(_ type: EventType, on day: Day) {
            add(type, dayOrdinal: Int32(truncatingIfNeeded: day.ordinal))
        }

        /// Counts one more event, of `type`, on the day of ordinal `day`.
        @inline(__always)
        mutating func add(_ type: EventType, dayOrdinal day: Int32) {
            count += 1
            if day < latestDay { isBackdated = true }
            latestDay = max(latestDay, day)
            switch type {
            case .feeRequested: requests += 1
            case .feePaid: payments += 1
            case .applicationFiled:
                profiles += 1
                changes += 1
            case .profileUpdated: profiles += 1
            case .membershipApproved, .applicationRejected, .classChanged, .memberResigned: changes += 1
            default: break
            }
        }
    }

    /// Makes room in company `ci`'s lists for what its events will add, so that they are
    /// allocated once, at their size, not grown by doubling (a fold of a whole ledger holds them all).
    mutating func reserve(_ ci: Int, for counts: CompanyEvents) {
        companies[ci].history.requests.reserveCapacity(Int(counts.requests))
        companies[ci].history.profiles.reserveCapacity(Int(counts.profiles))
        companies[ci].references.reserveCapacity(Int(counts.payments))
        // The changes its events make, and one more: a void (R17, R20) comes of no event of its
        // own. (Grown by doubling, the timelines of `hongkong` held 2.24 million changes' room
        // for 1.66 million, each company's lists allocated and copied three or four times.)
        companies[ci].history.timeline.reserveCapacity(Int(counts.changes) + 1)
        companies[ci].changedAt.reserveCapacity(Int(counts.changes) + 1)
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
    ) -> (
        shared: [UInt64], groups: (positions: [UInt32], starts: [Int], counts: [CompanyEvents], included: [[Int32]?])
    ) {
        events.withUnsafeBufferPointer { grouped($0, reversed: reversed, part: part, of: parts) }
    }

    /// `grouped` of events held in a buffer.
    static func grouped(
        _ events: UnsafeBufferPointer<SequencedEvent>,
        reversed: Set<Int>,
        part: Int,
        of parts: Int
    ) -> (
        shared: [UInt64], groups: (positions: [UInt32], starts: [Int], counts: [CompanyEvents], included: [[Int32]?])
    ) {
        precondition(events.count < 1 << 32, "a fold holds fewer than 2^32 events")
        var shared: [UInt64] = []
        var numbers = CompanyNumbering()
        var counts: [CompanyEvents] = []
        // The part's events' company numbers, in seq order, and which positions they stand at, a
        // bit each: 4 bytes an event and 1 bit a position instead of a (position, number) pair's
        // 8 (at hongkong, on one core, 77 MiB less held where a replay nears its peak).
        var owners: [Int32] = []
        owners.reserveCapacity(events.count / parts + 1)
        var member = PositionBits(count: events.count)
        let leftOut = LeftOutEvents(events, reversed: reversed)
        // An event is counted `countingDistance` events after its company's number is known, its
        // company's counts asked for meanwhile: counted at once, each waited for memory (half
        // of grouping's time at hongkong). In seq order still, so a company's backdating is seen.
        var waiting = [Counted](repeating: Counted(), count: countingDistance)
        var numbered = 0
        func count(_ item: Counted) { counts[Int(item.number)].add(item.type, dayOrdinal: item.day) }
        do {
            let buffer = events
            // Each company's hash, computed once when the event comes into view ahead of the one
            // being grouped (to prefetch its numbering slot), is kept until it is reached.
            var hashes = (0..<numberingDistance).map { $0 < buffer.count ? buffer[$0].event.company?.hash64 ?? 0 : 0 }
            // Fields read in place: a copy of each event would retain and release its payload.
            for position in buffer.indices {
                let hash = hashes[position % numberingDistance]
                if position + numberingDistance < buffer.count {
                    let ahead = buffer[position + numberingDistance].event.company?.hash64 ?? 0
                    hashes[position % numberingDistance] = ahead
                    if parts == 1 || MembershipFold.part(ofHash: ahead, parts) == part { numbers.prefetch(hash: ahead) }
                }
                let type = buffer[position].event.type
                if leftOut.contains(position, type: type) { continue }
                let day = Int32(truncatingIfNeeded: buffer[position].event.on.ordinal)
                guard let company = buffer[position].event.company else {
                    shared.append(orderKey(dayOrdinal: day, position))
                    continue
                }
                guard parts == 1 || MembershipFold.part(ofHash: hash, parts) == part else { continue }
                let number = numbers.number(of: company, hash: hash)
                if number == counts.count { counts.append(CompanyEvents()) }
                counts.withUnsafeBufferPointer { ledger_prefetch($0.baseAddress! + Int(number)) }
                let slot = numbered % countingDistance
                if numbered >= countingDistance { count(waiting[slot]) }
                waiting[slot] = Counted(number: number, day: day, type: type)
                numbered += 1
                owners.append(number)
                member.insert(position)
            }
            for k in max(numbered - countingDistance, 0)..<numbered { count(waiting[k % countingDistance]) }
        }
        shared.sort()
        // Each round's companies of this part by number, in order (those with no events here
        // are not folded here).
        let numbering = numbers
        let included = shared.map { MembershipFold.numbers(ofRound: events[position($0)].event.body, in: numbering) }
        var starts = [0]
        starts.reserveCapacity(counts.count + 1)
        for company in counts { starts.append(starts.last! + Int(company.count)) }
        var next = starts
        var positions = [UInt32](repeating: 0, count: owners.count)
        // Each company's next place is asked for two distances ahead, and the place itself one
        // distance ahead (both are read at random: a scatter that waited for each was a fifth
        // of grouping's time).
        next.withUnsafeMutableBufferPointer { next in
            positions.withUnsafeMutableBufferPointer { positions in
                owners.withUnsafeBufferPointer { owners in
                    // The part's `i`th event stands at the position of the `i`th bit set.
                    var i = 0
                    for (w, word) in member.words.enumerated() {
                        var bits = word
                        while bits != 0 {
                            let position = w << 6 | bits.trailingZeroBitCount
                            bits &= bits - 1
                            if i + 2 * countingDistance < owners.count {
                                ledger_prefetch(next.baseAddress! + Int(owners[i + 2 * countingDistance]))
                            }
                            if i + countingDistance < owners.count {
                                ledger_prefetch(positions.baseAddress! + next[Int(owners[i + countingDistance])])
                            }
                            let company = Int(owners[i])
                            positions[next[company]] = UInt32(position)
                            next[company] += 1
                            i += 1
                        }
                    }
                }
            }
        }
        for company in counts.indices where counts[company].isBackdated {
            positions[starts[company]..<starts[company + 1]].sort {
                orderKey(events[Int($0)].event.on, Int($0)) < orderKey(events[Int($1)].event.on, Int($1))
            }
        }
        return (shared, (positions, starts, counts, included))
    }

    /// A schedule or an index round as `applyShared` reads it, in plain values.
    struct SharedStep {
        /// Its place in the fold's order (`orderKey`).
        var key: UInt64
        var on: Day
        var seq: Int
        var schedule: (full: Cents, affiliate: Cents)?
        /// A round's label.
        var round: String?

        init(_ item: SequencedEvent) {
            key = orderKey(item.event.on, item.seq)
            on = item.event.on
            seq = item.seq
            switch item.event.body {
            case .feeScheduleSet(let full, let affiliate): schedule = (full, affiliate)
            case .indexRoundRecorded(let label, _): round = label
            default: break
            }
        }
    }

    /// A schedule or an index round as it bears on one company (R13, R20, R21).
    /// - Parameter includes: for a round, whether it included the company (nil: the round is
    ///   not this part's to count).
    mutating func applyShared(_ step: SharedStep, includes: Bool?, to company: CompanyID) {
        runTriggers(through: step.on)
        point = step.key
        if let schedule = step.schedule { self.schedule = schedule }
        guard let round = step.round, let includes else { return }
        // Before its first event a company has no state here: each company is folded once, alone.
        if let ci = focus?.index {
            countRound(ci, round, includes: includes, on: step.on, seq: step.seq)
        }
    }
}
