/// The fold of RULES.md: applies events in (`on`, `seq`) order (R4, R5) to every company at once,
/// checking each rule as it goes, and produces every company's history.
///
/// One pass serves every as-of date: a status on date D depends only on events dated on or before D
/// and on due dates passed by D, so the timeline built from all events, read at D, is the fold of
/// the events up to D. Statuses that change with no event (R17, R18 `until`) come from triggers
/// evaluated at the start of their day, before that day's events.
public struct MembershipFold: Sendable {
    /// Companies by first appearance.
    var companies: [CompanyState] = []
    var index: [CompanyID: Int] = [:]
    /// Companies named in some index round so far, filed or not (R11, R21).
    var everIncluded: Set<CompanyID> = []
    var roundLabels: Set<String> = []
    var roundDays: Set<Day> = []
    /// The schedule in force: the latest `FeeScheduleSet` folded so far (R13).
    var schedule: (full: Cents, affiliate: Cents)?
    var triggers = TriggerQueue()
    /// The companies judged, when the fold holds only part of the history.
    var judged: Set<CompanyID>?
    /// Whether R10's recommender is judged after the fold, by `merged` (a fold by company meets a
    /// recommender before or after its own events, never beside them).
    var defersRecommendations = false
    /// Amounts the ledger filled in for `FeeRequested` events without one (R15), by seq.
    public internal(set) var filledAmounts: [Int: Cents] = [:]
    /// Where the fold stands in (`on`, `seq`) order (`orderKey`): each status change records it,
    /// so that a status can be read at any point of the order once the fold is done.
    var point: UInt64 = 0
    /// In a fold by company: the company being folded and its index, looked up once instead of
    /// at each of its events.
    var focus: (company: CompanyID, index: Int)?
    /// In a fold by company: what grouping counted of the company being folded, so that its
    /// first event makes its lists at their size (`reserve`), not grown by doubling.
    var expected: CompanyEvents?
    /// Whether each status change keeps its note for `explain`: a fold whose notes nobody reads
    /// (a rebuild, a verify, a view of statuses) makes none, a string each for millions of changes.
    var keepsNotes = true
    /// Whether a fold by company keeps each company's fee requests and profile versions once its
    /// events are folded. A fold that only judges (verify) drops them company by company, their
    /// memory going to the next company's, and keeps the timelines that R10 reads after it.
    var keepsHistories = true
    /// Each void reason made so far, so that the changes it voids share one string (a reason is
    /// longer than a string holds in place, and a period's or a round's voids are many).
    var reasonTexts: [String: String] = [:]
    /// In a fold by company: every recommendation, with its point; `merged` judges them (R10).
    var deferredRecommendations: [(point: UInt64, recommender: CompanyID)] = []

    /// The working state of one company during the fold.
    struct CompanyState {
        var history: CompanyHistory
        var status: MembershipStatus
        var memberClass: MemberClass
        var since: Day
        var reason: String?
        /// The open application: its filing seq and whether documents came for it (R9, R11).
        var openApplication: (seq: Int, hasDocuments: Bool)?
        /// The current term's number, nil when no term is running (RULES.md "Terms").
        var currentTerm: Int?
        var termCount = 0
        /// The current term's first membership year, and whether it pays half (R14: joined from
        /// October to March): worked out once at admission, where a fold asked at every request.
        var termFirstYear: (period: Period, halfYear: Bool)?
        /// Rounds missed in a row since joining or the last inclusion (R20).
        var missedRounds = 0
        /// The request whose non-payment made the membership void (R18 "by that request alone").
        var voidingRequest: Int?
        var references = PaymentReferences()
        var credit = Cents.zero
        var profile: Profile

        /// Where the current term's requests begin: a term's requests are made while it runs, so
        /// they are the last ones.
        var termFirstRequest = 0
        /// The fold's `point` at each change of `history.timeline`, by the same index.
        var changedAt: [UInt64] = []

