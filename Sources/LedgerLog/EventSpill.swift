import Foundation
import LedgerCore

#if canImport(Glibc)
import Glibc
#endif

/// A log's decoded events set aside in a temporary file, range of companies by range, so that a
/// fold in ranges reads and decodes the log once and then folds one range's events at a time:
/// a read for each range decompressed, checked and scanned every line again (a view of every
/// company at `hongkong` took 25 s in four ranges, 8–10 in one piece; from one read, in six
/// ranges, 12.6–14.8).
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
/// as `KeptEvents` keeps it.
public final class EventSpill {
    /// The ranges, in order, each starting where the one before ends.
    var ranges: [CompanyRange] { state.ranges }
    /// Where the reversals are among each range's events, in order.
    var reversals: [[Int]] { state.reversals }
    /// How many events each range holds.
    var counts: [Int] { state.counts }
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
    init?(
        ranges: [CompanyRange],
        in directory: String = EventSpill.directory,
        bufferBytes: Int? = nil,
        limit: Int? = nil
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
        state = State(ranges: ranges, file: SpillFile(path: path, fd: fd, limit: limit), room: room)
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
    /// or ranges. After a failure to write, the event is deinitialized. (A load puts a commit at a
    /// time, `put(_:from:)`; tests, one event.)
    func put(_ event: consuming SequencedEvent, at seq: Int) {
        state.put(event, at: seq)
    }

    /// Writes the events still buffered: each range's events are then all in the file.
    func finish() { state.finish() }

    /// Range `k`'s events, in seq order, moved out of the file into memory the caller owns
    /// (and deallocates), once.
    /// - Precondition: `finish()` was called, and the spill did not fail.
    func take(range k: Int) throws(LogError) -> UnsafeMutableBufferPointer<SequencedEvent> {
        try state.take(range: k)
    }

    deinit {
        state.drop()
        for buffer in state.buffers { buffer.deallocate() }
        close(state.file.fd)
    }

    /// The spill's file: unlinked, its own.
    private struct SpillFile {
        let path: String
        let fd: Int32
        let limit: Int?

        func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(LogError) {
            if let limit, offset + bytes.count > limit { throw FileIO.failure("pwrite", path, errno: ENOSPC) }
            try FileIO.pwrite(fd, path: path, bytes, at: offset)
        }

        func read(_ bytes: UnsafeMutableRawBufferPointer, at offset: Int) throws(LogError) {
            let read = try FileIO.pread(fd, path: path, offset: offset, into: bytes)
            if read < bytes.count {
                throw LogError(.io, "the spill file ended early", file: path, offset: offset + read)
            }
        }
    }

    private struct State {
        let ranges: [CompanyRange]
        let file: SpillFile
        var reversals: [[Int]]
        var counts: [Int]
        var failure: LogError?
        /// `failure != nil`, asked for every event put without the optional error's value witness
        /// (1.4% of a read's samples, measured).
        var failed = false
        /// Where the file ends.
        var end = 0
        /// Each range's pieces of the file, in order: (offset, events).
        var pieces: [[(offset: Int, count: Int)]]
        /// Each range's events not yet written, moved in.
        let buffers: [UnsafeMutableBufferPointer<SequencedEvent>]
        var buffered: [Int]
        /// Whether each range's events were taken out (`take(range:)`), or dropped.
        var taken: [Bool]
        /// The range of each seq's event (seq - 1), or `shared`.
        var rangeOfSeq: [UInt8] = []
        static let shared = UInt8.max

        init(ranges: [CompanyRange], file: SpillFile, room: Int) {
            self.ranges = ranges
            self.file = file
            reversals = Array(repeating: [], count: ranges.count)
            counts = Array(repeating: 0, count: ranges.count)
            pieces = Array(repeating: [], count: ranges.count)
            buffered = Array(repeating: 0, count: ranges.count)
            taken = Array(repeating: false, count: ranges.count)
            buffers = ranges.map { _ in .allocate(capacity: room) }
        }

        mutating func put(_ seqs: ClosedRange<Int>, from slots: LedgerHistory.EventSlots) {
            for seq in seqs { put(slots.take(seq), at: seq) }
        }

        mutating func put(_ event: consuming SequencedEvent, at seq: Int) {
            precondition(seq == rangeOfSeq.count + 1, "events put in seq order")
            let range = range(of: event, at: seq)
            rangeOfSeq.append(range)
            guard !failed else { return }
            let isReversal = event.event.type == .eventReversed
            if range != State.shared {
                append(event, to: Int(range), isReversal: isReversal)
                return
            }
            for k in ranges.indices.dropLast() {
                append(copy event, to: k, isReversal: isReversal)
            }
            append(event, to: ranges.count - 1, isReversal: isReversal)
        }

        /// The range `event` goes to, or `shared`.
        private func range(of event: borrowing SequencedEvent, at seq: Int) -> UInt8 {
            if let company = event.event.company {
                // The first range that ends after the company.
                var (low, high) = (0, ranges.count - 1)
                while low < high {
                    let middle = (low + high) / 2
                    if let upTo = ranges[middle].upTo, !(company < upTo) { low = middle + 1 } else { high = middle }
                }
                return UInt8(low)
            }
            if let target = KeptEvents.earlierSeq(reversedBy: event, at: seq) { return rangeOfSeq[target - 1] }
            return State.shared
        }

        /// Moves `event` into range `k`'s buffer, written when full; after a failure, deinitializes it.
        private mutating func append(_ event: consuming SequencedEvent, to k: Int, isReversal: Bool) {
            // A failure to write a copy before: the spill holds nothing more.
            guard !failed else { return }
            if isReversal { reversals[k].append(counts[k]) }
            counts[k] += 1
            (buffers[k].baseAddress! + buffered[k]).initialize(to: event)
            buffered[k] += 1
            if buffered[k] == buffers[k].count { flush(k) }
        }

        /// Writes range `k`'s buffered events to the file's end; on failure, deinitializes every
        /// event the spill holds and keeps the failure.
        private mutating func flush(_ k: Int) {
            let bytes = UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffers[k][..<buffered[k]]))
            do {
                try file.write(bytes, at: end)
                pieces[k].append((end, buffered[k]))
                end += bytes.count
                buffered[k] = 0
            } catch {
                failure = error
                failed = true
                drop()
            }
        }

        mutating func finish() {
            for k in ranges.indices where buffered[k] > 0 && !failed { flush(k) }
        }

        mutating func take(range k: Int) throws(LogError) -> UnsafeMutableBufferPointer<SequencedEvent> {
            precondition(!failed && buffered[k] == 0 && !taken[k], "a range's events taken once, all written")
            taken[k] = true
            let events = UnsafeMutableBufferPointer<SequencedEvent>.allocate(capacity: counts[k])
            var at = 0
            do {
                for piece in pieces[k] {
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

        /// Deinitializes every event the spill still holds: buffered, or in the file for a range
        /// not taken (read back a piece at a time).
        mutating func drop() {
            for k in ranges.indices {
                buffers[k].baseAddress!.deinitialize(count: buffered[k])
                buffered[k] = 0
                guard !taken[k] else { continue }
                taken[k] = true
                for piece in pieces[k] {
                    let events = UnsafeMutableBufferPointer<SequencedEvent>.allocate(capacity: piece.count)
                    if (try? file.read(UnsafeMutableRawBufferPointer(events), at: piece.offset)) != nil {
                        events.baseAddress!.deinitialize(count: piece.count)
                    }
                    events.deallocate()
                }
                counts[k] = 0
            }
        }
    }
}
