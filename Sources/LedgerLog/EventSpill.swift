import Dispatch
import Foundation
import LedgerCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A log's decoded events set aside in a temporary file, range of companies by range, so that a
/// fold in ranges reads and decodes the log once and then folds one range's events at a time:
/// a read for each range decompressed, checked and scanned every line again (a view of every
/// company at `hongkong` took 25 s in four ranges, 8–10 in one piece; from one read, in six
/// ranges, 12.6–14.8, on the forty-eighth session's machine).
///
/// An event is moved into the file as its bytes, the references it holds (a profile's box, a
/// long name, a round's list) still owned by those bytes, and moved back out into the range's
/// array: a Swift value moved is its bytes, wherever they lie (the file is the process's own,
/// unlinked as it is made, and every event is moved out of it exactly once: into a range's fold,
/// or deinitialized if the spill is dropped first). The blocks those references hold stay in
/// memory meanwhile; the events themselves (40 bytes each, 800 MB at `hongkong`) lie in the page
/// cache, which the kernel may write out, as a sort's runs do.
///
/// Which range an event goes to: its company's; an event every company shares (a schedule, a
/// round) goes to every range, copied; a reversal goes where the event it reverses went (every
/// range when that one is shared, or when it names no earlier event, for each fold to refuse),
/// as `KeptEvents` keeps it. Each seq's range is found in seq order on the caller's thread (a
/// reversal's is an earlier seq's); then the events are moved on every core, each core taking
/// whole ranges, so that each range's events go in in seq order without a lock (on one thread,
/// the moves were 5% of a view's samples at `hongkong`, the other core waiting meanwhile).
public final class EventSpill {
    /// The ranges, in order, each starting where the one before ends.
    var ranges: [CompanyRange] { state.ranges }
    /// Where the reversals are among each range's events, in order.
    var reversals: [[Int]] { state.sinks.map(\.reversals) }
    /// How many events each range holds.
    var counts: [Int] { state.sinks.map(\.count) }
    /// What went wrong writing, if anything: the spill then holds no event, and the fold reads
    /// the log again for each range.
    var failure: LogError? { state.failure }

    /// Everything the spill holds, changed by its methods: a class's stored properties are checked
    /// for exclusive access at run time on every use (5% of a read's samples when each event was
    /// put through them), a value's once for each call that changes it.
    private var state: State

    /// The most ranges a spill holds (a seq's range is one byte, with one value for "shared").
    static let maxRanges = Int(UInt8.max)

