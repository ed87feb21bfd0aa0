import LedgerCore

/// One commit found in a segment: a data frame and its trailer.
public struct Commit: Sendable {
    /// Byte offset of the data frame in the segment file.
    public var offset: Int
    /// The decompressed lines, each ending in `\n`.
    public var content: [UInt8]
    public var trailer: CommitTrailer
    /// Byte offset just past the trailer.
    public var end: Int { offset + trailer.frameLength + CommitTrailer.size }

    /// The commit's last line, without its `\n`.
    public var lastLine: [UInt8] { Commit.lastLine(of: content) }

    /// The last line of `content` (lines each ending in `\n`), without its `\n`.
    static func lastLine(of content: [UInt8]) -> [UInt8] {
        let start = (content.dropLast().lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
        return Array(content[start..<(content.count - 1)])
    }
}

/// Where a segment stops checking out.
public struct SegmentDamage: Sendable, Hashable {
    public var offset: Int
    public var reason: String
    /// Whether a whole, verifiable commit lies after the damage: then it is corruption, not a torn tail.
    public var hasGoodCommitsAfter: Bool
}

/// The commits of one segment file, in order, and the damage that stopped the scan, if any.
public struct SegmentScan: Sendable {
    public var commits: [Commit] = []
    public var damage: SegmentDamage?

    /// Scans a segment's bytes commit by commit, checking each frame's checksum and its trailer.
    /// - Parameters:
    ///   - firstSeq: the seq the segment must start with (nil: whatever its first trailer says).
    ///   - prevHash: the raw hash its first line must chain to (nil: not checked).
    public init(bytes: [UInt8], firstSeq: Int?, prevHash: [UInt8]?) {
        self.init(
            bytes: bytes,
            offsets: SegmentScan.commitOffsets(in: bytes).offsets,
            from: SegmentScan.Start(offset: 0, firstSeq: firstSeq, prevHash: prevHash, segmentBytes: 0),
            before: bytes.count
        )
    }

    /// Scans a segment file as `init(bytes:firstSeq:prevHash:)` scans its bytes, reading about
    /// `window` bytes of frames at a time (nil: the whole file) into `buffer`: `body` is given the
    /// scan of each window's commits, decompressed, and freed when it returns; the last scan
    /// given holds the damage, if any. Offsets are the file's.
    ///
    /// A window ends with its last whole commit; where a window holds none, or one that does not
    /// check out, the rest of the file is read, so that damage is judged against all that follows
    /// it (`hasGoodCommitsAfter`) exactly as a scan of the whole file judges it.
    /// - Returns: the file's size.
    @discardableResult
    static func forEachWindow(
        ofFile path: String,
        firstSeq: Int?,
        prevHash: [UInt8]?,
        window: Int?,
        buffer: inout [UInt8],
        _ body: (SegmentScan) throws -> Void
    ) throws -> Int {
        // The file opened, sized and closed where every file is (`FileIO`); what the scan throws
        // is kept apart from the file's own errors, which are `LogError`s.
        let scanned = try FileIO.withReadOnlyFile(path) { fd, size throws(LogError) in
            Result { () throws -> Int in
                let start = Start(offset: 0, firstSeq: firstSeq, prevHash: prevHash, segmentBytes: 0)
                try forEachWindow(of: fd, path: path, size: size, from: start, window: window, buffer: &buffer, body)
                return size
            }
        }
        return try scanned.get()
    }

    /// `forEachWindow(ofFile:…)` of the open file `fd`, of `size` bytes.
    private static func forEachWindow(
        of fd: Int32,
        path: String,
        size: Int,
        from first: Start,
        window: Int?,
        buffer: inout [UInt8],
        _ body: (SegmentScan) throws -> Void
    ) throws {
        var start = first
        var span = window ?? size
        while true {
            let wanted = min(span, size - start.offset)
            try FileIO.pread(fd, path: path, offset: start.offset, count: wanted, into: &buffer)
            // The window's scan starts at its own byte 0; its offsets are moved to the file's after.
            let here = Start(
                offset: 0,
                firstSeq: start.firstSeq,
                prevHash: start.prevHash,
                segmentBytes: start.segmentBytes
            )
            if start.offset + wanted == size || buffer.count < wanted {
                try forEachWindow(of: buffer, from: here, window: window) { try body($0.shifted(by: start.offset)) }
                return
            }
            let whole = commitOffsets(in: buffer)
            let scan = SegmentScan(bytes: buffer, offsets: whole.offsets, from: here, before: whole.end)
            guard !scan.commits.isEmpty, scan.damage == nil else {
                span = size - start.offset
                continue
            }
            let shifted = scan.shifted(by: start.offset)
            try body(shifted)
            start = start.after(shifted)
        }
    }

