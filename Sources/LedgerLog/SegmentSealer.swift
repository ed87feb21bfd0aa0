#if canImport(Glibc)
import Glibc
#endif

/// Rewrites a full segment as large LZ4 HC frames: the same decompressed bytes, so the same hash
/// chain, in fewer and better-compressed frames. Written beside the segment, fsynced, checked,
/// renamed over it, directory fsynced: a crash at any point leaves either segment whole.
public struct SegmentSealer: Sendable {
    public let directory: LedgerDirectory
    /// Decompressed bytes per sealed frame.
    public var frameContentLimit = 4 << 20
    /// LZ4 HC level (`lz4 -9`).
    public var level: Int32 = 9

    public init(directory: LedgerDirectory) { self.directory = directory }

    /// Seals segment `number`, whose last seq is `expectedLastSeq`.
    /// - Throws: `LogError.corrupt` if the segment does not check out, `.io` on failure.
    public func seal(_ number: Int, expectedLastSeq: Int) throws(LogError) {
        let path = directory.segmentPath(number)
        let name = directory.segmentName(number)
        let bytes = try FileIO.read(path)
        // The chain into the segment was checked when it was appended; each commit, the seqs and
        // the chain inside it must still check out before its bytes are rewritten.
        let scan = SegmentScan(bytes: bytes, firstSeq: nil, prevHash: nil)
        if let damage = scan.damage {
            throw LogError(.corrupt, "cannot seal: \(damage.reason)", file: name, offset: damage.offset)
        }
        let commits = scan.commits
        guard let firstCommit = commits.first, commits.last?.trailer.lastSeq == expectedLastSeq else {
            throw LogError(.corrupt, "cannot seal: the segment does not end at seq \(expectedLastSeq)", file: name)
        }
        // Each frame's lines are planned in order, then the frames are compressed on every core:
        // LZ4 HC takes some 40 MB of lines a second on a core here, seconds for a full segment,
        // which the append that fills it waits for.
        let plans = SegmentSealer.frames(of: commits, limit: frameContentLimit)
        let level = level
        let frames = ParallelMap.map(plans.count) { i in
            var content: [UInt8] = []
            content.reserveCapacity(plans[i].bytes)
            for piece in plans[i].pieces { content += commits[piece.commit].content[piece.bytes] }
            return (
                frame: LZ4Frame.compress(content, level: level, largeBlocks: true),
                lastHash: SHA256Hex.digest(Array(commits[plans[i].lastLine.commit].content[plans[i].lastLine.bytes]))
            )
        }
        var sealed: [UInt8] = []
        sealed.reserveCapacity(frames.reduce(0) { $0 + $1.frame.count + CommitTrailer.size })
        var segmentBytes = 0
        for (plan, frame) in zip(plans, frames) {
            segmentBytes += plan.bytes
            let trailer = CommitTrailer(
                firstSeq: plan.seqs.lowerBound,
                lastSeq: plan.seqs.upperBound - 1,
                frameLength: frame.frame.count,
                segmentBytes: segmentBytes,
                lastHash: frame.lastHash,
                isSealed: true
            )
            sealed += frame.frame
            sealed += trailer.encoded
        }
        // Check the rewrite before it replaces anything: same bytes, same seqs, whole commits.
        let check = SegmentScan(bytes: sealed, firstSeq: firstCommit.trailer.firstSeq, prevHash: nil)
        guard check.damage == nil, SegmentSealer.sameContent(check.commits, commits) else {
            throw LogError(.io, "the sealed rewrite does not reproduce the segment; left as it was", file: name)
        }
        try FileIO.writeAtomically(sealed, to: path, mode: directory.access.fileMode, temporarySuffix: ".sealing") {
            FaultInjection.point("seal-before-rename")
        }
    }

    /// What one sealed frame holds: whole lines, as runs of the commits' bytes.
    struct FramePlan {
        /// Runs of one commit's content each (lines with their `\n`), in order.
        var pieces: [(commit: Int, bytes: Range<Int>)] = []
        /// How many bytes of lines.
        var bytes = 0
        var seqs: Range<Int>
        /// The last line, without its `\n`: its hash ends the frame's trailer.
        var lastLine: (commit: Int, bytes: Range<Int>) = (0, 0..<0)
    }

    /// The commits' lines cut into frames of at most `limit` bytes of whole lines (a longer
    /// line has a frame of its own), in order.
    static func frames(of commits: [Commit], limit: Int) -> [FramePlan] {
        var plans: [FramePlan] = []
        var plan = FramePlan(seqs: commits.first.map { $0.trailer.firstSeq..<$0.trailer.firstSeq } ?? 0..<0)
        for (k, commit) in commits.enumerated() {
            for line in StoredLine.ranges(in: commit.content) {
                let bytes = line.lowerBound..<(line.upperBound + 1)
                if plan.bytes > 0 && plan.bytes + bytes.count > limit {
                    plans.append(plan)
                    plan = FramePlan(seqs: plan.seqs.upperBound..<plan.seqs.upperBound)
                }
                if let last = plan.pieces.last, last.commit == k, last.bytes.upperBound == bytes.lowerBound {
                    plan.pieces[plan.pieces.count - 1].bytes = last.bytes.lowerBound..<bytes.upperBound
                } else {
                    plan.pieces.append((k, bytes))
                }
                plan.bytes += bytes.count
                plan.seqs = plan.seqs.lowerBound..<(plan.seqs.upperBound + 1)
                plan.lastLine = (k, line)
            }
        }
        if plan.bytes > 0 { plans.append(plan) }
        return plans
    }

    /// Whether two runs of commits hold the same bytes end to end, however each is cut into
    /// commits (compared in place: joined, each was a copy of the whole segment).
    static func sameContent(_ a: [Commit], _ b: [Commit]) -> Bool {
        var (i, x, j, y) = (0, 0, 0, 0)
        while true {
            while i < a.count && x == a[i].content.count { (i, x) = (i + 1, 0) }
            while j < b.count && y == b[j].content.count { (j, y) = (j + 1, 0) }
            guard i < a.count, j < b.count else { return i == a.count && j == b.count }
            let n = min(a[i].content.count - x, b[j].content.count - y)
            let same = a[i].content.withUnsafeBytes { p in
                b[j].content.withUnsafeBytes { q in memcmp(p.baseAddress! + x, q.baseAddress! + y, n) == 0 }
            }
            guard same else { return false }
            (x, y) = (x + n, y + n)
        }
    }
}
