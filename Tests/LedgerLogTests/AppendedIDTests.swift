import LedgerCore
import LedgerTestSupport
import Testing

@testable import LedgerLog

/// The ids an append gives events that come without one.
@Suite struct AppendedIDTests {
    @Test("one commit's new ids cost LZ4 a few bytes each, where random ids cost their 32 hex digits")
    func timeOrderedCompress() {
        func bytesPerID(_ ids: [EventID]) -> Double {
            let text = ids.map { "{\"id\":\"\($0)\",\"recorded\":\"2024-12-31T02:00:00.000Z\"}\n" }.joined()
            return Double(LZ4Frame.compress(Array(text.utf8), level: 9).count) / Double(ids.count)
        }
        let recorded = Instant("2024-12-31T02:00:00Z")!
        #expect(bytesPerID(EventID.timeOrdered(count: 2_000, recorded: recorded)) < 8)
        #expect(bytesPerID(EventID.random(count: 2_000)) > 30)
    }

    @Test(
        "an append gives the events that bring no id one counter's ids at its recorded instant, and keeps an input's own"
    )
    func appendedIDs() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            let own = "0b5e9a3c-2f1d-4c7e-9a6b-3d2e1f0a9b8c"
            let first = simpleEvents(companies: 2)
            let lines =
                [EventJSON.schedule()] + first.prefix(3) + ["{\"id\":\"\(own)\"," + first[3].dropFirst()]
                + first.dropFirst(4)
            try append(lines, to: directory, at: "2024-12-31T02:00:00.250Z")
            try append(simpleEvents(companies: 2, from: 2), to: directory, at: "2024-12-31T02:00:00.250Z")
            let records = try LedgerHistory.storedRecords(directory)
            let ids = records.map { EventID(stored: $0.id)! }
            #expect(ids[4].description == own)
            var made = ids
            made.remove(at: 4)
            let fields = made.map(EventIDFields.init)
            #expect(fields.allSatisfy { $0.version == 7 && $0.milliseconds == 1_735_610_400_250 })
            // Within a commit each counter is the one before it plus one; the second commit,
            // recorded in the same millisecond, starts from a random counter of its own.
            let secondCommit = lines.count - 1  // The first commit's made ids: all but the input's own.
            for i in 1..<made.count where i != secondCommit {
                #expect(fields[i - 1].counter.next == fields[i].counter)
            }
            #expect(Set(ids).count == ids.count)
        }
    }

    @Test("an append that would number an event past 4,294,967,295 is refused, and one that reaches it is not")
    func lastSeq() throws {
        let max = SequencedEvent.maxSeq
        #expect(max == 4_294_967_295)
        let refused = #expect(throws: LogError.self) { try EventAppender.checkRoom(after: max - 2, adding: 3) }
        #expect(refused?.code == .full && refused?.seq == max - 2)
        #expect(throws: LogError.self) { try EventAppender.checkRoom(after: max, adding: 1) }
        #expect(throws: Never.self) { try EventAppender.checkRoom(after: max - 2, adding: 2) }
        #expect(throws: Never.self) { try EventAppender.checkRoom(after: 0, adding: 100_000) }
    }
}
