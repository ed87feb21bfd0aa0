/// A whole history's events put, in place, in the order a fold by company uses them
/// (`MembershipFold.fold(consuming:part:of:notes:histories:release:)`): part 0's companies, each
/// company's events in fold order (R4, R5), then part 1's, and so on, so that the memory of the
/// events used can be given back while the fold goes on.
///
/// In two steps, in the events' own memory: a radix pass moves each event into the bucket of
/// 16,384 slots its place falls in (reading and writing at one point per bucket, as a stream
/// does), then each bucket, small enough for the cache, is put in order just before the fold
/// reaches it. With several parts the radix pass is two, the second on every core: each event
/// into its part's range, then each part's range into its buckets (0.93 s on one core at
/// `hongkong` against 0.17 s and 0.46 s on two). (Following the permutation's cycles over the
/// whole history took 4–5 s at `hongkong`, a wait for memory at every event; moving the events
/// to new memory bucket by bucket took 1.4 s but first touches of 1.3 GB, which cost a rebuild
/// 5 s more.)
public final class CompanyOrderedEvents: @unchecked Sendable {
    // Each part's fold touches only its own range of the events and of `places`.

    /// Events to a bucket: a bucket of events (1 MiB) and its places stay in the cache.
    public static let bucketEvents = 1 << 14

    /// Events to a bucket here (at most 65,536: a place is two bytes).
    let bucket: Int
    /// The parts' groupings, without their positions (used up here).
    public let groupings: [MembershipFold.PartGrouping]
    /// The events every part shares (schedules and rounds), copied out, in fold order.
    public let shared: [SequencedEvent]
    /// Each part's range of the events.
    let parts: [Range<Int>]
    private let all: UnsafeMutableBufferPointer<SequencedEvent>
    /// Where in its bucket the event at each index belongs.
    private let places: UnsafeMutablePointer<UInt16>

    /// Puts `events` (a whole history in seq order) in fold order, in place; deinitializes those
    /// no part folds (the shared events, copied first, reversals and what they reverse), which
    /// go after the parts.
    /// - Parameter groupings: every part's, in part order; their positions are used up.
    /// - Parameter bucket: events to a bucket, at the least: more when there would otherwise be
    ///   65,536 buckets or more (an event's bucket number is two bytes), past a billion events.
    /// - Parameter inParallel: runs `body(0)` … `body(count - 1)`, on every core if it can (each
    ///   call touches its own part's events only); the default runs them one after another.
    public init(
        inPlace events: UnsafeMutableBufferPointer<SequencedEvent>,
        groupings: inout [MembershipFold.PartGrouping],
        bucket: Int = bucketEvents,
        inParallel: Runner = CompanyOrderedEvents.oneAfterAnother
    ) {
        let bucket = CompanyOrderedEvents.bucket(atLeast: bucket, events: events.count, parts: groupings.count)
        precondition(bucket > 0 && bucket <= 1 << 16, "a bucket's places are two bytes")
        self.bucket = bucket
        shared = groupings.first?.shared.map { events[MembershipFold.position($0)] } ?? []
        all = events
        places = .allocate(capacity: max(events.count, 1))
        // Buckets: each part's, from its start, then one for the events left out.
        var parts: [Range<Int>] = []
        var bucketStarts: [Int] = []
        var firstBucket: [Int] = []
        for grouping in groupings {
            let start = parts.last?.upperBound ?? 0
            parts.append(start..<(start + grouping.positions.count))
            firstBucket.append(bucketStarts.count)
            bucketStarts += stride(from: start, to: start + grouping.positions.count, by: bucket)
        }
        self.parts = parts
        let leftOut = bucketStarts.count
        bucketStarts += [parts.last?.upperBound ?? 0, events.count]
        firstBucket.append(leftOut)
        // Each event's bucket and place in it, by index, moved with the event.
        // Two bytes each, beside the places' two and the positions' four: the three are held at
        // once here, where a replay of `hongkong` peaks (as four bytes, 38 MiB more).
        let bucketOf = UnsafeMutablePointer<UInt16>.allocate(capacity: max(events.count, 1))
        defer { bucketOf.deallocate() }
        bucketOf.initialize(repeating: UInt16(leftOut), count: events.count)
        places.initialize(repeating: 0, count: max(events.count, 1))
        var positions: [[UInt32]] = []
        for p in groupings.indices {
            positions.append(groupings[p].positions)
            groupings[p].positions = []
        }
        self.groupings = groupings
        guard let base = events.baseAddress else { return }
        let slots = Slots(events: base, bucketOf: bucketOf, places: places, count: events.count)
        slots.mark(consume positions, firstBucket: firstBucket, bucket: bucket, inParallel: inParallel)
        if parts.count == 1 {
            slots.distribute(bucketStarts[...]) { Int($0) }
        } else {
            // Two passes instead of one, the second on every core: each event first into its
            // part's range (or the left-out events' range), the few ranges filled as streams;
            // then each part's range into its buckets, apart from the other parts'.
            var rangeOfBucket = [Int](repeating: parts.count, count: leftOut + 1)
            for p in parts.indices {
                for b in firstBucket[p]..<firstBucket[p + 1] { rangeOfBucket[b] = p }
            }
            let partStarts = firstBucket.map { bucketStarts[$0] } + [events.count]
            rangeOfBucket.withUnsafeBufferPointer { rangeOf in slots.distribute(partStarts[...]) { rangeOf[Int($0)] } }
            let (starts, first) = (bucketStarts, firstBucket)
            inParallel(parts.count) { p in
                slots.distribute(starts[first[p]...first[p + 1]]) { Int($0) - first[p] }
            }
        }
        let end = parts.last?.upperBound ?? 0
        (base + end).deinitialize(count: events.count - end)
    }

