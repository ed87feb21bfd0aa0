import LedgerCore
import LedgerLog
import LedgerTestSupport
import Testing

@Suite struct StoredLineDecoderTests {
    @Test("the replay decoder reads every stored line as the general decoder does", arguments: [2, 19, 31] as [UInt64])
    func agreesWithGeneralDecoder(seed: UInt64) throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            let generated = RandomHistory.generate(seed: seed, attempts: 250)
            for event in generated {
                try append([event.json], to: directory, at: event.recorded.description)
            }
            let later = Instant(milliseconds: generated.last!.recorded.milliseconds + 86_400_000)
            // A name with quotes and non-ASCII text, which the fast decoder leaves to the general one.
            try append(
                [EventJSON.filed("Q", on: "2023-01-01", name: "Q \"Quality\" 品質 Ltd")],
                to: directory,
                at: later.description
            )
            var fastCount = 0
            for record in try LedgerHistory.storedRecords(directory) {
                let general = LoggedEvent(
                    seq: record.seq,
                    recorded: record.recorded,
                    id: EventID(stored: record.id)!,
                    event: record.event
                )
                let fast = record.line.withUnsafeBytes { StoredLineDecoder.decode($0) }
                if let fast {
                    #expect(fast == general, "seed \(seed), seq \(record.seq)")
                    fastCount += 1
                }
                #expect(try record.line.withUnsafeBytes { try LedgerHistory.decode($0) } == general)
            }
            let total = try LedgerHistory.storedRecords(directory).count
            #expect(fastCount == total - 1, "only the line with escapes takes the general path")
        }
    }

    @Test(
        "lines not in the ledger's own form are left to the general decoder",
        arguments: [
            #"{"seq":1,"type":"MemberResigned","v":1,"id":"x","recorded":"2024-01-01T00:00:00.000Z","by":"a","prev":"0","company":"A","on":"2024-01-01","extra":"1"}"#,
            #"{"seq":1,"type":"MemberResigned","v":2,"id":"x","recorded":"2024-01-01T00:00:00.000Z","by":"a","prev":"0","company":"A","on":"2024-01-01"}"#,
            #"{"seq":1,"type":"MemberResigned","v":1,"id":"x","recorded":"2024-01-01T00:00:00.000Z","company":"A","on":"2025-02-29"}"#,
            #"{"seq":1,"type":"MemberResigned","v":1,"id":"x","recorded":"2024-01-01T00:00:00.000Z","company":"A","on":"2024-01-01"} "#,
            #"{"seq":1, "type":"MemberResigned"}"#,
        ]
    )
    func refusesOtherForms(line: String) {
        #expect(Array(line.utf8).withUnsafeBytes { StoredLineDecoder.decode($0) } == nil)
    }
}