    /// Scans `bytes` (a segment's, or the rest of one) from `start` a window at a time: `body` is
    /// given the scan of the commits that begin in each `window` bytes of frames (nil: all of
    /// them); the last scan given holds the damage, if any.
    private static func forEachWindow(
        of bytes: [UInt8],
        from start: Start,
        window: Int?,
        _ body: (SegmentScan) throws -> Void
    ) rethrows {
        let offsets = commitOffsets(in: bytes).offsets
        var start = start
        repeat {
            let end = window.map { offsets[...].first(atOrAfter: start.offset + $0) ?? bytes.count } ?? bytes.count
            let scan = SegmentScan(bytes: bytes, offsets: offsets, from: start, before: end)
            try body(scan)
            if scan.damage != nil { return }
            start = start.after(scan)
        } while start.offset < bytes.count
    }

    /// This scan with its offsets moved on by `base` (a window's scan, given the file's offsets).
    func shifted(by base: Int) -> SegmentScan {
        var scan = self
        for i in scan.commits.indices { scan.commits[i].offset += base }
        scan.damage?.offset += base
        return scan
    }

    /// Where a scan of part of a segment begins, and what its first commit must follow.
    struct Start {
        var offset: Int
        var firstSeq: Int?
        var prevHash: [UInt8]?
        /// The decompressed bytes of the segment's commits before `offset`.
        var segmentBytes: Int

        /// Where the scan after `scan` begins: after its last commit.
        func after(_ scan: SegmentScan) -> Start {
            guard let last = scan.commits.last else { return self }
            return Start(
                offset: last.end,
                firstSeq: last.trailer.lastSeq + 1,
                prevHash: last.trailer.lastHash,
                segmentBytes: last.trailer.segmentBytes
            )
        }
    }

    /// Scans the commits of a segment's bytes that begin from `start.offset` up to `end` (the
    /// last one may end past it), as the scan of the whole segment checks them.
    /// - Parameter offsets: `commitOffsets(in: bytes).offsets`.
    init(bytes: [UInt8], offsets: [Int], from start: Start, before end: Int) {
        // Each commit checked on its own on every core (decompression is most of a scan), where
        // the frames' block headers and the trailers say the commits lie; then the chain between
        // them in order. A commit that does not check out is checked again in order, alone, so
        // damage is found and described exactly as a scan one commit at a time would.
        let first = offsets[...].firstIndex(atOrAfter: start.offset)
        let wanted = offsets[first..<offsets[first...].firstIndex(atOrAfter: end)]
        // A run of the commits to each core, whose frames' checksums are summed together.
        let runs = max(1, min(wanted.count, AvailableCores.count))
        let alone = ParallelMap.map(runs) { run in
            SegmentScan.commits(
                in: bytes,
                at: Array(wanted[(first + wanted.count * run / runs)..<(first + wanted.count * (run + 1) / runs)])
            )
        }.flatMap { $0 }
        var offset = start.offset
        var nextSeq = start.firstSeq
        var segmentBytes = start.segmentBytes
        var prev: [UInt8]? = start.prevHash
        var k = 0
        while offset < bytes.count && offset < end {
            let checked: Result<Commit, Reason>
            if k < alone.count, wanted[first + k] == offset, case .success(let commit) = alone[k],
                SegmentScan.chains(commit, nextSeq: nextSeq, segmentBytes: segmentBytes, prevHash: prev)
            {
                checked = .success(commit)
            } else {
                checked = SegmentScan.commit(
                    in: bytes,
                    at: offset,
                    nextSeq: nextSeq,
                    segmentBytes: segmentBytes,
                    prevHash: prev
                )
            }
            k += 1
            switch checked {
            case .success(let commit):
                commits.append(commit)
                offset = commit.end
                nextSeq = commit.trailer.lastSeq + 1
                segmentBytes = commit.trailer.segmentBytes
                prev = commit.trailer.lastHash
            case .failure(let reason):
                damage = SegmentDamage(
                    offset: offset,
                    reason: reason.text,
                    hasGoodCommitsAfter: SegmentScan.hasGoodCommit(in: bytes, after: offset)
                )
                return
            }
        }
    }

    struct Reason: Error { var text: String }

    /// The commit at `offset`, checked: frame checksum, trailer, seq range, line count, last line's hash.
    static func commit(
        in bytes: [UInt8],
        at offset: Int,
        nextSeq: Int?,
        segmentBytes: Int?,
        prevHash: [UInt8]?
    ) -> Result<Commit, Reason> {
        checked(
            LZ4Frame.decode(bytes, at: offset),
            in: bytes,
            at: offset,
            nextSeq: nextSeq,
            segmentBytes: segmentBytes,
            prevHash: prevHash
        )
    }

    /// The commits at `offsets`, each checked on its own as `commit` checks it (the frames
    /// decoded together: `LZ4Frame.decode(_:at:)` of many).
    static func commits(in bytes: [UInt8], at offsets: [Int]) -> [Result<Commit, Reason>] {
        zip(offsets, LZ4Frame.decode(bytes, at: offsets)).map { offset, frame in
            checked(frame, in: bytes, at: offset, nextSeq: nil, segmentBytes: nil, prevHash: nil)
        }
    }

