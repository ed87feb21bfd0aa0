import LedgerCore
import LedgerTestSupport
import Testing

@testable import LedgerLog

@Suite struct ConsumingFoldTests {
    /// The events in a buffer of their own, as a load holds them, for a fold that uses them up.
    static func consumingFold(_ events: [SequencedEvent], parts: Int) -> MembershipFold? {
        let buffer = UnsafeMutableBufferPointer<SequencedEvent>.allocate(capacity: events.count)
        defer { buffer.deallocate() }
        _ = buffer.initialize(from: events)
        return LedgerHistory.consumingFold(buffer, notes: true, parts: parts)
    }

    @Test(
        "R4, R5, R26: a fold that uses its events up, in parts by company, gives every history the fold in one piece gives",
        arguments: Array(1...8) as [UInt64]
    )
    func sameHistories(seed: UInt64) throws {
        let events = RandomHistory.sequenced(RandomHistory.generate(seed: seed))
        let whole = try MembershipFold.fold(events)
        for parts in [1, 2, 3] {
            let consumed = try #require(Self.consumingFold(events, parts: parts), "seed \(seed), \(parts) parts")
            #expect(consumed.histories == whole.histories, "seed \(seed), \(parts) parts")
            #expect(consumed.filledAmounts == whole.filledAmounts, "seed \(seed), \(parts) parts")
        }
    }

    @Test(
        "a fold that uses its events up gives nothing for a history that breaks a rule, for the fold in one piece to name it"
    )
    func brokenRuleGivesNothing() throws {
        let lines =
            [EventJSON.schedule()] + simpleEvents(companies: 5)
            + [EventJSON.paid("NOBODY", on: "2024-06-01", amount: "1000", reference: "X")]
        let events = try sequenced(lines)
        #expect(throws: LedgerError.self) { try MembershipFold.fold(events) }
        for parts in [1, 2] { #expect(Self.consumingFold(events, parts: parts) == nil) }
    }

    @Test(
        "R2, R4: a replay read and folded with its events used up gives, at every instant, the fold of the events known then"
    )
    func loadFoldedKnownAt() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            let generated = RandomHistory.generate(seed: 19, attempts: 250)
            for event in generated { try append([event.json], to: directory, at: event.recorded.description) }
            let history = try LedgerHistory.load(directory)
            let instants =
                [nil]
                + [0, generated.count / 3, generated.count / 2, generated.count - 1].map {
                    generated[$0].recorded
                }
            for instant in instants {
                let expected = try history.folded(knownAt: instant)
                for threshold in [0, LedgerHistory.eventsForParts] {
                    let folded = try LedgerHistory.loadFolded(
                        directory,
                        knownAt: instant,
                        notes: true,
                        progress: nil,
                        consumingFrom: threshold
                    )
                    #expect(folded.fold.histories == expected.fold.histories, "known at \(String(describing: instant))")
                    #expect(folded.count == history.count)
                    #expect(folded.headHash == expected.headHash)
                }
            }
        }
    }
}
