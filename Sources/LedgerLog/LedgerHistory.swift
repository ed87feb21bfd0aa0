import LedgerCore

/// A ledger's events as replay needs them, decoded by the fast decoder (the general one when a
/// line is not in the ledger's own form): what every view, append and projection folds.
public struct LedgerHistory: Sendable {
    public var records: [LoggedEvent]
    /// The SHA-256 (raw) of the last line of every commit, by the commit's last seq.
    public var commitHashes: [Int: [UInt8]]

    /// Reads and decodes every stored record, in seq order.
    /// - Parameter progress: called after each commit with (log bytes read, log bytes in all).
    /// - Throws: `LogError` when the log is damaged or a stored line is not a valid record.
    public static func load(
        _ directory: LedgerDirectory,
        progress: ((Int, Int) -> Void)? = nil
    ) throws
        -> LedgerHistory
    {
        var records: [LoggedEvent] = []
        // Room for every event at once (a sealed event takes over 40 bytes), not repeated doublings.
        let logBytes = try directory.segmentNumbers().reduce(0) { $0 + FileIO.size(directory.segmentPath($1)) }
        records.reserveCapacity(logBytes / 40 + 16)
        var hashes: [Int: [UInt8]] = [:]
        try LogReader(directory).forEachCommit(progress: progress) { segment, commit in
            var start = 0
            var seq = commit.trailer.firstSeq
            let content = commit.content
            try content.withUnsafeBytes { raw in
                for i in 0..<raw.count where raw[i] == UInt8(ascii: "\n") {
                    let line = UnsafeRawBufferPointer(rebasing: raw[start..<i])
                    let event: LoggedEvent
                    do {
                        event = try LedgerHistory.decode(line)
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
                    records.append(event)
                    seq += 1
                    start = i + 1
                }
            }
            hashes[commit.trailer.lastSeq] = commit.trailer.lastHash
        }
        return LedgerHistory(records: records, commitHashes: hashes)
    }

    /// One stored line for replay: the fast decoder, else the general one.
    /// - Throws: `InputError` when the line is not a valid stored record.
    public static func decode(_ line: UnsafeRawBufferPointer) throws(InputError) -> LoggedEvent {
        if let event = StoredLineDecoder.decode(line) { return event }
        let record = try StoredRecord.decode(line: Array(line))
        return LoggedEvent(seq: record.seq, recorded: record.recorded, id: record.id, event: record.event)
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

    /// The records known at `instant` (R4): recorded at or before it. `recorded` never goes
    /// backwards (R2), so this is a prefix.
    public func known(at instant: Instant?) -> ArraySlice<LoggedEvent> {
        guard let instant else { return records[...] }
        let end = records.firstIndex { $0.recorded > instant } ?? records.count
        return records[..<end]
    }

    /// Folds the records known at `instant`.
    /// - Throws: `LedgerError` if the stored history breaks a rule (it never should: appends are checked).
    public func fold(knownAt instant: Instant? = nil) throws(LedgerError) -> MembershipFold {
        try MembershipFold.fold(known(at: instant).map(\.sequenced))
    }
}