        /// Every current-term request before this index is settled. A fold only ever adds money
        /// to a request, so a settled request stays settled: the scans for one with a balance
        /// (R16, R17) start here, not at the term's first request (a member of twenty years has
        /// twenty requests in its term, each scanned again at every due date and payment).
        var firstUnsettled = 0

        var currentRequests: Range<Int> {
            currentTerm == nil ? 0..<0 : termFirstRequest..<history.requests.count
        }

        /// The current term's requests from the first one not settled: those that can have a balance.
        var unsettledRequests: Range<Int> {
            currentTerm == nil ? 0..<0 : max(termFirstRequest, firstUnsettled)..<history.requests.count
        }

        /// Moves `firstUnsettled` past the settled requests it stands before (after money came).
        mutating func skipSettled() {
            let next = history.requests.withUnsafeBufferPointer { requests in
                var r = max(termFirstRequest, firstUnsettled)
                while r < requests.count, requests[r].balance <= .zero { r += 1 }
                return r
            }
            firstUnsettled = next
        }

        /// R22: the profile changed in place, and its version from `day` kept.
        mutating func updateProfile(_ change: ProfileChange, on day: Day) {
            change.apply(to: &profile)
            history.profiles.append(on: day, profile)
        }
    }

    public init() {}

    /// Folds a whole history.
    ///
    /// Reversed events and the reversals themselves are left out (R26), after checking that
    /// each reversal names an earlier, unreversed, non-reversal event.
    /// - Parameter through: evaluate time-driven changes up to this date (default: all of them).
    /// - Throws: `LedgerError` for the first event, in (`on`, `seq`) order, that breaks a rule.
    /// - Parameter judging: when the events are only part of the history (an append's companies,
    ///   and the companies their recommendations name or that name them), the companies whose
    ///   events are judged; a recommendation between two other companies is then taken as it was
    ///   judged when appended (R10 is the one rule that reads another company's history).
    /// - Parameter notes: whether status changes keep their notes (`StatusChange.note`).
    public static func fold(
        _ events: [SequencedEvent],
        through: Day? = nil,
        judging: Set<CompanyID>? = nil,
        notes: Bool = true
    ) throws(LedgerError) -> MembershipFold {
        try fold(events[...], through: through, judging: judging, notes: notes)
    }

    /// Folds a whole history held in part of an array (a replay's prefix known at an instant).
    public static func fold(
        _ events: ArraySlice<SequencedEvent>,
        through: Day? = nil,
        judging: Set<CompanyID>? = nil,
        notes: Bool = true
    ) throws(LedgerError) -> MembershipFold {
        guard events.indices.dropFirst().allSatisfy({ events[$0 - 1].seq < events[$0].seq }) else {
            return try fold(
                events.sorted { $0.seq < $1.seq }[...],
                through: through,
                judging: judging,
                notes: notes
            )
        }
        var fold = MembershipFold()
        fold.judged = judging
        fold.keepsNotes = notes
        try fold.apply(events, order: try order(events), through: through)
        return fold
    }

    /// The part (of `parts`) the events of a company whose `hash64` is `hash` fold in.
    static func part(ofHash hash: UInt64, _ parts: Int) -> Int { Int(hash % UInt64(parts)) }

