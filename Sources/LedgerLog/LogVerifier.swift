import Crypto
import Dispatch
import LedgerCore

/// `ledger verify`: frames, checksums, commit trailers, seq continuity, the schemas of every
/// line, the hash chain, R2's clock, and the rules over the whole history (R5).
public struct LogVerifier: Sendable {
    public let directory: LedgerDirectory

    /// How many bytes of a segment's frames are read and decompressed at a time (`LedgerHistory.window`).
    var window: Int? = LedgerHistory.window

    /// About how many bytes of a commit's lines one task checks (`CommitPiece`).
    var pieceBytes = CommitPiece.bytes

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
                        if let last = scan.commits.last {
                            guard last.trailer.lastSeq <= capacity else { throw OutOfRoom() }
                            let firstSeq = expectedSeq
                            // Schemas, hashes and the chain on every core, a piece of lines to a
                            // task as a replay reads them; the pieces' edges in order after.
                            switch PieceCheck.check(
                                scan.commits,
                                pieceBytes: pieceBytes,
                                after: (prevDigits, lastRecorded),
                                digest: digest,
                                into: slots
                            ) {
                            case .fault(let commit, let seq, let reason):
                                count = seq - 1
                                throw Problem(
                                    seq: seq,
                                    segment: name,
                                    offset: scan.commits[commit].offset,
                                    reason: reason
                                )
                            case .clean(let hash, let hashHex, let recorded):
                                expectedSeq = last.trailer.lastSeq + 1
                                count = expectedSeq - 1
                                (prevDigits, lastRecorded, prevRaw) = (hashHex, recorded, Array(hash))
                            }
                            if let digest, (firstSeq..<expectedSeq).contains(digest.seq) { digestMatched = true }
                            for commit in scan.commits { progress?(before + commit.end, total) }
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

/// One piece of a window's lines (`CommitPiece`) checked on its own, each line after its
/// first against the line before it: decoded and checked against its schema, hashed, and put in
/// its slot. Pieces are independent, so a window's pieces are checked on every core; what a
/// piece's first line must follow is judged in order after (`check`).
struct PieceCheck: Sendable {
    /// The first line as read, and its hash's digits: judged against the piece before.
    var first: Result<CheckedLine, InputError> = .failure(InputError("the piece holds no line"))
    var firstHex = HexDigest()
    /// The first line after the first that breaks a check, and why (its index in the piece).
    var problem: (index: Int, reason: String)?
    /// How many lines, from the first, were put in their slots.
    var placed = 0
    /// The last line put: its hash, the digits the next line's `prev` must spell, its instant.
    var lastHash = SHA256Digest?.none
    var lastHex = HexDigest()
    var lastRecorded = Instant(milliseconds: 0)

    /// What a window's lines showed.
    enum Outcome {
        /// The first line in order at fault: its commit (index in the window), seq and why. The
        /// slots of it and every line after it are left empty.
        case fault(commit: Int, seq: Int, reason: String)
        /// Every line holds: the last line's hash, its digits and its recorded instant.
        case clean(hash: SHA256Digest, hashHex: HexDigest, recorded: Instant)
    }

    /// Checks the lines of `commits` (a window's, which the scan has checked against their
    /// trailers, seqs and counts) in pieces of about `pieceBytes`, each event put in its slot,
    /// and finds the first line at fault in order: what a check one line after another finds.
    /// - Parameter previous: the digits the first line's `prev` must spell, and the instant
    ///   recorded before it (nil for the log's first line).
    static func check(
        _ commits: [Commit],
        pieceBytes: Int,
        after previous: (prev: HexDigest, recorded: Instant?),
        digest: Digest?,
        into slots: LedgerHistory.EventSlots
    ) -> Outcome {
        let pieces = CommitPiece.pieces(of: commits, bytes: pieceBytes)
        let checks = ParallelMap.map(pieces.count) { p in
            pieces[p].withLines(in: commits[pieces[p].commit]) { lines in
                PieceCheck(lines, firstSeq: pieces[p].seqs.lowerBound, digest: digest, into: slots)
            }
        }
        var before = previous
        for (p, check) in checks.enumerated() {
            let firstSeq = pieces[p].seqs.lowerBound
            var fault: (seq: Int, reason: String)?
            if let reason = CheckedLine.problem(
                check.first,
                hashHex: check.firstHex,
                seq: firstSeq,
                after: before,
                digest: digest
            ) {
                fault = (firstSeq, reason)
            } else if let (index, reason) = check.problem {
                fault = (firstSeq + index, reason)
            }
            if let fault {
                for q in p..<pieces.count {
                    let start = max(fault.seq, pieces[q].seqs.lowerBound)
                    let end = pieces[q].seqs.lowerBound + checks[q].placed
                    if start < end { slots.clear(from: start, upTo: end) }
                }
                return .fault(commit: pieces[p].commit, seq: fault.seq, reason: fault.reason)
            }
            before = (check.lastHex, check.lastRecorded)
        }
        // Every piece holds a line, and with no line at fault every line was put.
        let last = checks[checks.count - 1]
        return .clean(hash: last.lastHash!, hashHex: last.lastHex, recorded: last.lastRecorded)
    }

    /// Checks `lines` (whole lines, each ending in `\n`), the first holding `firstSeq`, up to the
    /// first after the first at fault; each line read is put in its slot until then, the first
    /// line's when it holds its seq.
    init(_ lines: UnsafeRawBufferPointer, firstSeq: Int, digest: Digest?, into slots: LedgerHistory.EventSlots) {
        // What the fast decoder read last, kept from line to line: a line alone parsed its
        // recorded instant and made its own copy of every document list and reason (at
        // `hongkong`, some 55 MiB of a verify's peak).
        var recent = StoredLineDecoder.RecentValues()
        var seq = firstSeq
        struct Stop: Error {}
        try? StoredLine.forEach(in: lines) { range throws(Stop) in
            let line = UnsafeRawBufferPointer(rebasing: lines[range])
            let hash = SHA256.hash(data: line)
            let hex = HexDigest(hexOf: hash)
            let read = Result { () throws(InputError) in try CheckedLine.decode(line, recent: &recent) }
            let checked = read.map(\.0)
            if seq == firstSeq {
                (first, firstHex) = (checked, hex)
            } else if let reason = CheckedLine.problem(
                checked,
                hashHex: hex,
                seq: seq,
                after: (lastHex, lastRecorded),
                digest: digest
            ) {
                problem = (seq - firstSeq, reason)
                throw Stop()
            }
            // The first line is judged later: it goes in its slot if it holds its seq.
            guard case .success(let (record, event)) = read, event.seq == seq else { throw Stop() }
            slots.put(event)
            placed += 1
            (lastHash, lastHex, lastRecorded) = (hash, hex, record.recorded)
            seq += 1
        }
    }
}

extension CheckedLine {
    /// Why the line `read`, which must hold `seq` and follow a line with `previous`'s hash and
    /// recording instant, does not; nil when it does. `hashHex` is its own hash's digits.
    static func problem(
        _ read: Result<CheckedLine, InputError>,
        hashHex: HexDigest,
        seq: Int,
        after previous: (prev: HexDigest, recorded: Instant?),
        digest: Digest?
    ) -> String? {
        let line: CheckedLine
        switch read {
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