    /// The commit whose frame, at `offset`, decoded as `frame`, checked as `commit` says.
    private static func checked(
        _ frame: LZ4Frame.Decoded,
        in bytes: [UInt8],
        at offset: Int,
        nextSeq: Int?,
        segmentBytes: Int?,
        prevHash: [UInt8]?
    ) -> Result<Commit, Reason> {
        let (content, length, lines): ([UInt8], Int, Int)
        switch frame {
        case .frame(let c, let l, let ends):
            (content, length, lines) = (c, l, ends)
        case .truncated:
            return .failure(Reason(text: "the LZ4 frame is cut short (a torn write)"))
        case .damaged(let why):
            return .failure(Reason(text: "the LZ4 frame does not check out: \(why)"))
        }
        guard let trailer = CommitTrailer.decode(bytes, at: offset + length) else {
            return .failure(Reason(text: "the commit trailer after the frame is missing or damaged"))
        }
        guard trailer.frameLength == length else {
            return .failure(
                Reason(text: "the commit trailer gives a frame length of \(trailer.frameLength), not \(length)")
            )
        }
        if let nextSeq, trailer.firstSeq != nextSeq {
            return .failure(Reason(text: "the commit starts at seq \(trailer.firstSeq), expected \(nextSeq)"))
        }
        if let segmentBytes, trailer.segmentBytes != segmentBytes + content.count {
            return .failure(Reason(text: "the commit trailer's segment size does not add up"))
        }
        guard content.last == UInt8(ascii: "\n") else {
            return .failure(Reason(text: "the commit does not end with a whole line"))
        }
        guard lines == trailer.lastSeq - trailer.firstSeq + 1 else {
            return .failure(
                Reason(
                    text:
                        "the commit holds \(lines) lines, its trailer says seqs \(trailer.firstSeq)–\(trailer.lastSeq)"
                )
            )
        }
        guard SHA256Hex.digest(Commit.lastLine(of: content)) == trailer.lastHash else {
            return .failure(Reason(text: "the last line's hash differs from the commit trailer's"))
        }
        if let prevHash, StoredLine.prev(of: content[...]) != SHA256Hex.hex(prevHash) {
            return .failure(Reason(text: "the commit's first line does not chain to the line before it"))
        }
        return .success(Commit(offset: offset, content: content, trailer: trailer))
    }

    /// Whether a commit that checks out on its own follows the one before it: its first seq, its
    /// segment size and its first line's `prev` (the checks of `commit` that need that one).
    static func chains(_ commit: Commit, nextSeq: Int?, segmentBytes: Int?, prevHash: [UInt8]?) -> Bool {
        if let nextSeq, commit.trailer.firstSeq != nextSeq { return false }
        if let segmentBytes, commit.trailer.segmentBytes != segmentBytes + commit.content.count { return false }
        if let prevHash, StoredLine.prev(of: commit.content[...]) != SHA256Hex.hex(prevHash) { return false }
        return true
    }

    /// Where the commits of a segment begin, read from each data frame's header and block sizes
    /// and the trailer after it, without decompressing anything; up to the first place that does
    /// not read as a frame and its trailer, which is `end`.
    static func commitOffsets(in bytes: [UInt8]) -> (offsets: [Int], end: Int) {
        var offsets: [Int] = []
        var offset = 0
        while offset < bytes.count, let end = LZ4Frame.end(of: bytes, at: offset),
            let trailer = CommitTrailer.decode(bytes, at: end), trailer.frameLength == end - offset
        {
            offsets.append(offset)
            offset = end + CommitTrailer.size
        }
        return (offsets, offset)
    }

    /// Whether a whole commit that checks out on its own starts after `offset`.
    static func hasGoodCommit(in bytes: [UInt8], after offset: Int) -> Bool {
        let signature = CommitTrailer.signature
        var position = offset + 1
        while position + CommitTrailer.size <= bytes.count {
            if bytes[position] == signature[0], Array(bytes[position..<(position + signature.count)]) == signature,
                let trailer = CommitTrailer.decode(bytes, at: position)
            {
                let start = position - trailer.frameLength
                if start > offset,
                    case .success = commit(in: bytes, at: start, nextSeq: nil, segmentBytes: nil, prevHash: nil)
                {
                    return true
                }
            }
            position += 1
        }
        return false
    }
}

extension ArraySlice<Int> {
    /// The index of the first of these ascending offsets at or after `value` (`endIndex` when none is).
    func firstIndex(atOrAfter value: Int) -> Int { partitioningIndex { $0 >= value } }

    /// The first of these ascending offsets at or after `value`, nil when none is.
    func first(atOrAfter value: Int) -> Int? {
        let index = firstIndex(atOrAfter: value)
        return index < endIndex ? self[index] : nil
    }
}
