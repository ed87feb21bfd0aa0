import LedgerCore
import LedgerTestSupport
import Testing

@testable import LedgerLog

@Suite struct HistoryLoadTests {
    /// A load puts each event straight into its place in arrays sized by a guess from the log's
    /// bytes; a log that holds more events than the guess is read again with more room.
    @Test(
        "a load with too little room for the log's events gives nothing, and the load retried with more gives every event"
    )
    func loadBeyondGuessedRoom() throws {
        try withTemporaryDirectory { path in
            let (directory, lines) = try threeCommits(at: path + "/l")
            let loaded = try LedgerHistory.load(directory, withIDs: true)
            #expect(loaded.count == lines.count)
            #expect(loaded.events.map(\.seq) == Array(1...lines.count))
            for room in [1, 11, lines.count - 1] {
                #expect(try LedgerHistory.load(directory, capacity: room, withIDs: true, progress: nil) == nil)
            }
            let exact = try #require(
                try LedgerHistory.load(directory, capacity: lines.count, withIDs: true, progress: nil)
            )
            #expect(exact.events == loaded.events)
            #expect(exact.recorded == loaded.recorded)
            #expect(exact.ids == loaded.ids)
            #expect(exact.commitHashes == loaded.commitHashes)
        }
    }

    /// A large commit (a year of a large ledger) is decoded in pieces, on every core.
    @Test("a load that decodes each commit in pieces of a few lines gives what a load of whole commits gives")
    func loadInPieces() throws {
        try withTemporaryDirectory { path in
            let (directory, lines) = try threeCommits(at: path + "/l")
            let whole = try load(directory, capacity: lines.count, pieceBytes: 1 << 30)
            for pieceBytes in [1, 300, 2_000] {
                let pieces = try load(directory, capacity: lines.count, pieceBytes: pieceBytes)
                #expect(pieces.events == whole.events, "\(pieceBytes) bytes a piece")
                #expect(pieces.recorded == whole.recorded, "\(pieceBytes) bytes a piece")
                #expect(pieces.ids == whole.ids, "\(pieceBytes) bytes a piece")
                #expect(pieces.commitHashes == whole.commitHashes, "\(pieceBytes) bytes a piece")
            }
        }
    }

    /// A sealed segment holds some 100 MB of frames, decompressed a window at a time.
    @Test("a load that decompresses a few commits at a time gives what a load of whole segments gives")
    func loadInWindows() throws {
        try withTemporaryDirectory { path in
            let (directory, lines) = try threeCommits(at: path + "/l")
            func load(window: Int?) throws -> LedgerHistory {
                try #require(
                    try LedgerHistory.load(
                        directory,
                        capacity: lines.count,
                        withIDs: true,
                        progress: nil,
                        window: window
                    )
                )
            }
            let whole = try load(window: nil)
            for window in [1, 300, 100_000] {
                let windowed = try load(window: window)
                #expect(windowed.events == whole.events, "windows of \(window) bytes")
                #expect(windowed.recorded == whole.recorded, "windows of \(window) bytes")
                #expect(windowed.ids == whole.ids, "windows of \(window) bytes")
                #expect(windowed.commitHashes == whole.commitHashes, "windows of \(window) bytes")
            }
            var verifier = LogVerifier(directory)
            verifier.window = 1
            #expect(try verifier.verify().headHash == (try LogVerifier(directory).verify().headHash))
        }
    }

    /// A fold reads the reversals first (R26); a load notes where it put them as it decodes.
    @Test("R26: a load notes where every reversal is, in order, whether its commits are decoded whole or in pieces")
    func reversalsNoted() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            let generated = RandomHistory.generate(seed: 23, attempts: 400)
            // Commits of a few events, so that pieces of a few lines split them.
            for batch in stride(from: 0, to: generated.count, by: 9) {
                let events = generated[batch..<min(generated.count, batch + 9)]
                try append(events.map(\.json), to: directory, at: events.last!.recorded.description)
            }
            for pieceBytes in [1, 300, 1 << 30] {
                let history = try load(directory, capacity: generated.count, pieceBytes: pieceBytes)
                let scanned = history.events.indices.filter { history.events[$0].event.type == .eventReversed }
                #expect(scanned.count >= 3, "the history reverses events")
                #expect(history.reversals == scanned, "\(pieceBytes) bytes a piece")
            }
        }
    }

    @Test("a commit's pieces are whole lines, in order, covering its content and its trailer's seqs")
    func piecesCoverTheCommit() throws {
        try withTemporaryDirectory { path in
            let (directory, _) = try threeCommits(at: path + "/l")
            var commits: [Commit] = []
            try LogReader(directory).forEachSegment { _, found in commits += found }
            for bytes in [1, 300, 2_000, 1 << 30] {
                let pieces = CommitPiece.pieces(of: commits, bytes: bytes)
                for (k, commit) in commits.enumerated() {
                    let own = pieces.filter { $0.commit == k }
                    #expect(own.first?.bytes.lowerBound == 0 && own.last?.bytes.upperBound == commit.content.count)
                    #expect(own.first?.seqs.lowerBound == commit.trailer.firstSeq)
                    #expect(own.last?.seqs.upperBound == commit.trailer.lastSeq + 1)
                    for (a, b) in zip(own, own.dropFirst()) {
                        #expect(a.bytes.upperBound == b.bytes.lowerBound && a.seqs.upperBound == b.seqs.lowerBound)
                    }
                    for piece in own {
                        let text = commit.content[piece.bytes]
                        #expect(text.last == UInt8(ascii: "\n"), "\(bytes) bytes a piece")
                        #expect(text.count { $0 == UInt8(ascii: "\n") } == piece.seqs.count, "\(bytes) bytes a piece")
                    }
                    // A line to a piece when a piece is a byte; one piece when the commit fits in one.
                    if bytes == 1 { #expect(own.count == commit.trailer.lastSeq - commit.trailer.firstSeq + 1) }
                    if bytes > commit.content.count { #expect(own.count == 1) }
                }
            }
        }
    }

    /// Verify puts each checked event in its place the same way, and checks again with more room.
    @Test("verify with too little room for the log's events checks again with more, and finds what it finds with room")
    func verifyBeyondGuessedRoom() throws {
        try withTemporaryDirectory { path in
            let (directory, lines) = try threeCommits(at: path + "/l")
            let guessed = try LogVerifier(directory).verify()
            #expect(guessed.events == lines.count)
            for room in [1, 11, lines.count - 1, lines.count] {
                #expect(try LogVerifier(directory).verify(extending: nil, progress: nil, room: room) == guessed)
            }
        }
    }

    /// A load with room for `capacity` events, each commit decoded in pieces of `pieceBytes`.
    func load(_ directory: LedgerDirectory, capacity: Int, pieceBytes: Int) throws -> LedgerHistory {
        try #require(
            try LedgerHistory.load(
                directory,
                capacity: capacity,
                withIDs: true,
                progress: nil,
                pieceBytes: pieceBytes
            )
        )
    }

    /// A ledger of three commits of ten or more events each, and the events' input lines.
    func threeCommits(at path: String) throws -> (LedgerDirectory, [String]) {
        let directory = try LedgerDirectory.create(at: path)
        let lines = [EventJSON.schedule()] + simpleEvents(companies: 6)
        for batch in stride(from: 0, to: lines.count, by: 11) {
            try append(Array(lines[batch..<min(lines.count, batch + 11)]), to: directory)
        }
        return (directory, lines)
    }
}
