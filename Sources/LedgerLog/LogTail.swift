#if canImport(Glibc)
import Glibc
#endif

extension LogHead {
    /// The head read from the last segment's last trailer and commit, without a lock and without
    /// scanning: what a reader needs to know whether anything was appended. Nil when the last
    /// commit does not check out (an append in progress, or a torn tail), when only a scan can tell.
    public static func quick(_ directory: LedgerDirectory) throws(LogError) -> LogHead? {
        let numbers = try directory.segmentNumbers()
        guard let last = numbers.last else { return .empty }
        let before = try directory.tail(ofSegmentBefore: last, in: numbers)
        guard var head = try directory.quickHead(last, before: before) else { return nil }
        if head.lastLine == nil && head.seq > 0 {
            head.lastLine = try directory.tail(ofSegmentBefore: last, in: numbers, withLastLine: true).lastLine
        }
        return head
    }
}

extension LedgerDirectory {
    /// The state at the end of the segment preceding `number`: its last trailer, trusted because
    /// a segment is only left behind whole (sealed, or full and verified by the append after it).
    /// Reads the trailer alone; the last line (a large sealed frame to decompress) only when
    /// `withLastLine`, which an empty last segment needs.
    func tail(
        ofSegmentBefore number: Int,
        in numbers: [Int],
        withLastLine: Bool = false
    ) throws(LogError) -> LogHead {
        guard let index = numbers.firstIndex(of: number), index > 0 else { return .empty }
        let previous = numbers[index - 1]
        let path = segmentPath(previous)
        return try FileIO.withReadOnlyFile(path) { fd, size throws(LogError) in
            let trailerStart = max(0, size - CommitTrailer.size)
            guard
                let trailer = CommitTrailer.decode(
                    try FileIO.pread(fd, path: path, offset: trailerStart, count: CommitTrailer.size),
                    at: 0
                )
            else {
                throw LogError(
                    .corrupt,
                    "the segment does not end with a commit trailer",
                    file: segmentName(previous),
                    offset: trailerStart
                )
            }
            var lastLine: [UInt8]?
            if withLastLine {
                let frameStart = trailerStart - trailer.frameLength
                let frame = try FileIO.pread(fd, path: path, offset: max(0, frameStart), count: trailer.frameLength)
                guard frameStart >= 0, case .frame(let content, _, _) = LZ4Frame.decode(frame, at: 0) else {
                    throw LogError(
                        .corrupt,
                        "the last frame does not check out",
                        file: segmentName(previous),
                        offset: frameStart
                    )
                }
                lastLine = Commit.lastLine(of: content)
            }
            return LogHead(
                segment: previous,
                segmentSize: size,
                segmentBytes: trailer.segmentBytes,
                isSealed: trailer.isSealed,
                seq: trailer.lastSeq,
                hash: trailer.lastHash,
                lastLine: lastLine
            )
        }
    }

    /// The head read from the segment's last trailer and commit, without scanning the segment;
    /// nil when the tail does not check out and recovery must look.
    func quickHead(_ number: Int, before: LogHead) throws(LogError) -> LogHead? {
        let path = segmentPath(number)
        return try FileIO.withReadOnlyFile(path) { fd, size throws(LogError) -> LogHead? in
            if size == 0 {
                return before.emptySegment(number)
            }
            guard size >= CommitTrailer.size,
                let trailer = CommitTrailer.decode(
                    try FileIO.pread(fd, path: path, offset: size - CommitTrailer.size, count: CommitTrailer.size),
                    at: 0
                )
            else { return nil }
            let frameStart = size - CommitTrailer.size - trailer.frameLength
            guard frameStart >= 0 else { return nil }
            let readStart = max(0, frameStart - CommitTrailer.size)
            let bytes = try FileIO.pread(fd, path: path, offset: readStart, count: size - readStart)
            let previous: CommitTrailer? = frameStart == 0 ? nil : CommitTrailer.decode(bytes, at: 0)
            if frameStart > 0 && previous == nil { return nil }
            let result = SegmentScan.commit(
                in: bytes,
                at: frameStart - readStart,
                nextSeq: (previous?.lastSeq ?? before.seq) + 1,
                segmentBytes: previous?.segmentBytes ?? 0,
                prevHash: previous?.lastHash ?? before.hash
            )
            guard case .success(let commit) = result else { return nil }
            return LogHead(after: commit, in: number, segmentSize: size)
        }
    }

}
