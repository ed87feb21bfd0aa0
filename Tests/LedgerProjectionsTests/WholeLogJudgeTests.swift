import LedgerCore
import LedgerTestSupport
import Testing

@testable import LedgerLog
@testable import LedgerProjections

/// A batch naming most companies is judged, through the index, with the whole log, read by the
/// append and used up as it is folded (`LedgerHistory.judgingFold`): it must fill and refuse
/// exactly as the fold in one piece of the stored events and the batch does.
@Suite struct WholeLogJudgeTests {
    static let companies = 4_200

    /// A schedule, then companies that join and pay: more events than a fold in one piece takes
    /// on its own (`LedgerHistory.eventsForParts`).
    func stored() -> [String] { [EventJSON.schedule()] + simpleEvents(companies: WholeLogJudgeTests.companies) }

    /// Each company's next request, its amount left to the ledger (R15).
    func requests() -> [String] {
        (0..<WholeLogJudgeTests.companies).map { EventJSON.requested("C\($0)", on: "2025-04-02", period: "2025-26") }
    }

    /// The events of `lines`, as the fold in one piece takes them, seqs from 1.
    func events(_ lines: [String]) throws -> [SequencedEvent] {
        try lines.enumerated().map { k, line in
            SequencedEvent(seq: k + 1, event: try EventCodec.decodeInput(try JSONParser.parse(line)).event)
        }
    }

    /// Appends `batch` onto a ledger holding `stored()`, through the index.
    func appendThroughIndex(_ batch: [String], in path: String) throws -> LedgerDirectory {
        let directory = try LedgerDirectory.create(at: path + "/l")
        try append(stored(), to: directory, at: "2025-04-01T02:00:00Z")
        let inputs = try batch.map { try EventCodec.decodeInput(try JSONParser.parse($0)) }
        let appender = EventAppender(directory: directory, now: Instant("2025-04-03T02:00:00Z")!, actor: "t")
        try appender.append(inputs, history: EventIndex()) { _ in }
        return directory
    }

    @Test(
        "R15: a batch judged with the whole log, used up as it is folded, fills the amounts the fold in one piece fills"
    )
    func fillsAsOnePiece() throws {
        let storedCount = stored().count
        #expect(storedCount + WholeLogJudgeTests.companies > LedgerHistory.eventsForParts)
        let reference = try MembershipFold.fold(try events(stored() + requests()))
        #expect(reference.filledAmounts.count == WholeLogJudgeTests.companies)
        try withTemporaryDirectory { path in
            let directory = try appendThroughIndex(requests(), in: path)
            let history = try LedgerHistory.load(directory)
            #expect(history.count == storedCount + WholeLogJudgeTests.companies)
            for event in history.events.dropFirst(storedCount) {
                guard case .feeRequested(_, let amount) = event.event.body else {
                    Issue.record("seq \(event.seq) is not a request")
                    continue
                }
                #expect(amount != nil && amount == reference.filledAmounts[event.seq], "seq \(event.seq)")
            }
        }
    }

    @Test(
        "R5: a batch judged with the whole log is refused with the first broken rule, at its line or at the stored event it breaks",
        arguments: [false, true]
    )
    func refusesAsOnePiece(breaksStored: Bool) throws {
        let storedCount = stored().count
        var batch = requests()
        // A payment under a reference C7 already used (R16), or the reversal of C7's stored
        // admission, after which its stored request no longer holds.
        let approval = 1 + 5 * 7 + 3
        batch.insert(
            breaksStored
                ? EventJSON.reversal(of: approval, on: "2024-05-03")
                : EventJSON.paid("C7", on: "2025-04-02", amount: "10", reference: "R7"),
            at: 2_000
        )
        let expected = try #require(
            #expect(throws: LedgerError.self) { try MembershipFold.fold(try events(stored() + batch)) }
        )
        let expectedSeq = try #require(expected.seq)
        #expect((expectedSeq <= storedCount) == breaksStored)
        try withTemporaryDirectory { path in
            let refused = #expect(throws: LedgerError.self) { try appendThroughIndex(batch, in: path) }
            let error = try #require(refused)
            #expect(error.rule == expected.rule)
            #expect(error.seq == expectedSeq)
            if breaksStored {
                #expect(error.reason.hasPrefix("the batch would make seq \(expectedSeq)"))
                #expect(error.reason.hasSuffix(expected.reason))
            } else {
                #expect(error.reason == expected.reason)
                #expect(error.line == expectedSeq - storedCount)
            }
            #expect(try LedgerHistory.load(try LedgerDirectory(opening: path + "/l")).count == storedCount)
        }
    }
}
