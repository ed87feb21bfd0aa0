import LedgerCore
import LedgerLog
import LedgerTestSupport
import Testing

/// A batch judged with the whole history (it concerns everyone, or names most companies) is
/// folded in parts on every core once it is long enough: it must fill and refuse exactly as the
/// fold in one piece of the same events does.
@Suite struct WholeHistoryJudgeTests {
    /// A schedule (everyone's event), then companies that join and pay, then each one's next
    /// request with its amount left to the ledger (R15): more events than one fold in one piece
    /// takes on its own.
    func lines(companies: Int) -> [String] {
        [EventJSON.schedule()] + simpleEvents(companies: companies)
            + (0..<companies).map { EventJSON.requested("C\($0)", on: "2025-04-02", period: "2025-26") }
    }

    /// The events of `lines`, as the fold in one piece takes them, seqs from 1.
    func events(_ lines: [String]) throws -> [SequencedEvent] {
        try lines.enumerated().map { k, line in
            SequencedEvent(seq: k + 1, event: try EventCodec.decodeInput(try JSONParser.parse(line)).event)
        }
    }

    @Test("R15: the amounts a whole-history batch fills on every core are those the fold in one piece fills")
    func fillsAsOnePiece() throws {
        let lines = lines(companies: 4_200)
        #expect(lines.count > 20_000)
        let reference = try MembershipFold.fold(try events(lines))
        #expect(reference.filledAmounts.count == 4_200)
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            try append(lines, to: directory, at: "2025-04-03T02:00:00Z")
            for event in try LedgerHistory.load(directory).events {
                guard case .feeRequested(_, let amount) = event.event.body, event.seq > 1 + 5 * 4_200 else { continue }
                #expect(amount == reference.filledAmounts[event.seq], "seq \(event.seq)")
            }
        }
    }

    @Test("R5: a whole-history batch that breaks a rule is refused with the error the fold in one piece finds first")
    func refusesAsOnePiece() throws {
        // A second payment under a reference already used, in the middle of the batch.
        var lines = lines(companies: 4_200)
        lines.insert(EventJSON.paid("C7", on: "2024-05-06", amount: "10", reference: "R7"), at: 15_000)
        let folded = try events(lines)
        let expected = try #require(#expect(throws: LedgerError.self) { try MembershipFold.fold(folded) })
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            let error = #expect(throws: LedgerError.self) {
                try append(lines, to: directory, at: "2025-04-03T02:00:00Z")
            }
            #expect(error?.rule == expected.rule && error?.seq == expected.seq && error?.reason == expected.reason)
            #expect(error?.line == expected.seq, "the batch's line of that seq (the log was empty)")
            #expect(try LedgerHistory.load(directory).events.isEmpty)
        }
    }
}
