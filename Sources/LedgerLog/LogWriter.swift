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
        let before = try directory.tail(ofSegmentBefore: last, in: numbers)
        var head: LogHead
        if let quick = try directory.quickHead(last, before: before) {
            head = quick
        } else {
            head = try recover(last, before: before)
        }
        if head.lastLine == nil && head.seq > 0 {
            // The last segment holds no commit yet: the last line is the previous segment's.
            head.lastLine = try directory.tail(ofSegmentBefore: last, in: numbers, withLastLine: true).lastLine
        }
        return head
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
        var commit = LZ4Frame.compress(content)
        let lastHash = SHA256Hex.digest(lastLine)
        let trailer = CommitTrailer(
            firstSeq: head.seq + 1,
            lastSeq: head.seq + lines.count,
            frameLength: commit.count,
            segmentBytes: target.segmentBytes + content.count,
            lastHash: lastHash,
            isSealed: false
        )
        // The frame, then its trailer, for one pwrite (in the room the frame's buffer has left).
        commit += trailer.encoded
        let path = directory.segmentPath(target.segment)
        let isNew = !FileIO.exists(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, mode_t(directory.access.fileMode))
        guard fd >= 0 else { throw FileIO.failure("open", path) }
        defer { Glibc.close(fd) }
        do {
            try FileIO.pwrite(fd, path: path, commit, at: target.segmentSize)
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
        target.segmentSize += commit.count
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
