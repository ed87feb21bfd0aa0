import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The one writer of a ledger: holds the lock, repairs a torn tail on open, appends commits
/// durably and seals full segments.
public final class LogWriter {
    public let directory: LedgerDirectory
    /// The end of the log after recovery and every append.
    public private(set) var head: LogHead
    /// What recovery did on open, for the command to say (nil when the tail was clean).
    public private(set) var recoveryNote: String?
    private let lockFD: Int32

    /// Runs `body` with the ledger's writer, holding the exclusive lock for its duration.
    /// - Parameter lockTimeout: seconds to wait for another writer before giving up.
    /// - Throws: `LogError.locked` after the timeout, `.corrupt`, `.io`, or whatever `body` throws.
    public static func withWriter<T>(
        _ directory: LedgerDirectory,
        lockTimeout: Double = 10,
        _ body: (LogWriter) throws -> T
    ) throws -> T {
        let writer = try LogWriter(directory, lockTimeout: lockTimeout)
        defer { writer.close() }
        return try body(writer)
    }

    private init(_ directory: LedgerDirectory, lockTimeout: Double) throws(LogError) {
        self.directory = directory
        let fd = open(directory.lockPath, O_RDWR | O_CREAT | O_CLOEXEC, mode_t(directory.access.fileMode))
        guard fd >= 0 else {
            let code = errno
            if code == EROFS || code == EACCES || code == EPERM {
                throw LogError(
                    .io,
                    "the ledger is read-only here (\(String(cString: strerror(code)))): appending needs write access; reading, verifying and replaying do not",
                    file: directory.lockPath,
                    errno: code
                )
            }
            throw FileIO.failure("open", directory.lockPath, errno: code)
        }
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, lockTimeout) * 1e9)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, DispatchTime.now().uptimeNanoseconds < deadline else {
                let code = errno
                Glibc.close(fd)
                if code == EWOULDBLOCK {
                    throw LogError(
                        .locked,
                        "another process has been appending for over \(lockTimeout) s; try again when it is done",
                        file: directory.lockPath
                    )
                }
                throw FileIO.failure("flock", directory.lockPath, errno: code)
            }
            usleep(5_000)
        }
        lockFD = fd
        head = .empty
        do {
            try removeUnfinishedSeals()
            head = try findHead()
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    private func close() { Glibc.close(lockFD) }

    /// A seal interrupted before its rename leaves a `.sealing` file; the segment itself is intact.
    private func removeUnfinishedSeals() throws(LogError) {
        for name in try FileIO.list(directory.logPath) where name.hasSuffix(".lz4.sealing") {
            unlink(directory.logPath + "/" + name)
        }
    }

    // MARK: - Finding the head

    private func findHead() throws(LogError) -> LogHead {
        let numbers = try directory.segmentNumbers()
        guard let last = numbers.last else { return .empty }
        let before = try tail(ofSegmentBefore: last, in: numbers)
        var head: LogHead
        if let quick = try quickHead(last, before: before) {
            head = quick
        } else {
            head = try recover(last, before: before)
        }
        if head.lastLine == nil && head.seq > 0 {
            // The last segment holds no commit yet: the last line is the previous segment's.
            head.lastLine = try tail(ofSegmentBefore: last, in: numbers, withLastLine: true).lastLine
        }
        return head
    }

    /// The state at the end of the segment preceding `number`: its last trailer, trusted because
    /// a segment is only left behind whole (sealed, or full and verified by the append after it).
    /// Reads the trailer alone; the last line (a large sealed frame to decompress) only when
    /// `withLastLine`, which an empty last segment needs.
    private func tail(
        ofSegmentBefore number: Int,
        in numbers: [Int],
        withLastLine: Bool = false
    ) throws(LogError) -> LogHead {
        guard let index = numbers.firstIndex(of: number), index > 0 else { return .empty }
        let previous = numbers[index - 1]
        let path = directory.segmentPath(previous)
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
                    file: directory.segmentName(previous),
                    offset: trailerStart
                )
            }
            var lastLine: [UInt8]?
            if withLastLine {
                let frameStart = trailerStart - trailer.frameLength
                let frame = try FileIO.pread(fd, path: path, offset: max(0, frameStart), count: trailer.frameLength)
                guard frameStart >= 0, case .frame(let content, _) = LZ4Frame.decode(frame, at: 0) else {
                    throw LogError(
                        .corrupt,
                        "the last frame does not check out",
                        file: directory.segmentName(previous),
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
    private func quickHead(_ number: Int, before: LogHead) throws(LogError) -> LogHead? {
        let path = directory.segmentPath(number)
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

    /// Scans the last segment; a torn tail is copied to a `.broken` file and cut off, damage with
    /// good commits after it is corruption.
    private func recover(_ number: Int, before: LogHead) throws(LogError) -> LogHead {
        let path = directory.segmentPath(number)
        let name = directory.segmentName(number)
        let bytes = try FileIO.read(path)
        let scan = SegmentScan(bytes: bytes, firstSeq: before.seq + 1, prevHash: before.hash)
        guard let damage = scan.damage else {
            throw LogError(.corrupt, "the segment's last commit does not check out", file: name, offset: bytes.count)
        }
        if damage.hasGoodCommitsAfter {
            throw LogError(.corrupt, damage.reason + ", and whole commits follow it", file: name, offset: damage.offset)
        }
        let broken = path + ".\(damage.offset).broken"
        try FileIO.writeAtomically(Array(bytes[damage.offset...]), to: broken, mode: directory.access.fileMode)
        guard truncate(path, off_t(damage.offset)) == 0 else { throw FileIO.failure("truncate", path) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileIO.failure("open", path) }
        defer { Glibc.close(fd) }
        try FileIO.fsync(fd, path: path)
        recoveryNote =
            "recovered from an interrupted append: \(bytes.count - damage.offset) bytes at \(name) offset \(damage.offset) (\(damage.reason)) set aside in \((broken as NSString).lastPathComponent)"
        guard let last = scan.commits.last else {
            return before.emptySegment(number)
        }
        return LogHead(after: last, in: number, segmentSize: last.end)
    }

    // MARK: - Appending

    /// Appends `lines` (stored lines without `\n`, seqs following the head, chained) as one
    /// commit: one LZ4 frame and its trailer, written and fsynced before returning.
    /// - Throws: `LogError.io` on any write or fsync failure; the writer must then stop.
    public func append(_ lines: [[UInt8]]) throws(LogError) {
        guard let lastLine = lines.last else { return }
        var content: [UInt8] = []
        content.reserveCapacity(lines.reduce(0) { $0 + $1.count + 1 })
        for line in lines {
            content += line
            content.append(UInt8(ascii: "\n"))
        }
        var target = head
        if head.isSealed || head.segmentBytes >= directory.segmentLimit {
            target.segment += 1
            target.segmentSize = 0
            target.segmentBytes = 0
            target.isSealed = false
        }
        let frame = LZ4Frame.compress(content)
        let lastHash = SHA256Hex.digest(lastLine)
        let trailer = CommitTrailer(
            firstSeq: head.seq + 1,
            lastSeq: head.seq + lines.count,
            frameLength: frame.count,
            segmentBytes: target.segmentBytes + content.count,
            lastHash: lastHash,
            isSealed: false
        )
        let path = directory.segmentPath(target.segment)
        let isNew = !FileIO.exists(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, mode_t(directory.access.fileMode))
        guard fd >= 0 else { throw FileIO.failure("open", path) }
        defer { Glibc.close(fd) }
        do {
            try FileIO.pwrite(fd, path: path, frame + trailer.encoded, at: target.segmentSize)
            try FileIO.fsync(fd, path: path)
            if isNew { try FileIO.fsyncDirectory(directory.logPath) }
        } catch {
            // A full disk or an I/O error: cut the partial commit off at once, so the ledger is
            // valid and the space is free again (if this fails too, the next writer's recovery
            // sets the torn tail aside). The commit was never acknowledged.
            if ftruncate(fd, off_t(target.segmentSize)) == 0 { _ = Glibc.fsync(fd) }
            if isNew { unlink(path) }
            throw error
        }
        target.segmentSize += frame.count + CommitTrailer.size
        target.segmentBytes = trailer.segmentBytes
        target.seq = trailer.lastSeq
        target.hash = lastHash
        target.lastLine = lastLine
        head = target
    }

    // MARK: - Sealing

    /// Seals the last segment if it has reached the segment limit.
    /// - Returns: whether a segment was sealed.
    @discardableResult
    public func sealIfFull() throws(LogError) -> Bool {
        guard head.segmentBytes >= directory.segmentLimit, !head.isSealed, head.segmentSize > 0 else { return false }
        try SegmentSealer(directory: directory).seal(head.segment, expectedLastSeq: head.seq)
        head = try findHead()
        return true
    }
}
