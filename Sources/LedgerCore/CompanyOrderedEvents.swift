/// A whole history's events put, in place, in the order a fold by company uses them
/// (`MembershipFold.fold(consuming:part:companies:notes:histories:release:)`): part 0's companies,
/// each company's events in fold order (R4, R5), then part 1's, and so on, so that the memory of
/// the events used can be given back while the fold goes on; with what each part's fold needs to
/// know of its companies (`groupings`).
///
/// No array is kept beside the events with an entry for each: every step reads what it needs
/// from the event itself. (The design before kept eight bytes an event beside them, a company
/// number and a position, then a bucket and a place: 160 MB at `hongkong`, where a replay peaks.)
/// 1. The events no part folds (reversals and what they reverse, R26; those every company shares,
///    copied out as they are judged) are moved after the others, each judged once where it was
///    read (a cursor from each end), and each kept one counted in its bucket in the same pass;
///    with several parts, each half of the events so on a core of its own, then the halves' kept
///    events brought together.
/// 2. A radix pass moves each event into its bucket: its company's part, then one of about
///    `bucket` events among the part's, both from its company's hash (`CompanyID.hash64`), reading
///    and writing at one point per bucket, as a stream does. With several parts each event is
///    first moved into its part's range by partitions (`Slots.split`, each on every core), then
///    each part's range into its buckets, on every core.
/// 3. Each bucket, small enough for the cache, is sorted: by company (hash, then id), a company's
///    events by (`on`, seq); its events put back in seq order by a radix sort, then a counting
///    pass on the hash's next bits, then each small group, nearly in order, by insertion
///    (`sortBucket`). Then each part's companies are counted and numbered in that order.
public final class CompanyOrderedEvents: @unchecked Sendable {
    // Each part's steps touch only its own range of the events.

    /// Events to a bucket, about: a bucket of events and its sort keys stay in the cache.
    public static let bucketEvents = 1 << 14

    /// What each part's fold needs to know of its companies, in part order.
    public let groupings: [MembershipFold.PartGrouping]
    /// The events every part shares (schedules and rounds), copied out, in fold order.
    public let shared: [SequencedEvent]
    /// Each part's range of the events.
    let parts: [Range<Int>]
    private let all: UnsafeMutableBufferPointer<SequencedEvent>