    /// Events to a bucket for `events` in `parts`: `bucket`, or more if the buckets would otherwise
    /// number 65,536 or more, since a bucket's number is two bytes (each part's last bucket may be
    /// partial, and one more holds the events left out).
    static func bucket(atLeast bucket: Int, events: Int, parts: Int) -> Int {
        let most = (1 << 16) - parts - 2
        return max(bucket, (events + most - 1) / most)
    }

    /// Runs `body(0)` … `body(count - 1)`, on every core if it can: the passes each part's or
    /// each share's indices make apart.
    public typealias Runner = (_ count: Int, _ body: @Sendable (Int) -> Void) -> Void

    /// Runs `body(0)` … `body(count - 1)` in turn: `init`'s default, with no threads.
    public static func oneAfterAnother(_ count: Int, _ body: @Sendable (Int) -> Void) {
        for i in 0..<count { body(i) }
    }

    /// The events, with each one's bucket and place, as the radix passes move them.
    private struct Slots: @unchecked Sendable {
        // Passes run at once touch their own ranges of indices only.
        let events: UnsafeMutablePointer<SequencedEvent>
        let bucketOf: UnsafeMutablePointer<UInt16>
        let places: UnsafeMutablePointer<UInt16>
        let count: Int

        /// Marks each event with its bucket and place: part `p`'s `j`th (in fold order), at index
        /// `positions[p][j]`, goes to bucket `firstBucket[p] + j / bucket`. On every core, each
        /// marking the events in its own share of the indices (the parts' events lie side by
        /// side: shared out by part, the cores would write to the same cache lines).
        func mark(
            _ positions: [[UInt32]],
            firstBucket: [Int],
            bucket: Int,
            inParallel: Runner
        ) {
            let shares = positions.count
            inParallel(shares) { k in
                let share = UInt32(count * k / shares)..<UInt32(count * (k + 1) / shares)
                for p in positions.indices {
                    for (j, position) in positions[p].enumerated() where share.contains(position) {
                        bucketOf[Int(position)] = UInt16(firstBucket[p] + j / bucket)
                        places[Int(position)] = UInt16(truncatingIfNeeded: j % bucket)
                    }
                }
            }
        }

