import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

@testable import LedgerLog

@Suite("Sealing a segment in many frames")
struct SegmentSealerTests {
    @Test("a seal in many frames keeps every line whole and in order, each frame under its limit, and the chain")
    func manyFrames() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            try append([EventJSON.schedule()], to: directory)
            // Single appends (a commit each) and batches (many lines in one commit), so that
            // frames begin and end inside commits and span several.
            for i in 0..<40 { try append(simpleEvents(companies: i % 3 == 0 ? 4 : 1, from: i * 4), to: directory) }
            let before = try storedLines(directory)
            let head = try Digest.current(directory)
            var sealer = SegmentSealer(directory: directory)
            sealer.frameContentLimit = 2_000
            try sealer.seal(1, expectedLastSeq: head.seq)

            #expect(try stockDecompress(directory.path) == before)
            #expect(try storedLines(directory) == before)
            let summary = try LogVerifier(directory).verify()
            #expect(summary.events == head.seq)
            #expect(summary.headHash == head.hash)
            let scan = SegmentScan(bytes: try FileIO.read(directory.segmentPath(1)), firstSeq: 1, prevHash: nil)
            #expect(scan.damage == nil)
            #expect(scan.commits.count > 10)
            var next = 1
            for commit in scan.commits {
                #expect(commit.trailer.isSealed)
                #expect(commit.trailer.firstSeq == next)
                #expect(commit.content.count <= 2_000)
                #expect(commit.content.last == UInt8(ascii: "\n"))
                #expect(commit.trailer.lastHash == SHA256Hex.digest(commit.lastLine))
                next = commit.trailer.lastSeq + 1
            }
            #expect(next == head.seq + 1)
            // A frame is full: the next frame's first line would not have fitted in it.
            for (commit, following) in zip(scan.commits, scan.commits.dropFirst()) {
                let firstLine = following.content.prefix { $0 != UInt8(ascii: "\n") }.count + 1
                #expect(commit.content.count + firstLine > 2_000)
            }
        }
    }

    @Test("a line longer than the frame limit has a frame of its own")
    func longLine() throws {
        let commits = [commit(["a", String(repeating: "b", count: 50), "c"])]
        let plans = SegmentSealer.frames(of: commits, limit: 10)
        #expect(plans.map(\.seqs) == [1..<2, 2..<3, 3..<4])
        #expect(plans.map(\.bytes) == [2, 51, 2])
    }

    @Test("the rewrite's check compares bytes end to end, however each side is cut into commits")
    func sameContent() {
        let whole = [commit(["ab", "cd"])]
        #expect(SegmentSealer.sameContent(whole, [commit(["ab"]), commit(["cd"])]))
        #expect(SegmentSealer.sameContent(whole, [commit(["ab"]), commit([]), commit(["cd"])]))
        #expect(!SegmentSealer.sameContent(whole, [commit(["ab"]), commit(["cx"])]))
        #expect(!SegmentSealer.sameContent(whole, [commit(["ab"])]))
        #expect(!SegmentSealer.sameContent([commit(["ab"])], whole))
        #expect(SegmentSealer.sameContent([], [commit([])]))
    }

    /// A commit holding `lines`, each ending in `\n` (its trailer's seqs from 1).
    private func commit(_ lines: [String]) -> Commit {
        let content = Array(lines.map { $0 + "\n" }.joined().utf8)
        let trailer = CommitTrailer(
            firstSeq: 1,
            lastSeq: max(lines.count, 1),
            frameLength: 0,
            segmentBytes: content.count,
            lastHash: [UInt8](repeating: 0, count: 32),
            isSealed: false
        )
        return Commit(offset: 0, content: content, trailer: trailer)
    }
}