    /// Puts `events` (a whole history in seq order) in fold order, in place; deinitializes those
    /// no part folds (the shared events, copied first, reversals and what they reverse), which
    /// go after the parts.
    /// - Parameter reversed: `MembershipFold.reversedSeqs(events)`.
    /// - Parameter parts: how many parts the companies are shared out in, by hash.
    /// - Parameter bucket: events to a bucket, about (at least one bucket to a part).
    /// - Parameter inParallel: gives `body(0)` … `body(count - 1)`, on every core if it can (each
    ///   call touches its own part's events only); the default calls them one after another.
    public init(
        inPlace events: UnsafeMutableBufferPointer<SequencedEvent>,
        reversed: Set<Int>,
        parts: Int,
        bucket: Int = bucketEvents,
        inParallel: Runner = CompanyOrderedEvents.oneAfterAnother
    ) {
        precondition(parts >= 1 && bucket >= 1, "at least one part, and buckets of at least one event")
        all = events
        let leftOut = LeftOutEvents(UnsafeBufferPointer(events), reversed: reversed)
        guard let base = events.baseAddress else {
            shared = []
            self.parts = Array(repeating: 0..<0, count: parts)
            groupings = Array(
                repeating: MembershipFold.PartGrouping(UnsafeBufferPointer(start: nil, count: 0), shared: []),
                count: parts
            )
            return
        }
        // Each part's buckets, side by side in part order, by the count of all the events (the
        // few left out change a bucket's size, not the order: buckets follow the hash).
        let perPart = max(1, (events.count + parts * bucket - 1) / (parts * bucket))
        let buckets = BucketMap(parts: parts, perPart: perPart)
        var bucketStarts = [Int](repeating: 0, count: parts * perPart + 1)
        // One pass over the events, each judged where it lies before anything moves: kept, and
        // counted in its bucket; shared, and copied out with its place in the order; or left out.
        // With several parts, each half of the events is judged on a core of its own, into a
        // tally of its own (on one thread, the pass took 0.26 s of a two-core replay at `hongkong`).
        let slots = Slots(events: base)
        let tallies = (0..<(parts > 1 ? 2 : 1)).map { _ in FirstPassTally(buckets: parts * perPart) }
        defer { for tally in tallies { tally.deallocate() } }
        let judge: @Sendable (Int, FirstPassTally) -> Bool = { i, tally in
            let event = slots.events + i
            let isLeftOut = leftOut.contains(i, type: event.pointee.event.type)
            guard let company = event.pointee.event.company else {
                if !isLeftOut {
                    tally.shared.append((MembershipFold.orderKey(event.pointee.event.on, i), event.pointee))
                }
                return false
            }
            if isLeftOut { return false }
            tally.counts[buckets.bucket(of: company) + 1] += 1
            return true
        }
        let kept: Int
        if tallies.count == 2 {
            let (middle, low, high) = (events.count / 2, tallies[0], tallies[1])
            kept = slots.partition(0..<events.count, inParallel: inParallel) { judge($0, $0 < middle ? low : high) }
        } else {
            kept = slots.partition(events.count) { judge($0, tallies[0]) }
        }
        var sharedKeyed: [(key: UInt64, event: SequencedEvent)] = []
        for tally in tallies {
            for b in bucketStarts.indices { bucketStarts[b] += tally.counts[b] }
            sharedKeyed += tally.shared
        }
        shared = sharedKeyed.sorted { $0.key < $1.key }.map(\.event)
        for b in 0..<(parts * perPart) { bucketStarts[b + 1] += bucketStarts[b] }
        let partStarts = (0...parts).map { bucketStarts[$0 * perPart] }
        self.parts = (0..<parts).map { partStarts[$0]..<partStarts[$0 + 1] }
        if parts == 1 {
            slots.distribute(bucketStarts) { i in buckets.bucket(of: base[i].event.company!) }
        } else {
            // Two passes instead of one, the second on every core: each event first into its
            // part's range (`split`); then each part's range into its buckets, apart from the
            // other parts'.
            slots.split(0..<kept, parts: 0..<parts, at: partStarts, inParallel: inParallel) { i in
                buckets.part(of: slots.events[i].event.company!)
            }
        }
        let starts = bucketStarts
        let sharedEvents = shared
        groupings = CompanyOrderedEvents.map(parts, inParallel) { p in
            let own = Array(starts[(p * perPart)...((p + 1) * perPart)])
            let base = slots.events
            if parts > 1 { slots.distribute(own) { i in buckets.bucket(of: base[i].event.company!) - p * perPart } }
            let scratch = BucketScratch(largest: (0..<perPart).map { own[$0 + 1] - own[$0] }.max() ?? 0)
            defer { scratch.deallocate() }
            for b in 0..<perPart { slots.sortBucket(own[b]..<own[b + 1], in: scratch) }
            let events = UnsafeBufferPointer(start: base + own[0], count: own[perPart] - own[0])
            return MembershipFold.PartGrouping(events, shared: sharedEvents)
        }
        (base + kept).deinitialize(count: events.count - kept)
    }

    /// What the first pass finds in its share of the events: each bucket's kept events counted
    /// (by bucket + 1, as `bucketStarts` takes them), and the shared events copied out with their
    /// places in the order. Changed by the one thread that judges that share, read after.
    private final class FirstPassTally: @unchecked Sendable {
        let counts: UnsafeMutablePointer<Int>
        var shared: [(key: UInt64, event: SequencedEvent)] = []

        init(buckets: Int) {
            counts = .allocate(capacity: buckets + 1)
            counts.initialize(repeating: 0, count: buckets + 1)
        }

        func deallocate() { counts.deallocate() }
    }

    /// Runs `body(0)` … `body(count - 1)`, on every core if it can, and returns when all are
    /// done: the steps that touch separate ranges of the events (each part's, each half's).
    public typealias Runner = (_ count: Int, _ body: @Sendable (Int) -> Void) -> Void

