import Crypto
import Dispatch
import LedgerCore

/// `ledger verify`: frames, checksums, commit trailers, seq continuity, the schemas of every
/// line, the hash chain, R2's clock, and the rules over the whole history (R5).
public struct LogVerifier: Sendable {
    public let directory: LedgerDirectory

    /// How many bytes of a segment's frames are read and decompressed at a time (`LedgerHistory.window`).
    var window: Int? = LedgerHistory.window

    public init(_ directory: LedgerDirectory) { self.directory = directory }

    /// The first problem found: where (seq, segment, byte offset) and what.
    public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
        public var seq: Int?
        public var segment: String?
        public var offset: Int?
        public var reason: String

        public init(seq: Int? = nil, segment: String? = nil, offset: Int? = nil, reason: String) {
            self.seq = seq
            self.segment = segment
            self.offset = offset
            self.reason = reason
        }

        public var description: String {
            var place: [String] = []
            if let seq { place.append("seq \(seq)") }
            if let segment { place.append(segment) }
            if let offset { place.append("byte offset \(offset)") }
            return place.joined(separator: ", ") + (place.isEmpty ? "" : ": ") + reason
        }
    }

    /// What a clean check found.
    public struct Summary: Hashable, Sendable {
        public var events: Int
        public var segments: Int
        /// The head's hash (hex), 64 zeros when empty.
        public var headHash: String
        /// A torn tail left by an interrupted append, which the next append sets aside.
        public var tornTail: String?
    }

    /// Checks the whole ledger; with `digest`, also that the ledger extends that earlier head.
    /// - Parameter progress: called after each commit with (log bytes checked, log bytes in all).
    /// - Throws: `Problem` for the first thing wrong; `LogError` when files cannot be read.
    public func verify(extending digest: Digest? = nil, progress: ((Int, Int) -> Void)? = nil) throws -> Summary {
        try verify(extending: digest, progress: progress, room: nil)
    }

    /// `verify`, first with room for `room` events (nil: a guess from the log's bytes).
    /// - Parameter consumingFrom: the fewest events whose fold uses them up (`consumingFold`).
    func verify(
        extending digest: Digest?,
        progress: ((Int, Int) -> Void)?,
        room: Int?,
        consumingFrom: Int = LedgerHistory.eventsForParts
    ) throws -> Summary {
        let numbers = try directory.segmentNumbers()
        let total = directory.bytes(ofSegments: numbers)
        var capacity = room ?? LedgerHistory.capacity(logBytes: total)
        while true {
            var events: [SequencedEvent] = []
            var consumed: MembershipFold??
            if let summary = try verify(
                numbers,
                total: total,
                capacity: capacity,
                into: &events,
                digest,
                progress,
                consumed: &consumed,
                consumingFrom
            ) {
                do {
                    switch consumed {
                    case .none:
                        BackgroundRelease.release(try LedgerHistory.fold(events[...], notes: false, histories: false))
                    case .some(.some(let fold)): BackgroundRelease.release(fold)
                    // A broken rule: the fold in one piece names the first, from the log read again.
                    case .some(.none):
                        let history = try LedgerHistory.load(directory)
                        _ = try LedgerHistory.fold(history.known(at: nil), notes: false, histories: false)
                    }
                } catch let error as LedgerError {
                    throw Problem(seq: error.seq, reason: "the history breaks a rule: \(error)")
                }
                BackgroundRelease.release(events)
                return summary
            }
            // A log whose events pack tighter than the guess: checked again, with more room.
            capacity *= 4
        }
    }

    /// Thrown by a segment's check when the log holds more events than there is room for.
    private struct OutOfRoom: Error {}

    /// Everything but the rules, each event checked put straight into its place (seq - 1) of
    /// `events`, which has room for `capacity`; nil when the log holds more events than that.
    private func verify(
        _ numbers: [Int],
        total: Int,
        capacity: Int,
        into events: inout [SequencedEvent],
        _ digest: Digest?,
        _ progress: ((Int, Int) -> Void)?,
        consumed: inout MembershipFold??,
        _ consumingFrom: Int
    ) throws -> Summary? {
        var before = 0
        var expectedSeq = 1
        var prevRaw = LogHead.empty.hash
        // The previous line's hash as its `prev` must spell it, held inline; a String only at the end.
        var prevDigits = HexDigest(repeating: UInt8(ascii: "0"))
        var lastRecorded: Instant?
        var tornTail: String?
        var digestMatched = digest == nil || digest?.seq == 0
        var fits = true
        events = try [SequencedEvent](unsafeUninitializedCapacity: capacity) { storage, count in
            let slots = LedgerHistory.EventSlots(events: storage, ids: nil)
            var buffer = directory.segmentBuffer(for: numbers, window: window)
            segments: for (i, number) in numbers.enumerated() {
                let name = directory.segmentName(number)
                do {
                    let size = try SegmentScan.forEachWindow(
                        ofFile: directory.segmentPath(number),
                        firstSeq: expectedSeq,
                        prevHash: prevRaw,
                        window: window,
                        buffer: &buffer
                    ) { scan in
                        for commit in scan.commits {
                            let ranges = StoredLine.ranges(in: commit.content)
                            guard expectedSeq - 1 + ranges.count <= capacity else { throw OutOfRoom() }
                            // Schemas and hashes line by line on every core; the chain and the order after.
                            let checks = LineCheck.all(ranges, in: commit.content, firstSeq: expectedSeq, into: slots)
                            let firstSeq = expectedSeq
                            if let (index, reason) = LineCheck.firstProblem(
                                in: checks,
                                firstSeq: firstSeq,
                                after: (prevDigits, lastRecorded),
                                digest: digest
                            ) {
                                // The events this commit put from the line at fault on go with it.
                                count = firstSeq + index - 1
                                for k in checks.indices.dropFirst(index) where checks[k].placed {
                                    slots.clear(from: firstSeq + k, upTo: firstSeq + k + 1)
                                }
                                throw Problem(
                                    seq: firstSeq + index,
                                    segment: name,
                                    offset: commit.offset,
                                    reason: reason
                                )
                            }
                            expectedSeq += checks.count
                            count = expectedSeq - 1
                            if let digest, (firstSeq..<expectedSeq).contains(digest.seq) { digestMatched = true }
                            // With no line at fault, every line was read: the last one's is what comes next.
                            if let last = checks.last, case .success(let record) = last.record {
                                (prevDigits, lastRecorded, prevRaw) = (last.hashHex, record.recorded, Array(last.hash))
                            }
                            progress?(before + commit.end, total)
                        }
                        if let damage = scan.damage {
                            if i == numbers.count - 1 && !damage.hasGoodCommitsAfter {
                                tornTail = "\(name) byte offset \(damage.offset): \(damage.reason)"
                            } else {
                                throw Problem(
                                    seq: expectedSeq,
                                    segment: name,
                                    offset: damage.offset,
                                    reason: damage.reason
                                )
                            }
                        }
                    }
                    before += size
                } catch is OutOfRoom {
                    fits = false
                    break segments
                }
            }
            // The rules are judged last (`verify(extending:progress:room:)`); a long history's
            // events are used up as they are folded, in less memory than a fold beside them.
            if fits, count >= consumingFrom {
                buffer = []
                consumed = LedgerHistory.consumingFold(
                    UnsafeMutableBufferPointer(rebasing: storage[..<count]),
                    notes: false,
                    histories: false
                )
                count = 0
            }
        }
        guard fits else { return nil }
        if !digestMatched, let digest {
            throw Problem(
                seq: digest.seq,
                reason: "the ledger ends at seq \(expectedSeq - 1), before the digest's seq \(digest.seq)"
            )
        }
        return Summary(
            events: expectedSeq - 1,
            segments: numbers.count,
            headHash: prevDigits.text,
            tornTail: tornTail
        )
    }
}

