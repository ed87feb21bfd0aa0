/// A whole history's events moved into the order a fold by company uses them
/// (`MembershipFold.fold(consuming:part:of:notes:histories:release:)`): part 0's companies, each
/// company's events in fold order (R4, R5), then part 1's, and so on, so that the memory of the
/// events used can be given back while the fold goes on.
///
/// Moved in two steps, neither of which holds a second copy of the events: the events are read in
/// seq order and appended, each to the bucket of 16,384 slots its place falls in, while the pages
/// of those read are given back; then each bucket, small enough for the cache, is put in order
/// just before the fold reaches it. (Following the permutation's cycles over the whole history
/// instead took 4–5 s at `hongkong`: a wait for memory at every event.)
public final class CompanyOrderedEvents: @unchecked Sendable {
    // Each part's fold touches only its own slots and buckets: part ranges start on a bucket.

    /// Events to a bucket: a bucket of events (1 MiB) and its places stay in the cache.
    public static let bucketEvents = 1 << 14

    /// Events to a bucket here (at most 65,536: a place is two bytes).
    let bucket: Int

    /// The parts' groupings, without their positions (used up here).
    public let groupings: [MembershipFold.PartGrouping]
    /// The events every part shares (schedules and rounds), copied out, in fold order.
    public let shared: [SequencedEvent]
    /// Each part's slots: it starts on a bucket.
    let parts: [Range<Int>]
    private let storage: UnsafeMutablePointer<SequencedEvent>
    private let capacity: Int
    /// Where in its bucket the event in each slot belongs.
    private let places: UnsafeMutablePointer<UInt16>

    /// Moves every event of `events` (a whole history in seq order) here or deinitializes it
    /// (those no part folds: the shared events, copied first, reversals and what they reverse).
    /// - Parameter groupings: every part's, in part order; their positions are used up.
    /// - Parameter bucket: events to a bucket.
    /// - Parameter release: called now and then with the events read so far, deinitialized.
    public init(
        moving events: UnsafeMutableBufferPointer<SequencedEvent>,
        groupings: inout [MembershipFold.PartGrouping],
        bucket: Int = bucketEvents,
        release: (UnsafeMutableBufferPointer<SequencedEvent>) -> Void
    ) {
        precondition(bucket > 0 && bucket <= 1 << 16, "a bucket's places are two bytes")
        self.bucket = bucket
        shared = groupings.first?.shared.map { events[MembershipFold.position($0)] } ?? []
        var parts: [Range<Int>] = []
        var end = 0
        for grouping in groupings {
            let start = (end + bucket - 1) / bucket * bucket
            end = start + grouping.positions.count
            parts.append(start..<end)
        }
        self.parts = parts
        capacity = max(end, 1)
        storage = .allocate(capacity: capacity)
        places = .allocate(capacity: capacity)
        // Where each event goes, by its position in `events`; nowhere for those left out.
        let nowhere = UInt32.max
        var slotOf = [UInt32](repeating: nowhere, count: events.count)
        for p in groupings.indices {
            for (j, position) in groupings[p].positions.enumerated() {
                slotOf[Int(position)] = UInt32(parts[p].lowerBound + j)
            }
            groupings[p].positions = []
        }
        self.groupings = groupings
        // Each bucket filled from its start, in seq order: its pages are written as it grows.
        var next = stride(from: 0, to: capacity, by: bucket).map { $0 }
        guard let base = events.baseAddress else { return }
        var released = 0
        for position in events.indices {
            let slot = slotOf[position]
            if slot == nowhere {
                (base + position).deinitialize(count: 1)
            } else {
                let b = Int(slot) / bucket
                let at = next[b]
                next[b] += 1
                (storage + at).moveInitialize(from: base + position, count: 1)
                places[at] = UInt16(truncatingIfNeeded: Int(slot) - b * bucket)
            }
            if position + 1 - released >= MembershipFold.releaseEvents {
                release(UnsafeMutableBufferPointer(rebasing: events[..<(position + 1)]))
                released = position + 1
            }
        }
    }

    deinit {
        // Every slot has been moved out or deinitialized by the parts' folds.
        storage.deallocate()
        places.deallocate()
    }

    /// Part `part`'s slots.
    func events(ofPart part: Int) -> UnsafeMutableBufferPointer<SequencedEvent> {
        UnsafeMutableBufferPointer(start: storage + parts[part].lowerBound, count: parts[part].count)
    }

    /// Puts the bucket that starts at index `index` of part `part`'s slots in order, in place.
    func order(bucketAt index: Int, ofPart part: Int) {
        let start = parts[part].lowerBound + index
        let count = min(bucket, parts[part].upperBound - start)
        let events = storage + start
        let places = self.places + start
        for i in 0..<count {
            while Int(places[i]) != i {
                let j = Int(places[i])
                let moved = (events + i).move()
                (events + i).moveInitialize(from: events + j, count: 1)
                (events + j).initialize(to: moved)
                (places[i], places[j]) = (places[j], places[i])
            }
        }
    }
}
