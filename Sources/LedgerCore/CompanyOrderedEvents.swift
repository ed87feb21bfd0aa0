/// A whole history's events put, in place, in the order a fold by company uses them
/// (`MembershipFold.fold(consuming:part:of:notes:histories:release:)`): part 0's companies, each
/// company's events in fold order (R4, R5), then part 1's, and so on, so that the memory of the
/// events used can be given back while the fold goes on.
///
/// In two steps, in the events' own memory: a radix pass moves each event into the bucket of
/// 16,384 slots its place falls in (reading and writing at one point per bucket, as a stream
/// does), then each bucket, small enough for the cache, is put in order just before the fold
/// reaches it. (Following the permutation's cycles over the whole history took 4–5 s at
/// `hongkong`, a wait for memory at every event; moving the events to new memory bucket by
/// bucket took 1.4 s but first touches of 1.3 GB, which cost a rebuild 5 s more.)
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
    /// Each part's room for one bucket, where its events are put in order.
    private let scratch: [UnsafeMutablePointer<SequencedEvent>]

    /// Puts `events` (a whole history in seq order) in fold order, in place; deinitializes those
    /// no part folds (the shared events, copied first, reversals and what they reverse), which
    /// go after the parts.
    /// - Parameter groupings: every part's, in part order; their positions are used up.
    /// - Parameter bucket: events to a bucket.
    public init(
        inPlace events: UnsafeMutableBufferPointer<SequencedEvent>,
        groupings: inout [MembershipFold.PartGrouping],
        bucket: Int = bucketEvents
    ) {
        precondition(bucket > 0 && bucket <= 1 << 16, "a bucket's places are two bytes")
        self.bucket = bucket
        shared = groupings.first?.shared.map { events[MembershipFold.position($0)] } ?? []
        all = events
        places = .allocate(capacity: max(events.count, 1))
        scratch = groupings.map { _ in .allocate(capacity: bucket) }
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
        // Each event's bucket and place in it, by index, moved with the event.
        var bucketOf = [UInt32](repeating: UInt32(leftOut), count: events.count)
        places.initialize(repeating: 0, count: max(events.count, 1))
        for p in groupings.indices {
            for (j, position) in groupings[p].positions.enumerated() {
                bucketOf[Int(position)] = UInt32(firstBucket[p] + j / bucket)
                places[Int(position)] = UInt16(truncatingIfNeeded: j % bucket)
            }
            groupings[p].positions = []
        }
        self.groupings = groupings
        guard let base = events.baseAddress else { return }
        // Radix pass: fill each bucket from its start; an event that belongs elsewhere is
        // swapped to the next free slot of its own bucket.
        var next = Array(bucketStarts.dropLast())
        bucketOf.withUnsafeMutableBufferPointer { bucketOf in
            for b in next.indices {
                while next[b] < bucketStarts[b + 1] {
                    let i = next[b]
                    let t = Int(bucketOf[i])
                    if t == b {
                        next[b] += 1
                        continue
                    }
                    let j = next[t]
                    next[t] += 1
                    CompanyOrderedEvents.swap(base + i, base + j)
                    bucketOf.swapAt(i, j)
                    (places[i], places[j]) = (places[j], places[i])
                }
            }
        }
        let end = parts.last?.upperBound ?? 0
        (base + end).deinitialize(count: events.count - end)
    }

    deinit {
        places.deallocate()
        for room in scratch { room.deallocate() }
    }

    /// Part `part`'s events.
    func events(ofPart part: Int) -> UnsafeMutableBufferPointer<SequencedEvent> {
        UnsafeMutableBufferPointer(rebasing: all[parts[part]])
    }

    /// Puts the bucket that starts at index `index` of part `part`'s events in order, in place:
    /// each event moved to its place in the part's scratch room (in the cache), then all moved
    /// back at once (following the places' cycles moved each event twice through a swap). Once for
    /// each bucket: the places are not put in order with the events.
    func order(bucketAt index: Int, ofPart part: Int) {
        let start = parts[part].lowerBound + index
        let count = min(bucket, parts[part].upperBound - start)
        let events = all.baseAddress! + start
        let places = self.places + start
        let room = scratch[part]
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