/// What verify checks of a stored line in order, after its schema: the event itself goes
/// straight to its slot.
struct CheckedLine: Sendable {
    var seq: Int
    var prev: HexDigest
    var recorded: Instant
    var on: Day

    /// The line read by the replay decoder, which accepts only lines in the ledger's own form with
    /// every field in format (fuzzed to agree with the general decoder: `Tools/fuzz`), else by
    /// the general decoder, which checks every form EventSchemas/ allows and says what is wrong.
    /// - Parameter recent: what the replay decoder read last, kept from line to line (a commit's
    ///   lines share their recorded instant, and a log repeats its document lists and reasons).
    static func decode(
        _ line: UnsafeRawBufferPointer,
        recent: inout StoredLineDecoder.RecentValues
    ) throws(InputError) -> (CheckedLine, SequencedEvent) {
        var prevOffset = 0
        if let event = StoredLineDecoder.decode(line, prevOffset: &prevOffset, recent: &recent) {
            let prev = line.loadUnaligned(fromByteOffset: prevOffset, as: HexDigest.self)
            return (
                CheckedLine(seq: event.seq, prev: prev, recorded: event.recorded, on: event.event.on), event.sequenced
            )
        }
        let record = try StoredRecord.decode(line: Array(line))
        // The general decoder has checked that `prev` is 64 lowercase hex digits.
        let checked = CheckedLine(
            seq: record.seq,
            prev: HexDigest(Array(record.prev.utf8)),
            recorded: record.recorded,
            on: record.event.on
        )
        return (checked, record.sequenced)
    }
}