        /// Moves every event between `starts.first` and `starts.last` into the range (of those
        /// `starts` delimit, in order) that `range(its bucket)` names: each range filled from its
        /// start, and an event that belongs elsewhere swapped to the next free slot of its own
        /// (reading and writing at one point per range, as a stream does).
        @inline(__always)
        func distribute(_ starts: ArraySlice<Int>, _ range: (UInt16) -> Int) {
            var next = Array(starts.dropLast())
            let ends = Array(starts.dropFirst())
            for r in next.indices {
                while next[r] < ends[r] {
                    let i = next[r]
                    let t = range(bucketOf[i])
                    if t == r {
                        next[r] += 1
                        continue
                    }
                    let j = next[t]
                    next[t] += 1
                    CompanyOrderedEvents.swap(events + i, events + j)
                    (bucketOf[i], bucketOf[j]) = (bucketOf[j], bucketOf[i])
                    (places[i], places[j]) = (places[j], places[i])
                }
            }
        }
    }

    deinit { places.deallocate() }

    /// Part `part`'s events.
    func events(ofPart part: Int) -> UnsafeMutableBufferPointer<SequencedEvent> {
        UnsafeMutableBufferPointer(rebasing: all[parts[part]])
    }

    /// Part `part`'s companies in `tasks` runs of consecutive numbers, each with about as many
    /// events, for folds that take them in turn on every core; the buckets that two runs share
    /// are put in order here, once, so that neither run orders one the other is reading
    /// (`fold(consuming:part:companies:…)` orders only the buckets that lie within its run).
    public func companyRuns(ofPart part: Int, tasks: Int) -> [Range<Int>] {
        let starts = groupings[part].starts
        let companies = starts.count - 1
        let events = starts[companies]
        var runs: [Range<Int>] = []
        var first = 0
        let tasks = max(tasks, 1)
        for k in 1...tasks {
            // The first company whose events begin at or after the k-th share of them.
            let target = events * k / tasks
            var end = first
            while end < companies && starts[end] < target { end += 1 }
            if k == tasks { end = companies }
            guard end > first else { continue }
            runs.append(first..<end)
            first = end
        }
        // A part without companies still has its fold (which checks the rounds everyone shares).
        if runs.isEmpty { runs = [0..<0] }
        let room = UnsafeMutablePointer<SequencedEvent>.allocate(capacity: bucket)
        defer { room.deallocate() }
        // Each such bucket once: a bucket may hold several runs' boundaries.
        var shared = Set<Int>()
        for run in runs.dropLast() where starts[run.upperBound] % bucket != 0 {
            let first = starts[run.upperBound] - starts[run.upperBound] % bucket
            if shared.insert(first).inserted { order(bucketAt: first, ofPart: part, room: room) }
        }
        return runs
    }

    /// Puts the bucket that starts at index `index` of part `part`'s events in order, in place:
    /// each event moved to its place in `room` (room for a bucket, in the cache), then all moved
    /// back at once (following the places' cycles moved each event twice through a swap). Once for
    /// each bucket: the places are not put in order with the events.
    func order(bucketAt index: Int, ofPart part: Int, room: UnsafeMutablePointer<SequencedEvent>) {
        let start = parts[part].lowerBound + index
        let count = min(bucket, parts[part].upperBound - start)
        let events = all.baseAddress! + start
        let places = self.places + start
        for i in 0..<count { (room + Int(places[i])).moveInitialize(from: events + i, count: 1) }
        events.moveInitialize(from: room, count: count)
    }

    /// Swaps two events' memory (no retain or release).
    @inline(__always)
    static func swap(_ a: UnsafeMutablePointer<SequencedEvent>, _ b: UnsafeMutablePointer<SequencedEvent>) {
        let moved = a.move()
        a.moveInitialize(from: b, count: 1)
        b.initialize(to: moved)
    }
}
