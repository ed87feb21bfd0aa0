import LedgerCore

/// The end of the log as the writer found it: where the next commit goes and what it chains to.
public struct LogHead: Sendable {
    /// The last segment's number (1 for an empty ledger).
    public var segment: Int
    /// The last segment file's size in bytes.
    public var segmentSize: Int
    /// Decompressed bytes in the last segment.
    public var segmentBytes: Int
    public var isSealed: Bool
    /// The last seq, 0 for an empty ledger.
    public var seq: Int
    /// SHA-256 of the last line (raw), 32 zeros for an empty ledger.
    public var hash: [UInt8]
    /// The last stored line, nil for an empty ledger.
    public var lastLine: [UInt8]?

    static let empty = LogHead(
        segment: 1,
        segmentSize: 0,
        segmentBytes: 0,
        isSealed: false,
        seq: 0,
        hash: [UInt8](repeating: 0, count: 32),
        lastLine: nil
    )

    /// The instant the last line was recorded at, read from that line; nil for an empty ledger.
    /// - Throws: `InputError` when the line is not a stored record.
    public func lastRecorded() throws -> Instant? {
        try lastLine?.withUnsafeBytes { try LedgerHistory.decode($0) }.recorded
    }

    /// This head carried into segment `number`, which holds no commit yet.
    func emptySegment(_ number: Int) -> LogHead {
        LogHead(
            segment: number,
            segmentSize: 0,
            segmentBytes: 0,
            isSealed: false,
            seq: seq,
            hash: hash,
            lastLine: lastLine
        )
    }

    /// The hash as `prev` of the next line.
    public var hashHex: String { SHA256Hex.hex(hash) }
}

extension LogHead {
    /// The head just after `commit`, the last in segment `segment`, whose file is `segmentSize` bytes.
    init(after commit: Commit, in segment: Int, segmentSize: Int) {
        self.init(
            segment: segment,
            segmentSize: segmentSize,
            segmentBytes: commit.trailer.segmentBytes,
            isSealed: commit.trailer.isSealed,
            seq: commit.trailer.lastSeq,
            hash: commit.trailer.lastHash,
            lastLine: commit.lastLine
        )
    }
}
