import LedgerCore
import LedgerLog
import LedgerTestSupport
import Testing

@Suite struct RandomAppendTests {
    /// Seed 31 once failed here: the generator judged each candidate with every earlier fee
    /// request's amount filled in afresh, so a class change later reversed changed an amount the
    /// ledger had already stored, and the two disagreed about a void.
    @Test(
        "R5/R15: a random valid history is accepted one append at a time, and the log holds the events as generated, amounts filled in when appended",
        arguments: [2, 19, 31] as [UInt64]
    )
    func appendsEveryGeneratedEvent(seed: UInt64) throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            let generated = RandomHistory.generate(seed: seed, attempts: 250)
            for (i, event) in generated.enumerated() {
                #expect(throws: Never.self, "seed \(seed), event \(i + 1): \(event.json)") {
                    try append([event.json], to: directory, at: event.recorded.description)
                }
            }
            #expect(try LedgerHistory.load(directory).events == RandomHistory.sequenced(generated), "seed \(seed)")
        }
    }
}
