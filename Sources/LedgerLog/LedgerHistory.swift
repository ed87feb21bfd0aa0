import LedgerCore

/// A ledger's events as replay needs them, decoded by the fast decoder (the general one when a
/// line is not in the ledger's own form): what every view, append and projection folds. Held as
/// parallel arrays, so the fold takes `events` as it is, with no copy.
public struct LedgerHistory: Sendable {
    /// Every event in seq order: seq `s` at index `s - 1`.
    public private(set) var events: [SequencedEvent] = []
    /// When each event was recorded (R2), by the same index.
    public private(set) var recorded: [Instant] = []
    /// Each event's id, by the same index, when loaded `withIDs` (else empty).
    public private(set) var ids: [EventID] = []
    /// The SHA-256 (raw) of the last line of every commit, by the commit's last seq.
    public var commitHashes: [Int: [UInt8]] = [:]

    /// An empty history.
    public init() {}

    /// An empty array with room for every event of a log of `logBytes` (not repeated doublings),
    /// on large pages: a fold by company reads it out of order.
    static func eventStorage(logBytes: Int) -> [SequencedEvent] {
        // A sealed event takes about 105 bytes of log, an unsealed one more: 40 is fewer than either.
        var events: [SequencedEvent] = []
        events.reserveCapacity(logBytes / 40 + 16)
        HeapSettings.preferHugePages(&events)
        return events
    }

    /// How many events the log holds: the seq of the last.
    public var count: Int { events.count }

    /// Reads and decodes every stored record, in seq order, a segment's commits on every core.
    /// - Parameters:
    ///   - withIDs: also keep every event's id (16 bytes an event, which only an append without
    ///     its index reads).
    ///   - progress: called after each segment with (log bytes read, log bytes in all).
    /// - Throws: `LogError` when the log is damaged or a stored line is not a valid record.
    public static func load(
        _ directory: LedgerDirectory,
        withIDs: Bool = false,
        progress: ((Int, Int) -> Void)? = nil
    ) throws
        -> LedgerHistory
    {
        var history = LedgerHistory()
        let logBytes = directory.bytes(ofSegments: try directory.segmentNumbers())
        history.events = eventStorage(logBytes: logBytes)
        history.recorded.reserveCapacity(history.events.capacity)
        if withIDs { history.ids.reserveCapacity(history.events.capacity) }
        try LogReader(directory).forEachSegment(progress: progress) { segment, commits in
            let decoded = ParallelMap.map(commits.count) { i in decodeCommit(commits[i], segment: segment) }
            for (commit, events) in zip(commits, decoded) {
                for event in try events.get() {
                    history.events.append(event.sequenced)
                    history.recorded.append(event.recorded)
                    if withIDs { history.ids.append(event.id) }
                }
                history.commitHashes[commit.trailer.lastSeq] = commit.trailer.lastHash
            }
        }
        return history
    }

    /// A commit's lines decoded, each checked to hold the seq it stands at.
    static func decodeCommit(_ commit: Commit, segment: String) -> Result<[LoggedEvent], any Error> {
        var events: [LoggedEvent] = []
        events.reserveCapacity(commit.trailer.lastSeq - commit.trailer.firstSeq + 1)
        var seq = commit.trailer.firstSeq
        return Result {
            try commit.content.withUnsafeBytes { raw in
                try StoredLine.forEach(in: raw) { range throws(LogError) in
                    let event: LoggedEvent
                    do {
                        event = try LedgerHistory.decode(UnsafeRawBufferPointer(rebasing: raw[range]))
                    } catch {
                        throw LogError(
                            .corrupt,
                            "stored line is not a valid record: \(error)",
                            file: segment,
                            offset: commit.offset,
                            seq: seq
                        )
                    }
                    guard event.seq == seq else {
                        throw LogError(
                            .corrupt,
                            "a stored line holds the wrong seq",
                            file: segment,
                            offset: commit.offset,
                            seq: seq
                        )
                    }
                    events.append(event)
                    seq += 1
                }
            }
            return events
        }
    }

