import LedgerCore

/// What a load keeps of a log when it holds some of its companies' events at a time (a rebuild
/// of a long log, one range of companies after another): the events of the companies it admits,
/// those every company shares (schedules, rounds), and the reversals of events it keeps (a
/// reversal that cannot be resolved is kept, for the fold to refuse).
///
/// A window's events are decoded into slots of their own (`slots(for:)`), used again window after
/// window, and those kept are moved out to the load's events commit by commit, in seq order: the
/// load's array then holds the kept events alone, packed, where an event's place is no longer
/// its seq - 1. A line whose company the ledger wrote first (`StoredLineDecoder.companyBytes`)
/// and that is not kept is passed over undecoded (`passedOver`): it is decoded in the pass that
/// keeps it.
struct KeptEvents {
    /// Which companies' events are kept.
    enum Selection {
        /// Those of the companies in a range.
        case range(CompanyRange)
        /// None: each company met is told to `noting`, in seq order (every line is decoded).
        case none(noting: (CompanyID) -> Void)
        /// None: every event is moved into the spill, by range (every line is decoded).
        case spill(EventSpill)
    }

    let selection: Selection
    /// How many events are kept so far.
    private(set) var count = 0
    /// Where the kept reversals are among the kept events, in order (`LedgerHistory.reversals`).
    private(set) var reversals: [Int] = []
    /// The seqs whose events were not kept.
    private var dropped: PositionBits
    /// The window's slots, by seq - its first.
    private var window = UnsafeMutableBufferPointer<SequencedEvent>(start: nil, count: 0)

    /// What a decoder puts in the slot of a line it passed over: no event has seq 0. Made where
    /// it is put (a value held in a static was copied through its type's witness, 2% of a pass).
    @inline(__always)
    static func passedOver() -> SequencedEvent {
        SequencedEvent(seq: 0, event: Event(on: Day(ordinal: 0), company: nil, body: .memberResigned))
    }

    /// - Parameter seqs: how many seqs the log holds at most.
    init(_ selection: Selection, seqs: Int) {
        self.selection = selection
        // A spill keeps no seq out: it notes each seq's range itself.
        if case .spill = selection { dropped = PositionBits(count: 0) } else { dropped = PositionBits(count: seqs + 1) }
    }

    /// The companies whose lines a decoder reads: the others' are passed over when their company
    /// comes first (nil: every line is read).
    var range: CompanyRange? {
        guard case .range(let range) = selection else { return nil }
        return range
    }

    /// Whether the load's array holds the events kept: not with a spill, which holds them all.
    var holdsEvents: Bool {
        if case .spill = selection { return false }
        return true
    }

    /// Slots for the events of `seqs` (a window's), none of them initialized.
    mutating func slots(for seqs: Range<Int>) -> LedgerHistory.EventSlots {
        if window.count < seqs.count {
            window.deallocate()
            window = .allocate(capacity: seqs.count)
        }
        return LedgerHistory.EventSlots(events: window, ids: nil, first: seqs.lowerBound)
    }

    /// Moves the events of `seqs` (put in `slots`, from `slots(for:)`) that are kept to
    /// `events + count`, in order, and deinitializes the others; with a spill, moves every event
    /// into it.
    mutating func take(
        _ seqs: ClosedRange<Int>,
        from slots: LedgerHistory.EventSlots,
        to events: UnsafeMutablePointer<SequencedEvent>
    ) {
        if case .spill(let spill) = selection {
            spill.put(seqs, from: slots)
            return
        }
        for seq in seqs {
            let event = slots.take(seq)
            guard event.seq != 0, keeps(event, at: seq) else {
                dropped.insert(seq)
                continue
            }
            if event.event.type == .eventReversed { reversals.append(count) }
            (events + count).initialize(to: event)
            count += 1
        }
    }

    /// Whether `event`, at `seq`, is kept.
    private func keeps(_ event: SequencedEvent, at seq: Int) -> Bool {
        if let company = event.event.company {
            switch selection {
            case .range(let range): return range.contains(company)
            case .none(let noting):
                noting(company)
                return false
            case .spill: preconditionFailure("a spill takes every event, by range")
            }
        }
        if let target = KeptEvents.earlierSeq(reversedBy: event, at: seq) { return !dropped.contains(target) }
        return true
    }

    /// The earlier seq that `event`, at `seq`, reverses: the event a reversal goes with when a
    /// load keeps some companies' events (R26). Nil for any other event, and for a reversal that
    /// names no earlier seq, which every part keeps for its fold to refuse.
    @inline(__always)
    static func earlierSeq(reversedBy event: borrowing SequencedEvent, at seq: Int) -> Int? {
        guard case .eventReversed(let target, _) = event.event.body, target >= 1, target < seq else { return nil }
        return target
    }

    /// Gives back the window's slots (none of them initialized).
    func deallocate() { window.deallocate() }
}
