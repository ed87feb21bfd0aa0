/// Reads the log without a lock. A torn tail of the last segment (an append in progress or
/// interrupted) is not part of the history and is left out; any other damage is corruption.
public struct LogReader: Sendable {
    public let directory: LedgerDirectory

    public init(_ directory: LedgerDirectory) { self.directory = directory }

    /// Calls `body` with the good commits of each segment in seq order, with the segment's name.
    /// - Parameters:
    ///   - firstWanted: a segment that ends before this seq is passed over, unread: its last
    ///     trailer says where it ends (trusted as `LogHead.quick` trusts it: a segment is only left
    ///     behind whole), and the segments before the one that holds it are not checked.
    ///   - progress: called after each segment with (log bytes read, log bytes in all).
    ///   - window: how many bytes of a segment's frames are read and decompressed at a time
    ///     (nil: all of them); `body` is called for each window's commits, with the same segment name.
    /// - Throws: `LogError.corrupt` naming the segment and byte offset (after `body` has had the
    ///   commits before the damage), or `.io`.
    public func forEachSegment(
        from firstWanted: Int = 1,
        progress: ((Int, Int) -> Void)? = nil,
        window: Int? = nil,
        _ body: (_ segment: String, _ commits: [Commit]) throws -> Void
    ) throws {
        let numbers = try directory.segmentNumbers()
        let total = progress == nil ? 0 : directory.bytes(ofSegments: numbers)
        var before = 0
        var nextSeq = 1
        var prev = LogHead.empty.hash
        var buffer = directory.segmentBuffer(for: numbers, window: window)
        for (i, number) in numbers.enumerated() {
            if firstWanted > nextSeq, i + 1 < numbers.count {
                let end = try directory.tail(ofSegmentBefore: numbers[i + 1], in: numbers)
                if end.seq < firstWanted {
                    (nextSeq, prev) = (end.seq + 1, end.hash)
                    before += FileIO.size(directory.segmentPath(number))
                    continue
                }
            }
            let name = directory.segmentName(number)
            var tornTail = false
            let size = try SegmentScan.forEachWindow(
                ofFile: directory.segmentPath(number),
                firstSeq: nextSeq,
                prevHash: prev,
                window: window,
                buffer: &buffer
            ) { scan in
                try body(name, scan.commits)
                if let last = scan.commits.last {
                    nextSeq = last.trailer.lastSeq + 1
                    prev = last.trailer.lastHash
                }
                if let damage = scan.damage {
                    tornTail = i == numbers.count - 1 && !damage.hasGoodCommitsAfter
                    guard tornTail else {
                        throw LogError(.corrupt, damage.reason, file: name, offset: damage.offset, seq: nextSeq)
                    }
                }
            }
            before += size
            progress?(before, total)
            if tornTail { return }
        }
    }

    /// Calls `body` with every commit in seq order, with the segment it lies in.
    /// - Parameter progress: called after each segment with (log bytes read, log bytes in all).
    /// - Throws: `LogError.corrupt` naming the segment and byte offset, or `.io`.
    public func forEachCommit(
        progress: ((Int, Int) -> Void)? = nil,
        _ body: (_ segment: String, _ commit: Commit) throws -> Void
    ) throws {
        try forEachSegment(progress: progress) { segment, commits in
            for commit in commits { try body(segment, commit) }
        }
    }

    /// Every stored line (without `\n`), in seq order.
    public func forEachLine(_ body: (_ line: ArraySlice<UInt8>) throws -> Void) throws {
        try forEachLine(from: 1) { _, line in try body(line) }
    }

    /// Every stored line (without `\n`) from seq `firstWanted` on, with its seq, in seq order;
    /// segments that end before it are not read.
    public func forEachLine(
        from firstWanted: Int,
        _ body: (_ seq: Int, _ line: ArraySlice<UInt8>) throws -> Void
    )
        throws
    {
        try forEachSegment(from: firstWanted) { _, commits in
            for commit in commits where commit.trailer.lastSeq >= firstWanted {
                var seq = commit.trailer.firstSeq
                for range in StoredLine.ranges(in: commit.content) {
                    if seq >= firstWanted { try body(seq, commit.content[range]) }
                    seq += 1
                }
            }
        }
    }
}
