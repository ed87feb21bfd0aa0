import LedgerCore
import LedgerLog
import LedgerTestSupport
import Testing

@testable import LedgerProjections

/// A ledger of the random history of `seed`, each event appended at its own instant, with its
/// append index at the head; and that history.
func indexedLedger(seed: UInt64, at path: String) throws -> (LedgerDirectory, [GeneratedEvent]) {
    let (directory, generated) = try randomLedger(at: path + "/l\(seed)", seed: seed, attempts: 160)
    try LogWriter.withWriter(directory) { try EventIndex().open(directory, head: $0.head) }
    return (directory, generated)
}

@Suite struct CompanyReplayTests {
    @Test(
        "R4, R5, R10, R26: a replay of named companies from the append index gives, at every instant, their histories as a replay of the whole log does"
    )
    func namedCompaniesAsTheWholeLog() throws {
        var types: Set<EventType> = []
        for seed in [3, 14, 15, 92, 65] as [UInt64] {
            try withTemporaryDirectory { path in
                let (directory, generated) = try indexedLedger(seed: seed, at: path)
                types.formUnion(generated.map(\.stored.type))
                let history = try LedgerHistory.load(directory)
                let head = try #require(try LogHead.quick(directory))
                let companies = (0..<8).map { CompanyID("K\($0)")! }
                // Before the first event, at every fifth event's instant and a millisecond before
                // it (a prefix ending just there), and after the last.
                var instants = [Instant(milliseconds: 0), Instant(milliseconds: Int64.max / 2)]
                for event in generated.enumerated() where event.offset % 5 == 0 {
                    instants += [
                        event.element.recorded, Instant(milliseconds: event.element.recorded.milliseconds - 1),
                    ]
                }
                for instant in instants {
                    let whole = try history.fold(knownAt: instant)
                    for (i, company) in companies.enumerated() {
                        // One company, and two at once (their recommenders and recommendees overlap).
                        for named in [[company], [company, companies[(i + 3) % companies.count]]] {
                            let fold = try #require(
                                try CompanyReplay.fold(of: Set(named), knownAt: instant, in: directory, head: head)
                            )
                            for company in named {
                                #expect(
                                    fold.history(of: company) == whole.history(of: company),
                                    "seed \(seed), \(company) known at \(instant)"
                                )
                            }
                        }
                    }
                }
            }
        }
        #expect(types.isSuperset(of: [.recommendationReceived, .eventReversed, .indexRoundRecorded, .delayExcused]))
    }

    @Test("R4: without an append index at the log's head, a replay of named companies gives way to a whole replay")
    func untrustedIndexGivesWay() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            try append([EventJSON.schedule()] + simpleEvents(companies: 2), to: directory)
            let named: Set<CompanyID> = [CompanyID("C0")!]
            let now = Instant("2030-01-01T00:00:00Z")!
            // No index at all.
            #expect(
                try CompanyReplay.fold(of: named, knownAt: now, in: directory, head: LogHead.quick(directory)!) == nil
            )
            try LogWriter.withWriter(directory) { try EventIndex().open(directory, head: $0.head) }
            #expect(
                try CompanyReplay.fold(of: named, knownAt: now, in: directory, head: LogHead.quick(directory)!)?
                    .history(of: CompanyID("C0")!) == LedgerHistory.load(directory).fold().history(of: CompanyID("C0")!)
            )
            // Appended without the index: it is behind the log.
            try append(simpleEvents(companies: 1, from: 2), to: directory)
            #expect(
                try CompanyReplay.fold(of: named, knownAt: now, in: directory, head: LogHead.quick(directory)!) == nil
            )
        }
    }
}