    /// Folds over disjoint companies (`fold(_:reversed:part:of:)`) put together as one, or nil when
    /// a recommendation does not hold (R10): the whole fold then says which.
    /// - Parameter judgesRecommendations: false for a fold of one range of the companies among
    ///   several (a recommender may be in another): it keeps its recommendations, unjudged, for
    ///   `RecommendationCheck`.
    public static func merged(
        _ parts: consuming [MembershipFold],
        judgesRecommendations: Bool = true
    ) -> MembershipFold? {
        guard !parts.isEmpty else { return MembershipFold() }
        // Each company's state is moved, never copied: copies retained and released every list
        // the states hold (millions at `hongkong`, each a wait for memory), and part 0's were
        // copied twice (0.5 s of a `hongkong` replay; the moves take 0.12–0.40 s on two cores).
        // A fold in one part (one core) is whole as it is: its companies are not moved at all.
        if parts.count > 1 {
            let total = parts.reduce(0) { $0 + $1.companies.count }
            let kept = parts[0].companies.count
            let companies = [CompanyState](unsafeUninitializedCapacity: total) { states, count in
                for k in parts.indices {
                    let n = parts[k].companies.count
                    // Taken from the end, where taking one moves it out of its part's array.
                    for j in (0..<n).reversed() {
                        (states.baseAddress! + count + j).initialize(to: parts[k].companies.popLast()!)
                    }
                    // Its storage freed now, not with the parts, for what follows to use.
                    parts[k].companies = []
                    count += n
                }
            }
            // Part 0's companies keep their places; the others follow in part order.
            parts[0].index.reserveCapacity(total)
            for ci in kept..<total { parts[0].index[companies[ci].history.company] = ci }
            parts[0].companies = companies
        }
        var whole = parts.removeFirst()
        whole.defersRecommendations = false
        for k in parts.indices { whole.filledAmounts.merge(parts[k].filledAmounts) { first, _ in first } }
        whole.deferredRecommendations += parts.flatMap(\.deferredRecommendations)
        guard judgesRecommendations else { return whole }
        for recommendation in whole.deferredRecommendations
        where whole.status(of: recommendation.recommender, before: recommendation.point) != .active {
            return nil
        }
        whole.deferredRecommendations = []
        return whole
    }

    /// A company's status just before `point` of the fold's order, nil if it had not filed by then.
    func status(of company: CompanyID, before point: UInt64) -> MembershipStatus? {
        guard let ci = index[company] else { return nil }
        // Changes are recorded in order; recommendations are few, so the last ones are read first.
        guard let last = companies[ci].changedAt.lastIndex(where: { $0 < point }) else { return nil }
        return companies[ci].history.timeline[last].status
    }

    /// A point of the fold's order, (`on`, `seq`) packed to sort as they do (R4, R5).
    static func orderKey(_ day: Day, _ seq: Int) -> UInt64 {
        orderKey(dayOrdinal: Int32(truncatingIfNeeded: day.ordinal), seq)
    }

    /// `orderKey` of a day held as its ordinal.
    static func orderKey(dayOrdinal: Int32, _ seq: Int) -> UInt64 {
        UInt64(UInt32(bitPattern: dayOrdinal) ^ 0x8000_0000) << 32 | UInt64(seq)
    }

    /// The positions of `events` in the order the fold applies them: by (date, seq) (R4, R5),
    /// without reversed events and reversals, each reversal checked (R26).
    /// - Parameter events: in seq order, as a ledger holds them.
    public static func order(_ events: ArraySlice<SequencedEvent>) throws(LedgerError) -> [Int] {
        let reversed = try reversedSeqs(events)
        // Sort (date, seq) keys of positions, not events: events are large values.
        precondition(events.count < 1 << 32, "a fold holds fewer than 2^32 events")
        let leftOut = events.withUnsafeBufferPointer { LeftOutEvents($0, reversed: reversed) }
        var order: [UInt64] = []
        order.reserveCapacity(events.count)
        for i in events.indices where !leftOut.contains(i - events.startIndex, type: events[i].event.type) {
            // Positions follow seqs here, so (date, position) orders as (date, seq) does (R4, R5).
            order.append(orderKey(events[i].event.on, i - events.startIndex))
        }
        order.sort()
        return order.map { events.startIndex + Int($0 & 0xFFFF_FFFF) }
    }

    /// The seqs that reversals take out of the fold, each reversal checked: it names an earlier
    /// event, not a reversal, not reversed already (R26).
    /// - Parameter events: in seq order, as a ledger holds them.
    public static func reversedSeqs(_ events: ArraySlice<SequencedEvent>) throws(LedgerError) -> Set<Int> {
        try events.withUnsafeBufferPointer { (buffer) throws(LedgerError) in try reversedSeqs(buffer) }
    }