    /// `body(0)` … `body(count - 1)` in turn: `init`'s default, with no threads.
    public static func oneAfterAnother(_ count: Int, _ body: @Sendable (Int) -> Void) {
        for i in 0..<count { body(i) }
    }

    /// `body(0)` … `body(count - 1)`, run by `runner`, in order.
    static func map<T: Sendable>(_ count: Int, _ runner: Runner, _ body: @Sendable (Int) -> T) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            let results = Results(base: base)
            // Called only while `runner` runs, which returns when every call is done.
            withoutActuallyEscaping(body) { body in
                runner(count) { i in (results.base + i).initialize(to: body(i)) }
            }
            initialized = count
        }
    }

    /// Where `map`'s calls put their results, each in its own slot.
    private struct Results<T>: @unchecked Sendable {
        let base: UnsafeMutablePointer<T>
    }

    /// Part `part`'s events.
    func events(ofPart part: Int) -> UnsafeMutableBufferPointer<SequencedEvent> {
        UnsafeMutableBufferPointer(rebasing: all[parts[part]])
    }

    /// Part `part`'s companies in `tasks` runs of consecutive numbers, each with about as many
    /// events, for folds that take them in turn on every core.
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
        return runs
    }

    /// Which part and bucket a company's events go to, from its hash: the part from its low
    /// bits (`MembershipFold.part(ofHash:_:)`), the bucket among the part's from its high ones.
    struct BucketMap {
        let parts: Int
        let perPart: Int

        @inline(__always)
        func part(of company: CompanyID) -> Int { MembershipFold.part(ofHash: company.hash64, parts) }

        @inline(__always)
        func bucket(of company: CompanyID) -> Int {
            let hash = company.hash64
            return MembershipFold.part(ofHash: hash, parts) * perPart + Int(((hash >> 32) &* UInt64(perPart)) >> 32)
        }
    }

    /// The events, as the passes move them.
    struct Slots: @unchecked Sendable {
        // Passes run at once touch their own ranges of indices only.
        let events: UnsafeMutablePointer<SequencedEvent>

        /// Moves the events of `0..<count` for which `keeps` holds before the others; returns how
        /// many there are. `keeps` is asked exactly once of each index, where its event lies
        /// before anything moves (it may note what it sees).
        func partition(_ count: Int, keeps: (Int) -> Bool) -> Int {
            // Judged: 0..<low kept, high..<count not.
            var (low, high) = (0, count)
            while low < high {
                if keeps(low) {
                    low += 1
                    continue
                }
                // The event at `low` goes; the highest kept one not judged takes its place.
                repeat { high -= 1 } while high > low && !keeps(high)
                guard high > low else { return low }
                CompanyOrderedEvents.swap(events + low, events + high)
                low += 1
            }
            return low
        }

        /// Moves the events of `range` into the ranges of `parts` (part `p`'s from `starts[p]`), by
        /// halves: the events of the lower half of the parts before those of the upper (a partition,
        /// each event asked its part once, by halves of the range on every core), then each side
        /// alike. For two parts, one partition: at `hongkong`, 135–140 ms (194–207 on one core)
        /// against 249 for `distribute`'s cycles, whose every move asked where the displaced event
        /// goes, on one core.
        func split(
            _ range: Range<Int>,
            parts: Range<Int>,
            at starts: [Int],
            inParallel: Runner,
            _ part: @Sendable (Int) -> Int
        ) {
            guard parts.count > 1 else { return }
            let middle = parts.lowerBound + parts.count / 2
            let boundary = partition(range, inParallel: inParallel) { i in part(i) < middle }
            precondition(boundary == starts[middle], "the parts' counts hold their events")
            split(
                range.lowerBound..<boundary,
                parts: parts.lowerBound..<middle,
                at: starts,
                inParallel: inParallel,
                part
            )
            split(
                boundary..<range.upperBound,
                parts: middle..<parts.upperBound,
                at: starts,
                inParallel: inParallel,
                part
            )
        }

        /// Moves the events of `range` for which `isLower` holds before the others; returns where
        /// the others begin. Each half of the range is partitioned on its own core; then the first
        /// half's others and the second half's lower ones trade places, as many as the fewer of
        /// them (which leaves every lower event before every other), also in two halves.
        func partition(_ range: Range<Int>, inParallel: Runner, isLower: @Sendable (Int) -> Bool) -> Int {
            let halves = [
                range.lowerBound..<(range.lowerBound + range.count / 2),
                (range.lowerBound + range.count / 2)..<range.upperBound,
            ]
            let ends = CompanyOrderedEvents.map(2, inParallel) { h in
                let half = halves[h]
                return half.lowerBound
                    + Slots(events: events + half.lowerBound).partition(half.count) { isLower(half.lowerBound + $0) }
            }
            let (firstOthers, secondLower) = (halves[0].upperBound - ends[0], ends[1] - halves[1].lowerBound)
            let traded = min(firstOthers, secondLower)
            let (from, to) = (ends[0], ends[1] - traded)
            inParallel(2) { h in
                for k in (traded * h / 2)..<(traded * (h + 1) / 2) {
                    CompanyOrderedEvents.swap(events + from + k, events + to + k)
                }
            }
            return ends[0] + secondLower
        }

        /// Moves every event between `starts.first` and `starts.last` into the range (of those
        /// `starts` delimit, in order) that `range(its index)` names: each range filled from its
        /// start (reading and writing at one point per range, as a stream does). An event that
        /// belongs elsewhere is carried along its cycle: put in the next free slot of its range,
        /// whose event is carried on in turn, until one belongs where the first was taken from.
        /// Each event is moved once (a swap per event, as before, read and wrote each twice).
        @inline(__always)
        func distribute(_ starts: [Int], _ range: (Int) -> Int) {
            var next = Array(starts.dropLast())
            let ends = Array(starts.dropFirst())
            for r in next.indices {
                while next[r] < ends[r] {
                    let i = next[r]
                    var t = range(i)
                    if t != r {
                        var carried = (events + i).move()
                        repeat {
                            let j = next[t]
                            next[t] += 1
                            // Where the event it displaces goes, read before it is displaced.
                            t = range(j)
                            let displaced = (events + j).move()
                            (events + j).initialize(to: carried)
                            carried = displaced
                        } while t != r
                        (events + i).initialize(to: carried)
                    }
                    next[r] += 1
                }
            }
        }

        /// Puts the events of `range` in fold order: by company (hash, then id), and a company's
        /// by (`on`, seq). The events come from the log in seq order, which the radix pass that
        /// put them here scrambles; so they are first put back in seq order (a radix sort of
        /// their seqs), then grouped by the hash's next bits (a counting pass, which keeps that
        /// order), and each small group, mostly one company's events already in fold order but
        /// for the few backdated, is finished by insertion (`Key.sortNearlyOrdered`). Each event
        /// is then moved once into the room, in order, and all moved back at once. (Grouped from
        /// the scrambled order, each group needed a full sort: a twentieth of a one-core replay.)
        func sortBucket(_ range: Range<Int>, in scratch: BucketScratch) {
            let count = range.count
            guard count > 1 else { return }
            let first = events + range.lowerBound
            // Each event as its seq above its place in the bucket: sorting these sorts by seq.
            var (placed, spare) = (scratch.placed, scratch.spare)
            var (lowestSeq, highestSeq) = (UInt64.max, UInt64.min)
            var (lowest, highest) = (UInt64.max, UInt64.min)
            // Each event's company hash, by its place, worked out once here for the three loops
            // that use it.
            let hashes = scratch.hashes
            for k in 0..<count {
                let seq = UInt64(first[k].seq)
                (lowestSeq, highestSeq) = (min(lowestSeq, seq), max(highestSeq, seq))
                let hash = first[k].event.company!.hash64
                hashes[k] = hash
                (lowest, highest) = (min(lowest, hash), max(highest, hash))
                placed[k] = seq << 32 | UInt64(k)
            }
            // Least significant digit first, each pass stable, over the seqs' span only.
            let spanBits = UInt64.bitWidth - (highestSeq - lowestSeq).leadingZeroBitCount
            let passes = (spanBits + BucketScratch.digitBits - 1) / BucketScratch.digitBits
            let counts = scratch.digitCounts
            for pass in 0..<passes {
                let shift = UInt64(32 + pass * BucketScratch.digitBits)
                let mask = UInt64(1 << BucketScratch.digitBits - 1)
                func digit(_ value: UInt64) -> Int { Int(((value &- lowestSeq << 32) >> shift) & mask) }
                counts.initialize(repeating: 0, count: 1 << BucketScratch.digitBits)
                for k in 0..<count { counts[digit(placed[k])] += 1 }
                var sum = 0
                for d in 0..<(1 << BucketScratch.digitBits) { (counts[d], sum) = (sum, sum + counts[d]) }
                for k in 0..<count {
                    let d = digit(placed[k])
                    spare[counts[d]] = placed[k]
                    counts[d] += 1
                }
                Swift.swap(&placed, &spare)
            }
            // Groups of about `groupEvents` events, each a range of hashes, in hash order.
            let groupBits = max(0, Int.bitWidth - 1 - (count / BucketScratch.groupEvents).leadingZeroBitCount)
            let shift = max(0, (UInt64.bitWidth - (highest - lowest).leadingZeroBitCount) - groupBits)
            func group(_ hash: UInt64) -> Int { Int((hash - lowest) >> UInt64(shift)) }
            let groups = group(highest) + 1
            let ends = scratch.groupEnds
            ends.initialize(repeating: 0, count: groups + 1)
            for k in 0..<count { ends[group(hashes[k]) + 1] += 1 }
            for g in 0..<groups { ends[g + 1] += ends[g] }
            let keys = scratch.keys
            for n in 0..<count {
                let k = Int(truncatingIfNeeded: placed[n] & 0xFFFF_FFFF)
                let event = first + k
                let hash = hashes[k]
                let g = group(hash)
                keys[ends[g]] = Key(
                    hash: hash,
                    order: MembershipFold.orderKey(event.pointee.event.on, event.pointee.seq),
                    company: event.pointee.event.company!,
                    index: UInt32(k)
                )
                ends[g] += 1
            }
            var start = 0
            for g in 0..<groups {
                Key.sortNearlyOrdered(keys + start, count: ends[g] - start)
                start = ends[g]
            }
            let room = scratch.room
            for k in 0..<count {
                (room + k).moveInitialize(from: first + Int(keys[k].index), count: 1)
            }
            first.moveInitialize(from: room, count: count)
        }
    }

    /// Room for sorting a part's buckets, each in turn: as large as the largest.
    struct BucketScratch {
        /// About how many events the groups of a bucket's counting pass hold: few enough that
        /// most companies have a group to themselves.
        static let groupEvents = 2
        /// The bits of a seq each pass of the radix sort takes.
        static let digitBits = 9

        let keys: UnsafeMutablePointer<Key>
        /// Each event's company hash, by its place in the bucket.
        let hashes: UnsafeMutablePointer<UInt64>
        /// Each event's seq and place, then the same in seq order (the two take turns).
        let placed: UnsafeMutablePointer<UInt64>
        let spare: UnsafeMutablePointer<UInt64>
        let digitCounts: UnsafeMutablePointer<Int>
        let groupEnds: UnsafeMutablePointer<Int>
        let room: UnsafeMutablePointer<SequencedEvent>

        init(largest: Int) {
            keys = .allocate(capacity: largest)
            hashes = .allocate(capacity: largest)
            placed = .allocate(capacity: largest)
            spare = .allocate(capacity: largest)
            digitCounts = .allocate(capacity: 1 << BucketScratch.digitBits)
            groupEnds = .allocate(capacity: largest / BucketScratch.groupEvents + 2)
            room = .allocate(capacity: largest)
        }

        func deallocate() {
            keys.deallocate()
            hashes.deallocate()
            placed.deallocate()
            spare.deallocate()
            digitCounts.deallocate()
            groupEnds.deallocate()
            room.deallocate()
        }
    }

    /// Swaps two events' memory (no retain or release).
    @inline(__always)
    static func swap(_ a: UnsafeMutablePointer<SequencedEvent>, _ b: UnsafeMutablePointer<SequencedEvent>) {
        let moved = a.move()
        a.moveInitialize(from: b, count: 1)
        b.initialize(to: moved)
    }
}