    /// One stored line for replay: the fast decoder, else the general one.
    /// - Throws: `InputError` when the line is not a valid stored record.
    public static func decode(_ line: UnsafeRawBufferPointer) throws(InputError) -> LoggedEvent {
        if let event = StoredLineDecoder.decode(line) { return event }
        let record = try StoredRecord.decode(line: Array(line))
        // The general decoder has checked the id's stored form.
        return LoggedEvent(
            seq: record.seq,
            recorded: record.recorded,
            id: EventID(stored: record.id)!,
            event: record.event
        )
    }

    /// Stored lines (the append index's rows) decoded on every core, in order.
    /// - Throws: the first line's error, in order.
    public static func decode(lines: [[UInt8]]) throws -> [LoggedEvent] {
        let decoded = ParallelMap.map(lines.count, chunk: 512) { i in
            Result<LoggedEvent, any Error> { try lines[i].withUnsafeBytes { try decode($0) } }
        }
        return try decoded.map { try $0.get() }
    }

    /// Every stored record in full (envelope, payload and bytes), decoded and checked by the
    /// general decoder: for the few places that need more than replay does.
    public static func storedRecords(
        _ directory: LedgerDirectory,
        seqs wanted: Set<Int>? = nil
    ) throws -> [StoredRecord] {
        var records: [StoredRecord] = []
        var seq = 0
        try LogReader(directory).forEachLine { line in
            seq += 1
            guard wanted?.contains(seq) ?? true else { return }
            records.append(try StoredRecord.decode(line: Array(line)))
        }
        return records
    }

    /// The hash (hex) of the line at `seq` when a commit ends there, else nil.
    public func hash(atCommitEnding seq: Int) -> String? {
        if seq == 0 { return SHA256Hex.zero }
        return commitHashes[seq].map(SHA256Hex.hex)
    }

    /// The events known at `instant` (R4): recorded at or before it. `recorded` never goes
    /// backwards (R2), so this is a prefix, found by bisection.
    public func known(at instant: Instant?) -> ArraySlice<SequencedEvent> {
        guard let instant else { return events[...] }
        var low = 0
        var high = recorded.count
        while low < high {
            let middle = (low + high) / 2
            if recorded[middle] <= instant { low = middle + 1 } else { high = middle }
        }
        return events[..<low]
    }

    /// Below this many events one fold in one piece is as quick.
    static let eventsForParts = 20_000

    /// Folds the events known at `instant`.
    /// - Throws: `LedgerError` if the stored history breaks a rule (it never should: appends are checked).
    public func fold(knownAt instant: Instant? = nil) throws(LedgerError) -> MembershipFold {
        try LedgerHistory.fold(known(at: instant))
    }

    /// Folds `events` (a whole history in seq order), exactly as `MembershipFold.fold` does.
    /// A long history is folded company by company, in parts by company, one per core
    /// (`MembershipFold.fold(_:order:part:of:)`). If a part finds a broken rule, or a
    /// recommendation does not hold, the whole fold runs again, to report the first broken rule
    /// in order.
    /// - Throws: `LedgerError` for the first event, in (`on`, `seq`) order, that breaks a rule.
    public static func fold(_ events: ArraySlice<SequencedEvent>) throws(LedgerError) -> MembershipFold {
        let parts = min(AvailableCores.count, 8)
        guard events.count >= LedgerHistory.eventsForParts else { return try MembershipFold.fold(events) }
        let reversed = try MembershipFold.reversedSeqs(events)
        let folds = ParallelMap.map(parts) { part in
            Result { () throws(LedgerError) in
                try MembershipFold.fold(events, reversed: reversed, part: part, of: parts)
            }
        }
        var done: [MembershipFold] = []
        for fold in folds {
            guard case .success(let part) = fold else { return try MembershipFold.fold(events) }
            done.append(part)
        }
        guard let merged = MembershipFold.merged(done) else { return try MembershipFold.fold(events) }
        return merged
    }
}