    /// `reversedSeqs` of events held in a buffer (a replay's, which a consuming fold uses up).
    public static func reversedSeqs(_ events: UnsafeBufferPointer<SequencedEvent>) throws(LedgerError) -> Set<Int> {
        try reversedSeqs(events, lookingAt: events.indices)
    }

    /// `reversedSeqs` of events held in a buffer, of which `positions` (in order) hold every
    /// reversal: a load that noted where it put its reversals spares a pass over every event
    /// (a third of this step at `hongkong`, before the fold's parts can start; the rest is the
    /// look-up of each target). Other events there are passed over.
    public static func reversedSeqs(
        _ events: UnsafeBufferPointer<SequencedEvent>,
        lookingAt positions: some Sequence<Int>
    ) throws(LedgerError) -> Set<Int> {
        assert(events.indices.dropFirst().allSatisfy { events[$0 - 1].seq < events[$0].seq }, "events in seq order")
        var reversed: Set<Int> = []
        // Types read in place: a copy of every event would retain and release its payload.
        for i in positions where events[i].event.type == .eventReversed {
            let item = events[i]
            guard case .eventReversed(let target, _) = item.event.body else { continue }
            // Found where its seq puts it, else by bisection; not a table by seq: an append folds
            // a few events of a long log.
            guard target < item.seq, target >= 1, let type = type(ofSeq: target, in: events) else {
                throw LedgerError(
                    "R26",
                    seq: item.seq,
                    "seq \(item.seq) reverses seq \(target), which is not an earlier entry"
                )
            }
            if type == .eventReversed {
                throw LedgerError(
                    "R26",
                    seq: item.seq,
                    "seq \(target) is a reversal, and a reversal cannot be reversed (append the event again instead)"
                )
            }
            if !reversed.insert(target).inserted {
                throw LedgerError("R26", seq: item.seq, "seq \(target) is already reversed")
            }
        }
        return reversed
    }

    /// The type of the event at `seq` among `events` (in seq order), nil if none is there.
    static func type(ofSeq seq: Int, in events: UnsafeBufferPointer<SequencedEvent>) -> EventType? {
        index(ofSeq: seq, in: events).map { events[$0].event.type }
    }

    /// The index of the event at `seq` among `events` (in seq order), nil if none is there.
    static func index(ofSeq seq: Int, in events: UnsafeBufferPointer<SequencedEvent>) -> Int? {
        // Where it stands when the seqs have no gaps (a ledger's history): one look, no search.
        if let first = events.first?.seq, seq >= first, seq - first < events.count, events[seq - first].seq == seq {
            return seq - first
        }
        let low = events.partitioningIndex { $0.seq >= seq }
        return low < events.endIndex && events[low].seq == seq ? low : nil
    }

    /// Applies `events` at `order`'s positions, with the time-driven changes between them.
    mutating func apply(_ events: ArraySlice<SequencedEvent>, order: [Int], through: Day?) throws(LedgerError) {
        for position in order {
            runTriggers(through: events[position].event.on)
            point = MembershipFold.orderKey(events[position].event.on, events[position].seq)
            try apply(events[position])
        }
        runTriggers(through: through ?? Day(ordinal: Int.max / 2))
    }

    /// Every company's history, by company id.
    public var histories: [CompanyHistory] { inCompanyOrder { $0 } }

    /// Calls `body` with each company's history, in no order, making no array of them.
    public func forEachHistory(_ body: (CompanyHistory) throws -> Void) rethrows {
        for k in companies.indices { try body(companies[k].history) }
    }

