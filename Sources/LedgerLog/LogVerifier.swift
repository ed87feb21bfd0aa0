import Dispatch
import LedgerCore

/// `ledger verify`: frames, checksums, commit trailers, seq continuity, the schemas of every
/// line, the hash chain, R2's clock, and the rules over the whole history (R5).
public struct LogVerifier: Sendable {
    public let directory: LedgerDirectory

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
        let numbers = try directory.segmentNumbers()
        let total = progress == nil ? 0 : numbers.reduce(0) { $0 + FileIO.size(directory.segmentPath($1)) }
        var before = 0
        var expectedSeq = 1
        var prevRaw = LogHead.empty.hash
        // The previous line's hash as its `prev` must spell it; a String only at the end.
        var prevDigits = Array(SHA256Hex.zero.utf8)
        var lastRecorded: Instant?
        var events: [SequencedEvent] = []
        var tornTail: String?
        var digestMatched = digest == nil || digest?.seq == 0
        for (i, number) in numbers.enumerated() {
            let name = directory.segmentName(number)
            let bytes = try FileIO.read(directory.segmentPath(number))
            let scan = SegmentScan(bytes: bytes, firstSeq: expectedSeq, prevHash: prevRaw)
            for commit in scan.commits {
                // Schemas and hashes line by line on every core; the chain and the order after.
                for checked in LineCheck.all(in: commit.content) {
                    func problem(_ reason: String) -> Problem {
                        Problem(seq: expectedSeq, segment: name, offset: commit.offset, reason: reason)
                    }
                    let record: CheckedLine
                    switch checked.record {
                    case .success(let decoded): record = decoded
                    case .failure(let error): throw problem("the line does not match its schema: \(error)")
                    }
                    guard record.seq == expectedSeq else {
                        throw problem("found seq \(record.seq), expected \(expectedSeq)")
                    }
                    guard record.prev == prevDigits else {
                        throw problem(
                            "prev does not match the hash of seq \(expectedSeq - 1): the history was rewritten"
                        )
                    }
                    if let lastRecorded, record.recorded < lastRecorded {
                        throw problem("R2: recorded \(record.recorded) is before the previous line's \(lastRecorded)")
                    }
                    if record.sequenced.event.on > record.recorded.hongKongDay {
                        throw problem(
                            "R2: on \(record.sequenced.event.on) is after the Hong Kong date of its recording"
                        )
                    }
                    lastRecorded = record.recorded
                    prevRaw = checked.hash
                    prevDigits = SHA256Hex.hexDigits(prevRaw)
                    if let digest, digest.seq == record.seq {
                        guard digest.hash == SHA256Hex.hex(prevRaw) else {
                            throw problem(
                                "the hash differs from the digest's \(digest.hash): the ledger does not extend it"
                            )
                        }
                        digestMatched = true
                    }
                    events.append(record.sequenced)
                    expectedSeq += 1
                }
                progress?(before + commit.end, total)
            }
            before += bytes.count
            if let damage = scan.damage {
                if i == numbers.count - 1 && !damage.hasGoodCommitsAfter {
                    tornTail = "\(name) byte offset \(damage.offset): \(damage.reason)"
                } else {
                    throw Problem(seq: expectedSeq, segment: name, offset: damage.offset, reason: damage.reason)
                }
            }
        }
        if !digestMatched, let digest {
            throw Problem(
                seq: digest.seq,
                reason: "the ledger ends at seq \(expectedSeq - 1), before the digest's seq \(digest.seq)"
            )
        }
        do {
            _ = try LedgerHistory.fold(events[...])
        } catch {
            throw Problem(seq: error.seq, reason: "the history breaks a rule: \(error)")
        }
        return Summary(
            events: expectedSeq - 1,
            segments: numbers.count,
            headHash: String(decoding: prevDigits, as: UTF8.self),
            tornTail: tornTail
        )
    }
}

/// What verify needs of a stored line, checked against its schema.
struct CheckedLine: Sendable {
    var seq: Int
    /// The `prev` field's 64 hex digits.
    var prev: [UInt8]
    var recorded: Instant
    var sequenced: SequencedEvent

    /// The line read by the replay decoder, which accepts only lines in the ledger's own form with
    /// every field in format (fuzzed to agree with the general decoder: `Tools/fuzz`), else by
    /// the general decoder, which checks every form EventSchemas/ allows and says what is wrong.
    init(line: [UInt8]) throws(InputError) {
        if let event = line.withUnsafeBytes({ StoredLineDecoder.decode($0) }), let prev = CheckedLine.prev(in: line) {
            self.init(seq: event.seq, prev: prev, recorded: event.recorded, sequenced: event.sequenced)
            return
        }
        let record = try StoredRecord.decode(line: line)
        self.init(
            seq: record.seq,
            prev: Array(record.prev.utf8),
            recorded: record.recorded,
            sequenced: record.sequenced
        )
    }

    init(seq: Int, prev: [UInt8], recorded: Instant, sequenced: SequencedEvent) {
        self.seq = seq
        self.prev = prev
        self.recorded = recorded
        self.sequenced = sequenced
    }

    static let prevKey = Array(#""prev":""#.utf8)

    /// The 64 bytes after `"prev":"` (in a line the replay decoder accepted, no string holds an
    /// escaped quote, so the key can only be the key).
    static func prev(in line: [UInt8]) -> [UInt8]? {
        let key = prevKey
        guard line.count >= key.count + 64 else { return nil }
        var i = 0
        while i + key.count + 64 <= line.count {
            if line[i] == key[0] && line[i..<(i + key.count)].elementsEqual(key) {
                return Array(line[(i + key.count)..<(i + key.count + 64)])
            }
            i += 1
        }
        return nil
    }
}

/// One line checked on its own: decoded and checked against its schema, and hashed. Lines are
/// independent, so a commit's lines are checked on every core.
struct LineCheck: Sendable {
    var record: Result<CheckedLine, InputError>
    var hash: [UInt8]

    /// The check of each line of `content`, in order.
    static func all(in content: [UInt8]) -> [LineCheck] {
        let lines = StoredLine.ranges(in: content).map { content[$0] }
        return ParallelMap.map(lines.count, chunk: 256) { i in
            let line = Array(lines[i])
            let record = Result { () throws(InputError) in try CheckedLine(line: line) }
            return LineCheck(record: record, hash: SHA256Hex.digest(line))
        }
    }
}
