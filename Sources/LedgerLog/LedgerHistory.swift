import LedgerCore

/// A ledger's events as replay needs them, decoded by the fast decoder (the general one when a
/// line is not in the ledger's own form): what every view, append and projection folds. Held as
/// parallel arrays, so the fold takes `events` as it is, with no copy.
public struct LedgerHistory: Sendable {
    /// Every event in seq order: seq `s` at index `s - 1`.
    public private(set) var events: [SequencedEvent] = []
    /// When each event was recorded (R2), by the same index.
    public private(set) var recorded = RecordedInstants()
    /// Each event's id, by the same index, when loaded `withIDs` (else empty).
    public private(set) var ids: [EventID] = []
    /// The SHA-256 (raw) of the last line of every commit, by the commit's last seq.
    public var commitHashes: [Int: [UInt8]] = [:]
    /// Where the reversals are among `events` (their seqs - 1), in order: what a fold reads
    /// first (R26), found as they were decoded instead of by a pass over every event.
    private(set) var reversals: [Int] = []

    /// An empty history.
    public init() {}

    /// Room for every event of a log of `logBytes`, by a guess on the generous side: a sealed
    /// event takes about 105 bytes of log, an unsealed one more, and 40 is fewer than either.
    static func capacity(logBytes: Int) -> Int { logBytes / 40 + 16 }

    /// How many events the log holds: the seq of the last.
    public private(set) var count = 0

    /// Reads and decodes every stored record, in seq order, a segment's commits on every core,
    /// each event straight into its place (seq - 1) in the arrays the history keeps.
    /// - Parameters:
    ///   - withIDs: also keep every event's id (16 bytes an event, which only an append without
    ///     its index reads).
    ///   - progress: called after each segment with (log bytes read, log bytes in all).
    /// - Throws: `LogError` when the log is damaged or a stored line is not a valid record.
    public static func load(
        _ directory: LedgerDirectory,
        withIDs: Bool = false,
        progress: ((Int, Int) -> Void)? = nil
    ) throws
        -> LedgerHistory
    {
        try load(directory, withIDs: withIDs, progress: progress, consume: nil, stopAfter: nil)
    }

    /// `load(_:capacity:…)` with room for every event, from a guess that grows until it fits.
    /// - Parameter room: how many slots `consume` needs after the events (see `Consumer`).
    static func load(
        _ directory: LedgerDirectory,
        withIDs: Bool,
        progress: ((Int, Int) -> Void)?,
        room: Int = 0,
        consume: Consumer?,
        window: Int? = LedgerHistory.window,
        stopAfter: Instant?,
        keeping selection: KeptEvents.Selection? = nil,
        through: Int? = nil
    ) throws -> LedgerHistory {
        var capacity = capacity(logBytes: try directory.logBytes()) + room
        while true {
            let read = try load(
                directory,
                capacity: capacity,
                withIDs: withIDs,
                progress: progress,
                room: room,
                consume: consume,
                window: window,
                stopAfter: stopAfter,
                keeping: selection,
                through: through
            )
            if let history = read { return history }
            // A log whose events pack tighter than the guess: read again, with more room.
            capacity *= 4
        }
    }

    /// What a load hands the events to once all are read: the recorded instants, where the
    /// reversals are (`reversals`), the events, and the uninitialized slots after them (at least
    /// the `room` asked for). True when it used the events up (deinitialized every one, and every
    /// slot of the room it initialized), and the history keeps none.
    typealias Consumer = (
        RecordedInstants, [Int], UnsafeMutableBufferPointer<SequencedEvent>, UnsafeMutableBufferPointer<SequencedEvent>
    ) -> Bool

