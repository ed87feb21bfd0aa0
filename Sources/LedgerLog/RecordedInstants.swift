import LedgerCore

/// When each event of a history was recorded (R2), held as runs: an append records all its events
/// at one instant, so the instant changes at a few events, and a replay of millions of events need
/// not hold eight bytes for each.
public struct RecordedInstants: RandomAccessCollection, Equatable, Sendable {
    /// Each run's first index and its instant, in order; instants never go backwards (R2).
    private var runs: [(start: Int, instant: Instant)] = []
    /// How many events it covers.
    public private(set) var count = 0

    /// No events.
    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    /// The instant of the last event, nil when there are none.
    public var last: Instant? { runs.last?.instant }

    /// The instant at which the event at `index` was recorded.
    public subscript(index: Int) -> Instant {
        precondition(index >= 0 && index < count, "recorded index out of range")
        var low = 0
        var high = runs.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if runs[middle].start <= index { low = middle } else { high = middle }
        }
        return runs[low].instant
    }

    public static func == (lhs: RecordedInstants, rhs: RecordedInstants) -> Bool {
        lhs.count == rhs.count && lhs.runs.elementsEqual(rhs.runs) { $0.start == $1.start && $0.instant == $1.instant }
    }

    /// Adds events up to index `end` (exclusive), those from each run's `start` on recorded at its
    /// `instant` (runs in order, the first starting at `count`).
    mutating func append(runs added: [(start: Int, instant: Instant)], upTo end: Int) {
        for run in added where run.instant != runs.last?.instant {
            precondition(run.start >= count && run.start < end, "runs in order")
            runs.append(run)
        }
        count = end
    }

    /// How many events were recorded at or before `instant`: a prefix, since recorded instants
    /// never go backwards (R2), found by bisection over the runs.
    public func count(recordedAtOrBefore instant: Instant) -> Int {
        let low = runs.partitioningIndex { $0.instant > instant }
        return low < runs.count ? runs[low].start : count
    }
}