/// One line checked on its own: decoded and checked against its schema, and hashed. Lines are
/// independent, so a commit's lines are checked on every core.
struct LineCheck: Sendable {
    var record: Result<CheckedLine, InputError>
    /// The line's SHA-256, and its digits as the next line's `prev` spells them.
    var hash: SHA256Digest
    var hashHex: HexDigest
    /// Whether its event was put in its slot: it holds the seq its place in the commit says.
    var placed: Bool

    /// The check of each line of `content` (at `ranges`), in order, read in place; each event
    /// that holds the seq its place says (from `firstSeq`) is put in its slot.
    static func all(
        _ ranges: [Range<Int>],
        in content: [UInt8],
        firstSeq: Int,
        into slots: LedgerHistory.EventSlots
    ) -> [LineCheck] {
        // Each task's lines decoded with what it read last: a line alone parsed its recorded
        // instant and made its own copy of every document list and reason (at `hongkong`, some
        // 55 MiB of a verify's peak).
        ParallelMap.map(ranges.count, chunk: 256, state: StoredLineDecoder.RecentValues()) { recent, i in
            content.withUnsafeBytes { all in
                let line = UnsafeRawBufferPointer(rebasing: all[ranges[i]])
                var placed = false
                let record = Result { () throws(InputError) in
                    let (checked, event) = try CheckedLine.decode(line, recent: &recent)
                    if event.seq == firstSeq + i {
                        slots.put(event)
                        placed = true
                    }
                    return checked
                }
                let hash = SHA256.hash(data: line)
                return LineCheck(record: record, hash: hash, hashHex: HexDigest(hexOf: hash), placed: placed)
            }
        }
    }

    /// The first of a commit's lines, in order, that breaks the chain, the order of recording
    /// (R2) or the digest, and why; nil when none does. The lines are judged on every core,
    /// each against the one before it, which is what a check one line after another compares
    /// it with whenever the lines before it hold.
    /// - Parameters:
    ///   - firstSeq: the seq the first line must hold.
    ///   - previous: the digits the first line's `prev` must spell, and the instant recorded
    ///     before it (nil for the log's first line).
    static func firstProblem(
        in checks: [LineCheck],
        firstSeq: Int,
        after previous: (prev: HexDigest, recorded: Instant?),
        digest: Digest?
    ) -> (index: Int, reason: String)? {
        let chunk = 4_096
        let found = ParallelMap.map((checks.count + chunk - 1) / chunk) { c -> (index: Int, reason: String)? in
            for i in (c * chunk)..<min(checks.count, (c + 1) * chunk) {
                let before: (prev: HexDigest, recorded: Instant?)
                if i == 0 {
                    before = previous
                } else if case .success(let record) = checks[i - 1].record {
                    before = (checks[i - 1].hashHex, record.recorded)
                } else {
                    continue  // the line before is at fault, and is found first
                }
                if let reason = checks[i].problem(seq: firstSeq + i, after: before, digest: digest) {
                    return (i, reason)
                }
            }
            return nil
        }
        return found.lazy.compactMap { $0 }.first
    }

    /// Why this line, which must hold `seq` and follow a line with `previous`'s hash and
    /// recording instant, does not; nil when it does.
    func problem(seq: Int, after previous: (prev: HexDigest, recorded: Instant?), digest: Digest?) -> String? {
        let line: CheckedLine
        switch record {
        case .success(let decoded): line = decoded
        case .failure(let error): return "the line does not match its schema: \(error)"
        }
        guard line.seq == seq else { return "found seq \(line.seq), expected \(seq)" }
        guard line.prev.hasSameDigits(as: previous.prev) else {
            return "prev does not match the hash of seq \(seq - 1): the history was rewritten"
        }
        if let last = previous.recorded, line.recorded < last {
            return "R2: recorded \(line.recorded) is before the previous line's \(last)"
        }
        if line.on > line.recorded.hongKongDay {
            return "R2: on \(line.on) is after the Hong Kong date of its recording"
        }
        if let digest, digest.seq == seq, digest.hash != hashHex.text {
            return "the hash differs from the digest's \(digest.hash): the ledger does not extend it"
        }
        return nil
    }
}