    /// `load` into arrays of `capacity` events; nil when the log holds more than `capacity` -
    /// `room` (the segments after the first that does not fit are still read and checked, not decoded).
    /// - Parameter consume: see `Consumer`.
    /// - Parameter pieceBytes: how much of a commit's lines one task decodes (`CommitPiece`).
    /// - Parameter window: how many bytes of a segment's frames are read and decompressed at a time.
    /// - Parameter stopAfter: stop reading after the first window of a segment that holds an event
    ///   recorded after this instant (the history then holds the log up to the end of that window).
    /// - Parameter selection: when given, only the events it selects are kept, with those every
    ///   company shares (`KeptEvents`), packed in seq order, their places no longer seq - 1: for
    ///   a `consume` that folds them (the history's `count` is still the log's head; its recorded
    ///   instants are those of the lines decoded, of no use for a question known at an instant).
    /// - Parameter through: the last seq to read, the end of a commit (nil: the log's head).
    static func load(
        _ directory: LedgerDirectory,
        capacity: Int,
        withIDs: Bool,
        progress: ((Int, Int) -> Void)?,
        room: Int = 0,
        consume: Consumer? = nil,
        pieceBytes: Int = CommitPiece.bytes,
        window: Int? = LedgerHistory.window,
        stopAfter: Instant? = nil,
        keeping selection: KeptEvents.Selection? = nil,
        through: Int? = nil
    ) throws -> LedgerHistory? {
        precondition(
            selection == nil || (!withIDs && stopAfter == nil && consume != nil),
            "a load of some companies' events is consumed"
        )
        var history = LedgerHistory()
        var fits = true
        var kept = selection.map { KeptEvents($0, seqs: capacity) }
        let range = kept?.range
        defer { kept?.deallocate() }
        // The log's head: the seq of the last event read.
        var head = 0
        // Ids are plain values: slots left unwritten need no clearing on failure.
        history.ids = try [EventID](unsafeUninitializedCapacity: withIDs ? capacity : 0) { ids, idCount in
            history.events = try [SequencedEvent](unsafeUninitializedCapacity: capacity) { events, count in
                let whole = EventSlots(events: events, ids: withIDs ? ids : nil)
                do {
                    try LogReader(directory).forEachSegment(progress: progress, window: window) {
                        segment,
                        read in
                        // The commits up to `through`: a commit never straddles it, as it is a head.
                        let commits = through.map { end in read.filter { $0.trailer.lastSeq <= end } } ?? read
                        let passed = commits.count < read.count
                        guard fits, let last = commits.last else {
                            if passed { throw ReadEnough() }
                            return
                        }
                        guard kept?.holdsEvents == false || last.trailer.lastSeq + room <= capacity else {
                            fits = false
                            return
                        }
                        let slots = kept?.slots(for: commits[0].trailer.firstSeq..<(last.trailer.lastSeq + 1)) ?? whole
                        let pieces = CommitPiece.pieces(of: commits, bytes: pieceBytes)
                        let decoded = ParallelMap.map(pieces.count) { i in
                            Result {
                                try decode(
                                    pieces[i],
                                    of: commits[pieces[i].commit],
                                    segment: segment,
                                    into: slots,
                                    passingOver: range
                                )
                            }
                        }
                        var p = 0
                        for (k, commit) in commits.enumerated() {
                            // The commit's pieces: those from `p` on that name it (a segment of
                            // one-event appends holds thousands of commits: no scan to the end).
                            let own = p..<(pieces[p...].firstIndex { $0.commit != k } ?? pieces.endIndex)
                            var runs: [(start: Int, instant: Instant)] = []
                            var failure: (any Error)?
                            for q in own {
                                switch decoded[q] {
                                case .success(let read):
                                    runs += read.runs
                                    if kept == nil { history.reversals += read.reversals }
                                case .failure(let error): failure = failure ?? error
                                }
                            }
                            if let failure {
                                // The commits before it stay; it and those after it go, as far as decoded.
                                for q in p..<pieces.endIndex {
                                    if case .success = decoded[q] {
                                        slots.clear(from: pieces[q].seqs.lowerBound, upTo: pieces[q].seqs.upperBound)
                                    }
                                }
                                count = kept?.count ?? commit.trailer.firstSeq - 1
                                throw failure
                            }
                            p = own.upperBound
                            history.recorded.append(runs: runs, upTo: commit.trailer.lastSeq)
                            history.commitHashes[commit.trailer.lastSeq] = commit.trailer.lastHash
                            if kept != nil {
                                kept!.take(
                                    commit.trailer.firstSeq...commit.trailer.lastSeq,
                                    from: slots,
                                    to: events.baseAddress!
                                )
                                count = kept!.count
                            }
                        }
                        head = last.trailer.lastSeq
                        if kept == nil { count = head }
                        // Recorded instants never go backwards (R2): no later segment holds one known then.
                        if let stopAfter, let latest = history.recorded.last, latest > stopAfter { throw ReadEnough() }
                        if passed { throw ReadEnough() }
                    }
                } catch is ReadEnough {}
                if !fits {
                    events.baseAddress!.deinitialize(count: count)
                    count = 0
                }
                history.count = fits ? head : 0
                if fits, let consume,
                    consume(
                        history.recorded,
                        kept?.reversals ?? history.reversals,
                        UnsafeMutableBufferPointer(rebasing: events[..<count]),
                        UnsafeMutableBufferPointer(rebasing: events[count...])
                    )
                {
                    count = 0
                }
            }
            idCount = withIDs ? history.events.count : 0
        }
        return fits ? history : nil
    }

