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
