import CGlibc

/// One change of a company's status or class, with the rule and the events behind it.
///
/// A fold of a whole ledger holds millions of them (1.7 million at `hongkong`), so each is 48
/// bytes with nothing of its own on the heap: its one or two seqs are held in place in four bytes
/// each (no seq is 0: a second of 0 is none), its rule as its number, its note (kept only for
/// `explain`) behind a pointer, and the fold gives the changes of one void reason one string
/// between them.
public struct StatusChange: Hashable, Sendable {
    /// `non-payment:2025-26` or `index-non-participation:2024` for `void`, else nil.
    public var reason: String?
    private var noteText: NoteText?
    private var first: CompactSeq
    private var second: CompactSeq
    /// The date from which it holds.
    public var on: Day
    /// The date the status began; a class change keeps it.
    public var since: Day
    public var status: MembershipStatus
    /// The class held, or applied for while `applied`/`rejected`.
    public var memberClass: MemberClass
    private var ruleNumber: UInt8

    /// - Parameter rule: `R` and the rule's number, e.g. `R17`.
    /// - Parameter seqs: the event behind the change, and a second one for some rules (R11, R18).
    init(
        on: Day,
        status: MembershipStatus,
        memberClass: MemberClass,
        since: Day,
        reason: String?,
        rule: String,
        seqs: (Int, Int?),
        note: String
    ) {
        guard rule.first == "R", let number = UInt8(rule.dropFirst()) else {
            preconditionFailure("a rule is R and its number, not \(rule)")
        }
        self.reason = reason
        self.noteText = note.isEmpty ? nil : NoteText(note)
        precondition(seqs.1 != 0, "a second seq of 0 would read as none")
        (first, second) = (CompactSeq(seqs.0), CompactSeq(seqs.1 ?? 0))
        self.on = on
        self.since = since
        self.status = status
        self.memberClass = memberClass
        self.ruleNumber = number
    }

    /// The rule that made the change, e.g. `R17`.
    public var rule: String { "R\(ruleNumber)" }

    /// The seqs of the events behind it.
    public var seqs: [Int] { second.value == 0 ? [first.value] : [first.value, second.value] }

    /// The seqs as one text, e.g. `30,7` (a projection row writes millions: no array between).
    public func seqs(separatedBy separator: String) -> String {
        second.value == 0 ? String(first.value) : "\(first.value)\(separator)\(second.value)"
    }

    /// What happened, for `explain`; empty when the fold kept no notes (`fold(_:notes:)`).
    public var note: String {
        get { noteText?.text ?? "" }
        set { noteText = newValue.isEmpty ? nil : NoteText(newValue) }
    }

    /// A note out of line: a pointer, nil for the folds that keep none, where a string is 16 bytes.
    private final class NoteText: Hashable, Sendable {
        let text: String
        init(_ text: String) { self.text = text }
        static func == (a: NoteText, b: NoteText) -> Bool { a.text == b.text }
        func hash(into hasher: inout Hasher) { hasher.combine(text) }
    }
}

/// A profile as it stood from a date (R22): an element of a `ProfileTimeline`, which keeps
/// millions of them in less room.
public struct ProfileVersion: Hashable, Sendable {
    public var profile: Profile
    public var on: Day

    public init(on: Day, profile: Profile) {
        self.profile = profile
        self.on = on
    }
}

/// Money applied to a fee request on a date (R16).
///
/// 16 bytes: a request holds its first allocation in place, and the seq fits in four
/// (`SequencedEvent.maxSeq`).
public struct Allocation: Hashable, Sendable {
    public var amount: Cents
    private var position: CompactSeq
    public var on: Day

    /// - Precondition: `seq` is in `0...SequencedEvent.maxSeq`.
    public init(on: Day, amount: Cents, seq: Int) {
        self.amount = amount
        self.position = CompactSeq(seq)
        self.on = on
    }

    /// The `FeePaid` that brought the money (or the request itself, when credit paid it).
    public var seq: Int { position.value }
}

/// A `DelayExcused` cover of one request (R18).
public struct Excusal: Hashable, Sendable {
    public var on: Day
    public var until: Day?
    private var position: CompactSeq

    /// - Precondition: `seq` is in `0...SequencedEvent.maxSeq`.
    public init(on: Day, until: Day?, seq: Int) {
        self.on = on
        self.until = until
        self.position = CompactSeq(seq)
    }

    /// The `DelayExcused` that gave it.
    public var seq: Int { position.value }

    /// Whether this cover protects the request on `day`.
    public func isInForce(on day: Day) -> Bool { on <= day && (until.map { day <= $0 } ?? true) }
}