    /// What `transform` makes of each company's history, by company id, leaving out nils, with
    /// no array of the histories made first (the views' rows were made from `histories`, then a
    /// filter of it: each history copied twice, its lists retained and released, 3% of a view's
    /// main thread).
    public func inCompanyOrder<T>(_ transform: (CompanyHistory) throws -> T?) rethrows -> [T] {
        // The ids sorted, not the states: sorting the histories themselves moved each some twenty
        // times, a retain and a release of its lists at every move (2% of a one-core `hongkong`
        // replay).
        let ids = companies.map(\.history.company)
        return try ids.indices.sorted { ids[$0] < ids[$1] }.compactMap { try transform(companies[$0].history) }
    }

    /// How many companies have filed.
    public var companyCount: Int { companies.count }

    /// One company's history, if it has filed.
    public func history(of company: CompanyID) -> CompanyHistory? { index[company].map { companies[$0].history } }

    // MARK: - Status changes

    mutating func setStatus(
        _ ci: Int,
        _ status: MembershipStatus,
        on day: Day,
        memberClass: MemberClass? = nil,
        reason: String? = nil,
        rule: String,
        seq: Int,
        otherSeq: Int? = nil,
        note: @autoclosure () -> String
    ) {
        // In place: a copy of the company would copy its history's arrays on the next append.
        if status != companies[ci].status || reason != companies[ci].reason { companies[ci].since = day }
        companies[ci].status = status
        companies[ci].memberClass = memberClass ?? companies[ci].memberClass
        companies[ci].reason = status == .void ? reason : nil
        if status != .void { companies[ci].voidingRequest = nil }
        let change = StatusChange(
            on: day,
            status: status,
            memberClass: companies[ci].memberClass,
            since: companies[ci].since,
            reason: companies[ci].reason,
            rule: rule,
            seqs: (seq, otherSeq),
            note: keepsNotes ? note() : ""
        )
        companies[ci].history.timeline.append(change)
        companies[ci].changedAt.append(point)
    }

    /// `reason`, or the equal string made before it.
    mutating func interned(_ reason: String) -> String {
        if let earlier = reasonTexts[reason] { return earlier }
        reasonTexts[reason] = reason
        return reason
    }

    // MARK: - Time-driven changes (R17, R18)

    mutating func runTriggers(through day: Day) {
        while let next = triggers.popFirst(through: day) {
            point = next.point
            voidIfOverdue(next.company, on: next.day)
        }
    }

    /// R17/R18: at the start of `day`, a current-term request unsettled past its due date and not
    /// covered by an excusal makes an active membership void from that day.
    mutating func voidIfOverdue(_ ci: Int, on day: Day) {
        guard companies[ci].status == .active, let r = overdueRequest(ci, on: day) else { return }
        let request = companies[ci].history.requests[r]
        let lapsed = request.excusals.last(where: { $0.on < day })
        let rule = lapsed == nil ? "R17" : "R18"
        // Written only for a fold that keeps notes (`setStatus` asks for it then).
        func why() -> String {
            lapsed.flatMap { excusal in
                excusal.until.map { "the excusal (seq \(excusal.seq)) ended on \($0) with \(request.period) unpaid" }
            } ?? "\(request.period) fee requested \(request.requestedOn) unpaid by its due date \(request.dueOn)"
        }
        setStatus(
            ci,
            .void,
            on: day,
            reason: interned("non-payment:\(request.period)"),
            rule: rule,
            seq: request.seq,
            otherSeq: lapsed?.seq,
            note: "void: " + why()
        )
        companies[ci].voidingRequest = r
    }

    /// The first current-term request that is past due, unsettled and uncovered on `day`.
    func overdueRequest(_ ci: Int, on day: Day, except skipped: Int? = nil) -> Int? {
        // Only those that can have a balance.
        let current = companies[ci].unsettledRequests
        // By index into the company's own storage: no copy of a request or of the company.
        return companies[ci].history.requests.withUnsafeBufferPointer { requests in
            current.first { r in
                r != skipped && requests[r].dueOn < day && requests[r].paid < requests[r].amount
                    && requests[r].cover(on: day) == nil
            }
        }
    }
}