    /// How many bytes of frames a load reads and decompresses at a time: a sealed segment holds
    /// some 80 MB of frames (300 MB of lines), which held whole were a large replay's peak by
    /// that much again; a window of this size still gives every core several commits to decode.
    static let window = 16 << 20

    /// Thrown by a load's segment reader when the segments read hold every event known at the
    /// instant asked for.
    private struct ReadEnough: Error {}

    /// A log's fold, without its events.
    public struct Folded: Sendable {
        /// The fold of the events known at the instant asked for.
        public var fold: MembershipFold
        /// How many events were read: the seq of the last (the log's head, unless a fold as
        /// known at an instant stopped reading after the window that passes it).
        public var count: Int
        /// The hash (hex) of the last line read.
        public var headHash: String
    }

    /// Reads the stored records and folds those known at `instant`, as `load` then `fold` do,
    /// in less memory: a long history's events are used up as they are folded
    /// (`consumingFold`), so the replay's peak is near the larger of the events and the fold,
    /// not their sum. With an instant, the log after the window that passes it is not read:
    /// a question about what was known years ago reads those years.
    /// - Throws: `LogError` as `load` does; `LedgerError` for the first event, in (`on`, `seq`)
    ///   order, that breaks a rule (the log is then read again, for a fold in one piece).
    public static func loadFolded(
        _ directory: LedgerDirectory,
        knownAt instant: Instant? = nil,
        notes: Bool = true,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> Folded {
        try loadFolded(directory, knownAt: instant, notes: notes, progress: progress, consumingFrom: eventsForParts)
    }

    /// `loadFolded`, whose fold uses the events up when they are at least `consumingFrom`.
    static func loadFolded(
        _ directory: LedgerDirectory,
        knownAt instant: Instant?,
        notes: Bool,
        progress: ((Int, Int) -> Void)?,
        consumingFrom: Int
    ) throws -> Folded {
        // Set only by a read that fits (one that does not never reaches `consume`).
        var consumed: MembershipFold??
        let history = try load(
            directory,
            withIDs: false,
            progress: progress,
            consume: { recorded, reversals, events, _ in
                let known = instant.map { recorded.count(recordedAtOrBefore: $0) } ?? events.count
                guard known >= consumingFrom else { return false }
                (events.baseAddress! + known).deinitialize(count: events.count - known)
                consumed = consumingFold(
                    UnsafeMutableBufferPointer(rebasing: events[..<known]),
                    reversals: Array(reversals.prefix { $0 < known }),
                    notes: notes
                )
                return true
            },
            stopAfter: instant
        )
        switch consumed {
        case .none: return try history.folded(knownAt: instant, notes: notes)
        case .some(.some(let whole)): return history.folded(as: whole)
        // A broken rule: the fold in one piece names the first, from the log read again.
        case .some(.none): return try load(directory).folded(knownAt: instant, notes: notes)
        }
    }

    /// `loadFolded` of one range of the companies, with the events every company shares: a
    /// rebuild of a long log folds it a range at a time, so that it holds a part of the events
    /// and of their fold at once (`KeptEvents`). Every line of the log is still read and checked.
    /// The fold keeps its recommendations unjudged, as a recommender may be in another range:
    /// `RecommendationCheck` judges them once every range is folded (R10).
    /// - Parameter through: the last seq to read (nil: the log's head): the head the first
    ///   range's read found, so that every range folds the same log while appends go on.
    /// - Returns: nil when a rule is broken: a fold of the whole log in one piece names the first.
    /// - Throws: `LogError` as `load` does.
    public static func loadFolded(
        _ directory: LedgerDirectory,
        companies range: CompanyRange,
        through: Int? = nil,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> Folded? {
        var folded: MembershipFold?
        let history = try load(
            directory,
            withIDs: false,
            progress: progress,
            consume: { _, reversals, events, _ in
                // The load's buffers, freed, given back before the fold takes memory of its own:
                // kept, the heap held them beside the fold's state (some 40 MB at `hongkong`).
                HeapSettings.trimFreeHeap()
                folded = consumingFold(events, reversals: reversals, notes: false, judgesRecommendations: false)
                return true
            },
            window: rangeWindow,
            stopAfter: nil,
            keeping: .range(range),
            through: through
        )
        return folded.map(history.folded(as:))
    }

    /// What a fold of the log in ranges of companies did (`loadFolded(_:ranges:through:progress:each:)`).
    public enum RangesFolded: Hashable, Sendable {
        /// Every range's fold was handed over, and R10 holds across them.
        case all
        /// Stopped after `handed` ranges' folds were handed over: a range's fold found a broken
        /// rule, or read another log than the first range did, or R10 did not hold across ranges
        /// (`handed` is then every range). The fold in one piece names the first broken rule.
        case stopped(handed: Int)
    }

    /// Folds the log one range of companies after another, handing each range's fold to `each`
    /// before the next range is folded, and judges R10 across them once the last is folded
    /// (`RecommendationCheck`). The log is read once, through `through` (nil: its head), its
    /// events set aside by range in a temporary file (`EventSpill`); where none can be made, or
    /// written, each range reads the log again (`loadFolded(_:companies:through:)`), through the
    /// head the first range found, so that appends made meanwhile change nothing. The last
    /// range's fold is freed on another thread.
    /// - Parameter spillingIn: the directory of the temporary file (nil: none, every range reads
    ///   the log).
    /// - Parameter progress: called with (work done, work in all), in bytes of log: from one
    ///   read, the read and then each range folded as its share of the log again (a fold in
    ///   ranges spends about as long folding as reading); else every range's read in turn.
    /// - Throws: `LogError` as a load does; what `each` throws.
    public static func loadFolded(
        _ directory: LedgerDirectory,
        ranges: [CompanyRange],
        through: Int? = nil,
        spillingIn spillDirectory: String? = EventSpill.directory,
        progress: ((Int, Int) -> Void)? = nil,
        each: (Folded) throws -> Void
    ) throws -> RangesFolded {
        if ranges.count > 1, ranges.count <= EventSpill.maxRanges, let spillDirectory,
            let spill = EventSpill(ranges: ranges, in: spillDirectory),
            let folded = try loadFolded(directory, spill: spill, through: through, progress: progress, each: each)
        {
            return folded
        }
        var recommendations = RecommendationCheck()
        var head = through
        for (k, range) in ranges.enumerated() {
            // The blocks the range before freed, given back before this range's events take pages
            // (kept, the heap held them beside them, some 150 MB more at `hongkong`).
            if k > 0 { HeapSettings.trimFreeHeap() }
            let folded = try loadFolded(
                directory,
                companies: range,
                through: head,
                progress: progress.map { report in { read, all in report(k * all + read, ranges.count * all) } }
            )
            // A commit that straddles `through` (never, as an append records its lines at one
            // instant) would be left out: the fold in one piece reads it as it is.
            guard let folded, folded.count == head ?? folded.count else { return .stopped(handed: k) }
            head = folded.count
            if let stopped = try hand(folded, k, of: ranges.count, judging: &recommendations, to: each) {
                return stopped
            }
        }
        return .all
    }

    /// `loadFolded(_:ranges:through:spillingIn:progress:each:)` from one read of the log into
    /// `spill`; nil, with nothing handed, when the spill could not be written.
    static func loadFolded(
        _ directory: LedgerDirectory,
        spill: EventSpill,
        through: Int?,
        progress: ((Int, Int) -> Void)?,
        each: (Folded) throws -> Void
    ) throws -> RangesFolded? {
        // The log's bytes, counted twice: once read, once folded.
        var logBytes = 0
        let history = try load(
            directory,
            withIDs: false,
            progress: progress.map { report in
                { read, all in
                    logBytes = all
                    report(read, 2 * all)
                }
            },
            // The history holds no event: the spill has them all.
            consume: { _, _, _, _ in true },
            stopAfter: nil,
            keeping: .spill(spill),
            through: through
        )
        spill.finish()
        guard spill.failure == nil else { return nil }
        var recommendations = RecommendationCheck()
        for k in spill.ranges.indices {
            // The blocks freed before (the load's buffers, the range before's fold), given back
            // before this range's events and fold take pages.
            HeapSettings.trimFreeHeap()
            let events = try spill.take(range: k)
            let fold = consumingFold(events, reversals: spill.reversals[k], notes: false, judgesRecommendations: false)
            events.deallocate()
            guard let fold else { return .stopped(handed: k) }
            if let stopped = try hand(
                history.folded(as: fold),
                k,
                of: spill.ranges.count,
                judging: &recommendations,
                to: each
            ) {
                return stopped
            }
            progress?(logBytes + logBytes * (k + 1) / spill.ranges.count, 2 * logBytes)
        }
        return .all
    }

    /// Hands range `k`'s fold to `each`, with R10 judged across every range after the last
    /// (`.stopped` when it does not hold); the last range's fold is then freed while the caller
    /// goes on, or never, if the process exits first.
    private static func hand(
        _ folded: consuming Folded,
        _ k: Int,
        of count: Int,
        judging recommendations: inout RecommendationCheck,
        to each: (Folded) throws -> Void
    ) throws -> RangesFolded? {
        recommendations.add(folded.fold)
        try each(folded)
        guard k + 1 == count else { return nil }
        BackgroundRelease.release(folded)
        return recommendations.holds ? nil : .stopped(handed: count)
    }

    /// How many bytes of frames a load of one range of the companies reads and decompresses at a
    /// time: its decompressed lines are most of what such a load holds beside its events (at
    /// `hongkong`, an empty range's load peaked at 245 MiB with 16 MiB windows, 131 with 4), and
    /// each window is read on every core (a pass took 3.2 s with 16 MiB, 4.3 with 4).
    static let rangeWindow = 8 << 20

    /// Every company the log holds events of, each line read and checked as a load reads them.
    public static func companies(_ directory: LedgerDirectory) throws -> Set<CompanyID> {
        var named: Set<CompanyID> = []
        _ = try load(
            directory,
            withIDs: false,
            progress: nil,
            consume: { _, _, shared, _ in
                shared.deinitialize()
                return true
            },
            stopAfter: nil,
            keeping: .none { named.insert($0) }
        )
        return named
    }

    /// Folds the whole log with `fresh` after it, only to judge them (R5): a batch that names
    /// most companies, or concerns everyone. The fold keeps no histories or notes, and uses the
    /// events up as it goes (`consumingFold`), so that a year's fee requests onto a long history
    /// peak near a replay, not at the events and a whole fold beside them.
    /// - Parameter fresh: the batch's events, their seqs following the log's.
    /// - Returns: the fold (the amounts it filled in, R15), or nil when a rule does not hold:
    ///   the events are gone, and a fold in one piece of the log read again names the first.
    public static func judgingFold(
        _ directory: LedgerDirectory,
        appending fresh: [SequencedEvent]
    ) throws -> MembershipFold? {
        var judged: MembershipFold?
        _ = try load(
            directory,
            withIDs: false,
            progress: nil,
            room: fresh.count,
            consume: { _, reversals, events, room in
                _ = room.initialize(fromContentsOf: fresh)
                let whole = UnsafeMutableBufferPointer(start: events.baseAddress, count: events.count + fresh.count)
                if whole.count >= eventsForParts {
                    let freshReversals = fresh.indices.filter { fresh[$0].event.type == .eventReversed }
                    judged = consumingFold(
                        whole,
                        reversals: reversals + freshReversals.map { events.count + $0 },
                        notes: false,
                        histories: false
                    )
                } else {
                    judged = try? fold(ArraySlice(whole), notes: false, histories: false)
                    whole.deinitialize()
                }
                return true
            },
            stopAfter: nil
        )
        return judged
    }

    /// `fold(knownAt:notes:)` with what a `Folded` keeps of the history.
    public func folded(knownAt instant: Instant? = nil, notes: Bool = true) throws(LedgerError) -> Folded {
        folded(as: try fold(knownAt: instant, notes: notes))
    }

    /// `fold` with the history's count and head.
    func folded(as fold: MembershipFold) -> Folded {
        Folded(fold: fold, count: count, headHash: hash(atCommitEnding: count) ?? SHA256Hex.zero)
    }

    /// `fold` of `events` (a whole history in seq order, the events of a load), in parts by
    /// company, one per core, that use the events up as they fold them: the events are first
    /// put in the order the parts use them (`CompanyOrderedEvents`), and the pages of those
    /// used are given back as the fold goes on. Every event is deinitialized when it returns.
    /// - Returns: nil when a part finds a broken rule or a recommendation does not hold (R10):
    ///   the events are gone, and a fold in one piece must read them again to name the first.
    /// - Parameter reversals: the indexes of every reversal among `events`, in order, when the
    ///   load noted them (nil: every event is looked at).
    /// - Parameter histories: false for a fold that only judges (`fold(_:notes:histories:)`).
    /// - Parameter judgesRecommendations: false for a fold of one range of the companies
    ///   (`MembershipFold.merged(_:judgesRecommendations:)`).
    static func consumingFold(
        _ events: UnsafeMutableBufferPointer<SequencedEvent>,
        reversals: [Int]? = nil,
        notes: Bool,
        histories: Bool = true,
        judgesRecommendations: Bool = true,
        parts: Int = min(AvailableCores.count, 8),
        bucket: Int = CompanyOrderedEvents.bucketEvents
    ) -> MembershipFold? {
        let read = UnsafeBufferPointer(events)
        let found =
            if let reversals { try? MembershipFold.reversedSeqs(read, lookingAt: reversals) } else {
                try? MembershipFold.reversedSeqs(read)
            }
        guard let reversed = found else {
            events.baseAddress?.deinitialize(count: events.count)
            return nil
        }
        let ordered = CompanyOrderedEvents(inPlace: events, reversed: reversed, parts: parts, bucket: bucket) {
            _ = ParallelMap.map($0, $1)
        }
        // Each part's companies in runs that the cores take in turn, so that neither waits for the
        // other: a part folded whole on one thread ended 0.3–0.5 s after the other (measured when
        // the first thread's heap alone had 2 MiB pages).
        let runs = (0..<parts).flatMap { part in
            ordered.companyRuns(ofPart: part, tasks: parts > 1 ? runsPerPart : 1).map { (part, $0) }
        }
        let folds = ParallelMap.map(runs.count) { k in
            var next: UInt = 0
            return Result { () throws(LedgerError) in
                try MembershipFold.fold(
                    consuming: ordered,
                    part: runs[k].0,
                    companies: runs[k].1,
                    notes: notes,
                    histories: histories
                ) { used in HeapSettings.giveBack(UnsafeMutableRawBufferPointer(used), after: &next) }
            }
        }
        // Every event is used up: what each run kept (up to `releaseEvents` at its end, some
        // 60 MiB in all) goes back before the merge takes fresh pages for the companies.
        var next: UInt = 0
        HeapSettings.giveBack(UnsafeMutableRawBufferPointer(events), after: &next)
        return merged(folds, judgesRecommendations: judgesRecommendations)
    }

    /// How many runs of companies each part is folded in, when there are several parts.
    static let runsPerPart = 8

    /// The parts' folds as one (`MembershipFold.merged`), or nil when a part found a broken rule
    /// or a recommendation does not hold (R10): the fold in one piece then names the first.
    static func merged(
        _ parts: consuming [Result<MembershipFold, LedgerError>],
        judgesRecommendations: Bool = true
    ) -> MembershipFold? {
        // Taken out of `parts`, so that each fold's lists are held once and merged in place.
        var done: [MembershipFold] = []
        while let part = parts.popLast() {
            guard case .success(let fold) = part else { return nil }
            done.append(fold)
        }
        done.reverse()
        return MembershipFold.merged(consume done, judgesRecommendations: judgesRecommendations)
    }

    /// Where a load puts each event: the arrays' storage, by seq - `first` (the arrays the
    /// history keeps, by seq - 1, or a window's slots, `KeptEvents`).
    struct EventSlots: @unchecked Sendable {
        // Each commit's tasks write only their own seqs' slots.
        let events: UnsafeMutableBufferPointer<SequencedEvent>
        let ids: UnsafeMutableBufferPointer<EventID>?
        /// The seq whose slot is the first.
        var first = 1

        /// Puts an event, taken: its payload's references move into the slot (a copy retained
        /// and released them, 0.8% of a one-core replay).
        func put(_ event: consuming LoggedEvent) {
            ids?[event.seq - first] = event.id
            put(SequencedEvent(seq: event.seq, event: event.event))
        }

        /// Puts an event alone (its id kept elsewhere, or not at all).
        func put(_ event: SequencedEvent) { put(event, at: event.seq) }

        /// Puts `event` in the slot of `seq`.
        func put(_ event: SequencedEvent, at seq: Int) {
            (events.baseAddress! + (seq - first)).initialize(to: event)
        }

        /// Takes the event put at `seq` out of its slot, which is then uninitialized.
        func take(_ seq: Int) -> SequencedEvent {
            (events.baseAddress! + (seq - first)).move()
        }

        /// Maps the pages of the slots of `seqs` (fresh memory) in one call, before they are
        /// put: faulted in one at a time as the decoder reached them, they cost a trap each
        /// (the kernel's share of a one-core `hongkong` replay 7.1% → 5.6%).
        func prepare(_ seqs: Range<Int>) {
            guard let base = events.baseAddress, !seqs.isEmpty else { return }
            HeapSettings.populate(
                UnsafeMutableRawBufferPointer(
                    start: base + (seqs.lowerBound - first),
                    count: seqs.count * MemoryLayout<SequencedEvent>.stride
                )
            )
        }

        /// Deinitializes the slots of seqs `first..<end`, all put.
        func clear(from seq: Int, upTo end: Int) {
            (events.baseAddress! + (seq - first)).deinitialize(count: end - seq)
        }
    }

    /// What decoding a piece of a commit found besides its events.
    struct PieceRead {
        /// Where the recorded instant changes in the piece: (index, instant) runs.
        var runs: [(start: Int, instant: Instant)] = []
        /// The indexes (seq - 1) of its reversals, in order.
        var reversals: [Int] = []
    }

    /// Decodes a piece of a commit's lines into their slots, each checked to hold the seq it
    /// stands at; on failure, the slots it had put are cleared.
    /// - Parameter range: when given, a line whose company comes first
    ///   (`StoredLineDecoder.companyBytes`) and is not in it is passed over, its slot given
    ///   `KeptEvents.passedOver()`.
    static func decode(
        _ piece: CommitPiece,
        of commit: Commit,
        segment: String,
        into slots: EventSlots,
        passingOver range: CompanyRange? = nil
    ) throws -> PieceRead {
        slots.prepare(piece.seqs)
        var seq = piece.seqs.lowerBound
        var read = PieceRead()
        var recent = StoredLineDecoder.RecentValues()
        func corrupt(_ reason: String) -> LogError {
            LogError(.corrupt, reason, file: segment, offset: commit.offset, seq: seq)
        }
        do {
            try piece.withLines(in: commit) { raw in
                // Each line read by the fast decoder from where it begins, which finds its end;
                // else found first, and read by the general decoder. Bytes after the last line
                // end are no line.
                var start = 0
                while start < raw.count {
                    if let range,
                        let company = StoredLineDecoder.companyBytes(
                            leading: UnsafeRawBufferPointer(rebasing: raw[start...])
                        ),
                        !range.contains(
                            utf8: UnsafeRawBufferPointer(
                                rebasing: raw[(start + company.lowerBound)..<(start + company.upperBound)]
                            )
                        )
                    {
                        guard let end = StoredLine.end(in: raw, from: start) else { break }
                        guard seq < piece.seqs.upperBound else {
                            throw corrupt("the commit holds more lines than its trailer says")
                        }
                        slots.put(KeptEvents.passedOver(), at: seq)
                        seq += 1
                        start = end + 1
                        continue
                    }
                    var length = 0
                    let event: LoggedEvent
                    if let fast = StoredLineDecoder.decode(
                        leading: UnsafeRawBufferPointer(rebasing: raw[start...]),
                        length: &length,
                        recent: &recent
                    ) {
                        event = fast
                    } else {
                        guard let end = StoredLine.end(in: raw, from: start) else { break }
                        length = end - start
                        do {
                            // The fast decoder has left it already: the general one alone.
                            event = try LedgerHistory.decodeInFull(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                        } catch {
                            throw corrupt("stored line is not a valid record: \(error)")
                        }
                    }
                    guard event.seq == seq else { throw corrupt("a stored line holds the wrong seq") }
                    // The scan checked the commit's lines against its trailer's seqs.
                    guard seq < piece.seqs.upperBound else {
                        throw corrupt("the commit holds more lines than its trailer says")
                    }
                    if event.recorded != read.runs.last?.instant { read.runs.append((seq - 1, event.recorded)) }
                    if event.event.type == .eventReversed { read.reversals.append(seq - 1) }
                    slots.put(event)
                    seq += 1
                    start += length + 1
                }
            }
            guard seq == piece.seqs.upperBound else {
                throw corrupt("the commit holds fewer lines than its trailer says")
            }
            return read
        } catch {
            slots.clear(from: piece.seqs.lowerBound, upTo: seq)
            throw error
        }
    }

    /// One stored line for replay: the fast decoder, else the general one.
    /// - Throws: `InputError` when the line is not a valid stored record.
    public static func decode(_ line: UnsafeRawBufferPointer) throws(InputError) -> LoggedEvent {
        var recent = StoredLineDecoder.RecentValues()
        return try decode(line, recent: &recent)
    }

    /// `decode(_:)` of one of many lines.
    /// - Parameter recent: the last `recorded` the fast decoder read (`StoredLineDecoder.decode`).
    public static func decode(
        _ line: UnsafeRawBufferPointer,
        recent: inout StoredLineDecoder.RecentValues
    ) throws(InputError) -> LoggedEvent {
        var prevOffset = 0
        if let event = StoredLineDecoder.decode(line, prevOffset: &prevOffset, recent: &recent) { return event }
        return try decodeInFull(line)
    }

    /// One stored line by the general decoder, which checks every format: for a line the fast
    /// decoder left.
    static func decodeInFull(_ line: UnsafeRawBufferPointer) throws(InputError) -> LoggedEvent {
        let record = try StoredRecord.decode(line: Array(line))
        // The general decoder has checked the id's stored form.
        return LoggedEvent(
            seq: record.seq,
            recorded: record.recorded,
            id: EventID(stored: record.id)!,
            event: record.event
        )
    }

    /// Stored lines (the append index's rows) decoded on every core, in order.
    /// - Throws: the first line's error, in order.
    public static func decode(lines: [[UInt8]]) throws -> [LoggedEvent] {
        try ParallelMap.tryMap(lines.count, chunk: 512) { i in try lines[i].withUnsafeBytes { try decode($0) } }
    }

    /// Every stored record in full (envelope, payload and bytes), decoded and checked by the
    /// general decoder: for the few places that need more than replay does.
    public static func storedRecords(
        _ directory: LedgerDirectory,
        seqs wanted: Set<Int>? = nil
    ) throws -> [StoredRecord] {
        var records: [StoredRecord] = []
        var seq = 0
        try LogReader(directory).forEachLine { line in
            seq += 1
            guard wanted?.contains(seq) ?? true else { return }
            records.append(try StoredRecord.decode(line: Array(line)))
        }
        return records
    }

    /// The hash (hex) of the line at `seq` when a commit ends there, else nil.
    public func hash(atCommitEnding seq: Int) -> String? {
        if seq == 0 { return SHA256Hex.zero }
        return commitHashes[seq].map(SHA256Hex.hex)
    }

    /// The events known at `instant` (R4): recorded at or before it. `recorded` never goes
    /// backwards (R2), so this is a prefix, found by bisection.
    public func known(at instant: Instant?) -> ArraySlice<SequencedEvent> {
        guard let instant else { return events[...] }
        return events[..<recorded.count(recordedAtOrBefore: instant)]
    }

    /// Below this many events one fold in one piece is as quick.
    static let eventsForParts = 20_000

    /// Folds the events known at `instant`.
    /// - Parameter notes: whether status changes keep their notes (only `explain` reads them).
    /// - Throws: `LedgerError` if the stored history breaks a rule (it never should: appends are checked).
    public func fold(knownAt instant: Instant? = nil, notes: Bool = true) throws(LedgerError) -> MembershipFold {
        try LedgerHistory.fold(known(at: instant), notes: notes)
    }

    /// Folds `events` (a whole history in seq order), exactly as `MembershipFold.fold` does.
    /// A long history is folded company by company, in parts by company, one per core
    /// (`MembershipFold.fold(_:reversed:part:of:)`). If a part finds a broken rule, or a
    /// recommendation does not hold, the whole fold runs again, to report the first broken rule
    /// in order.
    /// - Parameter histories: false for a fold that only judges (verify): in parts, companies
    ///   keep their timelines alone (`MembershipFold.fold(_:reversed:part:of:notes:histories:)`).
    /// - Throws: `LedgerError` for the first event, in (`on`, `seq`) order, that breaks a rule.
    public static func fold(
        _ events: ArraySlice<SequencedEvent>,
        notes: Bool = true,
        histories: Bool = true
    ) throws(LedgerError)
        -> MembershipFold
    {
        let parts = min(AvailableCores.count, 8)
        guard events.count >= LedgerHistory.eventsForParts else { return try MembershipFold.fold(events, notes: notes) }
        let reversed = try MembershipFold.reversedSeqs(events)
        let folds = ParallelMap.map(parts) { part in
            Result { () throws(LedgerError) in
                try MembershipFold.fold(
                    events,
                    reversed: reversed,
                    part: part,
                    of: parts,
                    notes: notes,
                    histories: histories
                )
            }
        }
        if let whole = merged(folds) { return whole }
        return try MembershipFold.fold(events, notes: notes)
    }
}