    /// A spill for `ranges`, in a new file in `directory` (removed from it at once); nil when the
    /// file cannot be made.
    /// - Precondition: `ranges` are in order, each starting where the one before ends, at most
    ///   `maxRanges`.
    /// - Parameter bufferBytes: how many bytes of events each range gathers before they are
    ///   written (nil: some 8 MiB in all, at least 64 KiB a range, so that each write is large).
    /// - Parameter limit: the most bytes the file may take (nil: what the disk holds); a write
    ///   past it fails as on a full disk.
    /// - Parameter parallelFrom: the fewest events a `put(_:from:)` moves on every core, the
    ///   ranges shared among them (fewer are moved on the caller's thread).
    init?(
        ranges: [CompanyRange],
        in directory: String = EventSpill.directory,
        bufferBytes: Int? = nil,
        limit: Int? = nil,
        parallelFrom: Int = 4096
    ) {
        precondition(!ranges.isEmpty && ranges.count <= EventSpill.maxRanges, "1 to 255 ranges")
        precondition(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upTo == $1.from }, "ranges in order")
        // What moving an event as its bytes needs: no weak reference, nothing whose place is known.
        precondition(_isBitwiseTakable(SequencedEvent.self), "an event moved as its bytes")
        var template = Array((directory + "/ledger-spill-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        unlink(path)
        let room = max(
            1,
            (bufferBytes ?? max(64 << 10, (8 << 20) / ranges.count)) / MemoryLayout<SequencedEvent>.stride
        )
        state = State(
            ranges: ranges,
            file: SpillFile(path: path, fd: fd, limit: limit),
            room: room,
            parallelFrom: parallelFrom
        )
    }

    /// Where spills are made: `$TMPDIR`, else `/tmp`.
    public static var directory: String {
        ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    /// Moves the events of `seqs` out of `slots` (every one put, the seqs following those put
    /// before) into their ranges. After a failure to write, they are deinitialized.
    func put(_ seqs: ClosedRange<Int>, from slots: LedgerHistory.EventSlots) {
        state.put(seqs, from: slots)
    }

    /// Moves `event`, at `seq` (the next seq: every seq from 1 is put in turn), into its range
    /// or ranges, as `put(_:from:)` does. (A load puts a commit at a time; tests, one event.)
    func put(_ event: consuming SequencedEvent, at seq: Int) {
        let slot = UnsafeMutableBufferPointer<SequencedEvent>.allocate(capacity: 1)
        defer { slot.deallocate() }
        slot.initializeElement(at: 0, to: event)
        state.put(seq...seq, from: LedgerHistory.EventSlots(events: slot, ids: nil, first: seq))
    }

    /// Writes the events still buffered: each range's events are then all in the file.
    func finish() { state.finish() }

    /// Range `k`'s events, in seq order, moved out of the file into memory the caller owns
    /// (and deallocates), once.
    /// - Precondition: `finish()` was called, and the spill did not fail.
    func take(range k: Int) throws(LogError) -> UnsafeMutableBufferPointer<SequencedEvent> {
        try state.sinks[k].take(from: state.file)
    }

    deinit {
        state.drop()
        for k in state.sinks.indices { state.sinks[k].buffer.deallocate() }
        _ = state.sinks.deinitialize()
        state.sinks.deallocate()
        close(state.file.fd)
    }

    /// The spill's file: unlinked, its own, written at its end by more than one thread.
    private final class SpillFile: Sendable {
        let path: String
        let fd: Int32
        let limit: Int?
        /// Where the file ends: each write takes its room first.
        private let end = Atomic<Int>(0)

        init(path: String, fd: Int32, limit: Int?) {
            (self.path, self.fd, self.limit) = (path, fd, limit)
        }

        /// Writes `bytes` after everything written before, and says where.
        func append(_ bytes: UnsafeRawBufferPointer) throws(LogError) -> Int {
            let offset = end.add(bytes.count, ordering: .relaxed).oldValue
            if let limit, offset + bytes.count > limit { throw FileIO.failure("pwrite", path, errno: ENOSPC) }
            try FileIO.pwrite(fd, path: path, bytes, at: offset)
            return offset
        }

        func read(_ bytes: UnsafeMutableRawBufferPointer, at offset: Int) throws(LogError) {
            let read = try FileIO.pread(fd, path: path, offset: offset, into: bytes)
            if read < bytes.count {
                throw LogError(.io, "the spill file ended early", file: path, offset: offset + read)
            }
        }
    }

    /// One range's events: those buffered, and the pieces of the file that hold the others. Each
    /// range is changed by one thread at a time.
    private struct RangeSink {
        /// Events not yet written, moved in.
        let buffer: UnsafeMutableBufferPointer<SequencedEvent>
        var buffered = 0
        /// Every event the range holds, buffered or written.
        var count = 0
        /// Where the reversals are among the range's events, in order.
        var reversals: [Int] = []
        /// The range's pieces of the file, in order.
        var pieces: [(offset: Int, count: Int)] = []
        var failure: LogError?
        /// `failure != nil`, asked for every event put without the optional error's value witness
        /// (1.4% of a read's samples, measured).
        var failed = false
        /// Whether the range's events were taken out (`take(from:)`), or dropped.
        var taken = false

        /// Moves `event` into the buffer, written when full; after a failure, deinitializes it.
        mutating func append(_ event: consuming SequencedEvent, isReversal: Bool, file: SpillFile) {
            guard !failed else { return }
            if isReversal { reversals.append(count) }
            count += 1
            (buffer.baseAddress! + buffered).initialize(to: event)
            buffered += 1
            if buffered == buffer.count { flush(file) }
        }

        /// Writes the buffered events at the file's end; on failure, keeps it (the spill then
        /// drops every event it holds).
        mutating func flush(_ file: SpillFile) {
            guard buffered > 0, !failed else { return }
            do {
                let offset = try file.append(
                    UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[..<buffered]))
                )
                pieces.append((offset, buffered))
                buffered = 0
            } catch {
                failure = error
                failed = true
            }
        }

        /// The range's events, read back into memory the caller owns.
        mutating func take(from file: SpillFile) throws(LogError) -> UnsafeMutableBufferPointer<SequencedEvent> {
            precondition(!failed && buffered == 0 && !taken, "a range's events taken once, all written")
            taken = true
            let events = UnsafeMutableBufferPointer<SequencedEvent>.allocate(capacity: count)
            var at = 0
            do {
                for piece in pieces {
                    try file.read(
                        UnsafeMutableRawBufferPointer(
                            UnsafeMutableBufferPointer(rebasing: events[at..<(at + piece.count)])
                        ),
                        at: piece.offset
                    )
                    at += piece.count
                }
            } catch {
                // The events read are deinitialized; those not read are lost with their references.
                events.baseAddress!.deinitialize(count: at)
                events.deallocate()
                throw error
            }
            return events
        }

        /// Deinitializes every event the range still holds: buffered, or in the file if not
        /// taken (read back a piece at a time).
        mutating func drop(from file: SpillFile) {
            buffer.baseAddress!.deinitialize(count: buffered)
            buffered = 0
            guard !taken else { return }
            taken = true
            for piece in pieces {
                let events = UnsafeMutableBufferPointer<SequencedEvent>.allocate(capacity: piece.count)
                if (try? file.read(UnsafeMutableRawBufferPointer(events), at: piece.offset)) != nil {
                    events.baseAddress!.deinitialize(count: piece.count)
                }
                events.deallocate()
            }
            count = 0
        }
    }