/// A fee request with everything paid and excused against it (R15–R18).
///
/// A fold of a whole ledger holds millions of them, so each is 56 bytes: its company is its
/// history's, its due date follows from its date, what was paid from its allocations (most
/// hold one, in place), and its seq and term number are held in four bytes each.
public struct FeeRequestRecord: Hashable, Sendable {
    public var amount: Cents
    /// In fold order: a later one replaces an earlier one from its `on`.
    public var excusals: [Excusal] = []
    /// Money applied to it, in fold order (`allocate` adds to it).
    public private(set) var allocations = Allocations()
    private var position: CompactSeq
    public var requestedOn: Day
    private var termNumber: Int32
    public var period: Period

    /// - Parameter term: the number of the membership term it belongs to (0, 1, …).
    /// - Precondition: `seq` is in `0...SequencedEvent.maxSeq`.
    init(seq: Int, term: Int, period: Period, requestedOn: Day, amount: Cents) {
        self.position = CompactSeq(seq)
        self.termNumber = Int32(clamping: term)
        self.period = period
        self.requestedOn = requestedOn
        self.amount = amount
    }

    /// The `FeeRequested` it stands for.
    public var seq: Int { position.value }

    /// The number of the membership term it belongs to (0, 1, …).
    public var term: Int { Int(termNumber) }

    /// `requestedOn` + 30 days (R17).
    public var dueOn: Day { requestedOn.adding(days: 30) }

    /// Everything paid against it so far in the fold (the daily overdue checks read it, R17).
    public var paid: Cents { allocations.total }

    public var balance: Cents { amount - paid }

    /// Applies money to it.
    mutating func allocate(_ allocation: Allocation) { allocations.append(allocation) }

    /// Paid by the end of `day`.
    public func paid(asOf day: Day) -> Cents {
        allocations.reduce(.zero) { $1.on <= day ? $0 + $1.amount : $0 }
    }

    /// The date its payments reached its amount, if they have.
    public var settledOn: Day? {
        var total = Cents.zero
        for allocation in allocations {
            total = total + allocation.amount
            if total >= amount { return allocation.on }
        }
        return nil
    }

    /// The excusal in force on `day` (the latest one begun by then), if it covers that day.
    public func cover(on day: Day) -> Excusal? {
        guard let latest = excusals.last(where: { $0.on <= day }) else { return nil }
        return latest.isInForce(on: day) ? latest : nil
    }
}

/// Everything the fold learned about one company: the answer to every view for every date.
public struct CompanyHistory: Hashable, Sendable {
    public let company: CompanyID
    /// Changes in the order they happened; the last one dated on or before D holds on D.
    public internal(set) var timeline: [StatusChange] = []
    public internal(set) var profiles = ProfileTimeline()
    public internal(set) var requests: [FeeRequestRecord] = []

    init(company: CompanyID) { self.company = company }

    /// The status change in force on `day`, nil before the first filing.
    public func change(on day: Day) -> StatusChange? { timeline.last(where: { $0.on <= day }) }

    /// The profile in force on `day`.
    public func profile(on day: Day) -> Profile? { profiles.profile(on: day) }

    /// The flags of R24 on `day`, sorted.
    public func flags(on day: Day) -> [String] {
        var flags: [String] = []
        if let profile = profile(on: day) {
            if profile.brExpiresOn < day { flags.append("br-expired") }
            if !profile.isSME { flags.append("not-sme") }
        }
        if requests.contains(where: { $0.requestedOn <= day && $0.paid(asOf: day) < $0.amount }) {
            flags.append("in-arrears")
        }
        return flags.sorted()
    }
}

extension CompanyHistory {
    /// Asks for the head of the fee requests' storage of the history at `history` (its count and
    /// first records) to be brought into the cache, without reading it: a rebuild visits the
    /// requests of 340,000 companies in seq order, each a read of memory not touched for long,
    /// which stalled it until the line came. The word that names the storage is read, so it is
    /// asked for first, further ahead (`prefetchRequestsReference`).
    public static func prefetchRequests(of history: UnsafePointer<CompanyHistory>) {
        // An array is one reference to its storage: its bits, read where the history lies, name
        // the storage without touching it or counting a reference to it (and a prefetch is only a
        // hint: no address it is given can fault).
        ledger_prefetch(requestsReference(of: history).load(as: UnsafeRawPointer.self))
    }

    /// Asks for the word of the history at `history` that names its fee requests' storage.
    public static func prefetchRequestsReference(of history: UnsafePointer<CompanyHistory>) {
        ledger_prefetch(requestsReference(of: history))
    }

    private static func requestsReference(of history: UnsafePointer<CompanyHistory>) -> UnsafeRawPointer {
        UnsafeRawPointer(history) + requestsOffset
    }

    /// Where a history holds its requests' array.
    private static let requestsOffset = MemoryLayout<CompanyHistory>.offset(of: \.requests)!
}
