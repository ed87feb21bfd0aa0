import Foundation

/// Part of a commit's lines, decoded as one task: a commit of a large ledger's year holds a
/// million events, which would otherwise be decoded on one core while the others wait.
struct CommitPiece: Sendable {
    /// The commit's index among those of its segment.
    var commit: Int
    /// Where its lines lie in the commit's content: whole lines, each with its `\n`.
    var bytes: Range<Int>
    /// The seqs of its lines.
    var seqs: Range<Int>

    /// `body` given the piece's lines, read in place in `commit` (the commit it names).
    func withLines<R>(in commit: Commit, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try commit.content.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[bytes])) }
    }

    /// About this many bytes of lines to a piece.
    static let bytes = 4 << 20

    /// The commits' lines in pieces of about `bytes`, cut at line ends, in order; a smaller
    /// commit is one piece.
    static func pieces(of commits: [Commit], bytes: Int = bytes) -> [CommitPiece] {
        var pieces: [CommitPiece] = []
        for (k, commit) in commits.enumerated() {
            var start = 0
            var seq = commit.trailer.firstSeq
            commit.content.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                // The last piece takes what is left when less than half a piece more would remain.
                while raw.count - start > bytes + bytes / 2,
                    let found = memchr(base + start + bytes, 0x0A, raw.count - start - bytes)
                {
                    let end = base.distance(to: UnsafeRawPointer(found)) + 1
                    var lines = 0
                    StoredLine.forEach(in: UnsafeRawBufferPointer(rebasing: raw[start..<end])) { _ in lines += 1 }
                    pieces.append(CommitPiece(commit: k, bytes: start..<end, seqs: seq..<(seq + lines)))
                    (start, seq) = (end, seq + lines)
                }
            }
            guard start < commit.content.count || pieces.last?.commit != k else { continue }
            // The scan has checked the commit's lines against its trailer: never an empty range here.
            let end = max(seq, commit.trailer.lastSeq + 1)
            pieces.append(CommitPiece(commit: k, bytes: start..<commit.content.count, seqs: seq..<end))
        }
        return pieces
    }
}
