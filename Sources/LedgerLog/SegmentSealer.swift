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
        var sealed: [UInt8] = []
        var chunk: [UInt8] = []
        var chunkFirstSeq = firstCommit.trailer.firstSeq
        var seq = firstCommit.trailer.firstSeq - 1
        var segmentBytes = 0
        var lastLineStart = 0
        func flush() {
            guard !chunk.isEmpty else { return }
            let frame = LZ4Frame.compress(chunk, level: level, largeBlocks: true)
            segmentBytes += chunk.count
            let trailer = CommitTrailer(
                firstSeq: chunkFirstSeq,
                lastSeq: seq,
                frameLength: frame.count,
                segmentBytes: segmentBytes,
                lastHash: SHA256Hex.digest(Array(chunk[lastLineStart..<(chunk.count - 1)])),
                isSealed: true
            )
            sealed += frame
            sealed += trailer.encoded
            chunk.removeAll(keepingCapacity: true)
            chunkFirstSeq = seq + 1
        }
        for commit in commits {
            for line in StoredLine.ranges(in: commit.content) {
                if chunk.count + line.count + 1 > frameContentLimit { flush() }
                lastLineStart = chunk.count
                chunk += commit.content[line.lowerBound...line.upperBound]
                seq += 1
            }
        }
        flush()
        // Check the rewrite before it replaces anything: same bytes, same seqs, whole commits.
        let check = SegmentScan(bytes: sealed, firstSeq: firstCommit.trailer.firstSeq, prevHash: nil)
        guard check.damage == nil, check.commits.flatMap(\.content) == commits.flatMap(\.content) else {
            throw LogError(.io, "the sealed rewrite does not reproduce the segment; left as it was", file: name)
        }
        try FileIO.writeAtomically(sealed, to: path, mode: directory.access.fileMode, temporarySuffix: ".sealing") {
            FaultInjection.point("seal-before-rename")
        }
    }
}