    private struct State {
        let ranges: [CompanyRange]
        let file: SpillFile
        /// Each range's events, one sink a range, in a buffer of their own: threads change
        /// different elements at once.
        let sinks: UnsafeMutableBufferPointer<RangeSink>
        let parallelFrom: Int
        /// The first failure to write: the spill then holds nothing more.
        var failure: LogError?
        /// The range of each seq's event (seq - 1), or `shared`.
        var rangeOfSeq: [UInt8] = []
        static let shared = UInt8.max

        init(ranges: [CompanyRange], file: SpillFile, room: Int, parallelFrom: Int) {
            self.ranges = ranges
            self.file = file
            self.parallelFrom = parallelFrom
            sinks = .allocate(capacity: ranges.count)
            for k in ranges.indices { sinks.initializeElement(at: k, to: RangeSink(buffer: .allocate(capacity: room))) }
        }

        mutating func put(_ seqs: ClosedRange<Int>, from slots: LedgerHistory.EventSlots) {
            precondition(seqs.lowerBound == rangeOfSeq.count + 1, "events put in seq order")
            // Each seq's range first, in order: a reversal goes where an earlier seq went.
            for seq in seqs { rangeOfSeq.append(range(of: slots.events.baseAddress! + (seq - slots.first), at: seq)) }
            guard failure == nil else { return slots.clear(from: seqs.lowerBound, upTo: seqs.upperBound + 1) }
            let workers = seqs.count < parallelFrom ? 1 : min(AvailableCores.count, ranges.count)
            rangeOfSeq.withUnsafeBufferPointer { rangeOfSeq in
                let moves = Moves(sinks: sinks, file: file, slots: slots, rangeOfSeq: rangeOfSeq, workers: workers)
                if workers == 1 {
                    moves.run(seqs, worker: 0)
                } else {
                    DispatchQueue.concurrentPerform(iterations: workers) { moves.run(seqs, worker: $0) }
                }
            }
            // Each range took a copy of an event they share.
            for seq in seqs where rangeOfSeq[seq - 1] == State.shared { _ = slots.take(seq) }
            keepFailure()
        }

        /// The range the event at `slot` goes to, or `shared`: read where it lies (a copy of each
        /// event, its references retained and released, was 1.3% of the read's main thread).
        private func range(of slot: UnsafePointer<SequencedEvent>, at seq: Int) -> UInt8 {
            if let company = slot.pointee.event.company {
                return UInt8(CompanyRange.index(of: company, in: ranges))
            }
            if let target = KeptEvents.earlierSeq(reversedBy: slot.pointee, at: seq) { return rangeOfSeq[target - 1] }
            return State.shared
        }

        /// After a range failed to write: keeps the first failure and deinitializes every event
        /// the spill holds.
        private mutating func keepFailure() {
            guard failure == nil, let first = sinks.first(where: \.failed)?.failure else { return }
            failure = first
            drop()
        }

        mutating func finish() {
            for k in sinks.indices { sinks[k].flush(file) }
            keepFailure()
        }

        /// Deinitializes every event the spill still holds.
        func drop() {
            for k in sinks.indices { sinks[k].drop(from: file) }
        }
    }

    /// One `put(_:from:)`'s moves, shared among threads: worker `w` of `workers` moves the events of
    /// the ranges `w`, `w + workers`, …, each range's in seq order, and copies those every range
    /// shares into its own.
    private struct Moves: @unchecked Sendable {
        // Each worker changes only its own ranges' sinks and takes only their events' slots;
        // the slots of shared events are only read (copied) until every worker is done.
        let sinks: UnsafeMutableBufferPointer<RangeSink>
        let file: SpillFile
        let slots: LedgerHistory.EventSlots
        let rangeOfSeq: UnsafeBufferPointer<UInt8>
        let workers: Int

        func run(_ seqs: ClosedRange<Int>, worker: Int) {
            // Whether each range byte is this worker's (a division an event cost more).
            var mine = [Bool](repeating: false, count: 256)
            for k in stride(from: worker, to: sinks.count, by: workers) { mine[k] = true }
            let own = Array(stride(from: worker, to: sinks.count, by: workers))
            for seq in seqs {
                let range = rangeOfSeq[seq - 1]
                if range == State.shared {
                    let event = slots.events[seq - slots.first]
                    let isReversal = event.event.type == .eventReversed
                    for k in own { sinks[k].append(event, isReversal: isReversal, file: file) }
                } else if mine[Int(range)] {
                    let event = slots.take(seq)
                    let isReversal = event.event.type == .eventReversed
                    sinks[Int(range)].append(event, isReversal: isReversal, file: file)
                }
            }
        }
    }
}
