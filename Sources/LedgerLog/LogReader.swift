/// Reads the log without a lock. A torn tail of the last segment (an append in progress or
/// interrupted) is not part of the history and is left out; any other damage is corruption.
public struct LogReader: Sendable {
    public let directory: LedgerDirectory

    public init(_ directory: LedgerDirectory) { self.directory = directory }

    /// Calls `body` with the good commits of each segment in seq order, with the segment's name.
    /// - Parameter progress: called after each segment with (log bytes read, log bytes in all).
    /// - Throws: `LogError.corrupt` naming the segment and byte offset (after `body` has had the
    ///   commits before the damage), or `.io`.
    public func forEachSegment(
        progress: ((Int, Int) -> Void)? = nil,
        _ body: (_ segment: String, _ commits: [Commit]) throws -> Void
    ) throws {
        let numbers = try directory.segmentNumbers()
        let total = progress == nil ? 0 : directory.bytes(ofSegments: numbers)
        var before = 0
        var nextSeq = 1
        var prev = LogHead.empty.hash
        for (i, number) in numbers.enumerated() {
            let name = directory.segmentName(number)
            let bytes = try FileIO.read(directory.segmentPath(number))
            let scan = SegmentScan(bytes: bytes, firstSeq: nextSeq, prevHash: prev)
            try body(name, scan.commits)
            if let last = scan.commits.last {
                nextSeq = last.trailer.lastSeq + 1
                prev = last.trailer.lastHash
            }
            before += bytes.count
            progress?(before, total)
            if let damage = scan.damage {
                let isTornTail = i == numbers.count - 1 && !damage.hasGoodCommitsAfter
                if isTornTail { return }
                throw LogError(.corrupt, damage.reason, file: name, offset: damage.offset, seq: nextSeq)
            }
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
        try forEachCommit { _, commit in
            for range in StoredLine.ranges(in: commit.content) { try body(commit.content[range]) }
        }
    }
}
