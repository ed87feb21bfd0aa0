import Foundation
import LedgerCore
import LedgerLog
import LedgerTestSupport
import Testing

@testable import LedgerProjections

@Suite struct RangedReplayTests {
    /// The rows of `status`, `arrears` and `voting` on a day.
    struct ViewRows: Equatable {
        var status: [StatusRow] = []
        var arrears: [ArrearsRow] = []
        var voting: [VotingRow] = []

        init() {}

        init(_ fold: MembershipFold, on day: Day) {
            (status, arrears, voting) = (fold.statusRows(on: day), fold.arrearsRows(on: day), fold.votingRows(on: day))
        }

        /// The rows of `a`'s companies, then `b`'s.
        static func + (a: ViewRows, b: ViewRows) -> ViewRows {
            var both = a
            both.status += b.status
            both.arrears += b.arrears
            both.voting += b.voting
            return both
        }
    }

    @Test(
        "R4, R10, R24, R25, R26: a replay in ranges of companies gives, at every instant, the status, arrears and voting rows of a replay in one piece"
    )
    func rangesGiveTheRowsOfOnePiece() throws {
        var types: Set<EventType> = []
        for seed in [3, 14, 92] as [UInt64] {
            try withTemporaryDirectory { path in
                let (directory, generated) = try indexedLedger(seed: seed, at: path)
                types.formUnion(generated.map(\.stored.type))
                let history = try LedgerHistory.load(directory)
                let head = try #require(try LogHead.quick(directory))
                // At every eleventh event's instant, a millisecond before it, and after the last.
                var instants = [Instant(milliseconds: Int64.max / 2)]
                for event in generated.enumerated() where event.offset % 11 == 3 {
                    instants += [
                        event.element.recorded, Instant(milliseconds: event.element.recorded.milliseconds - 1),
                    ]
                }
                let days = [generated[generated.count / 2].stored.on, Day("2031-06-30")!]
                for instant in instants {
                    let whole = try history.fold(knownAt: instant)
                    for ranges in [2, 3, 7] {
                        // Each range's rows on each day, range after range.
                        var parts: [ViewRows] = []
                        let outcome = try RangedReplay.replay(
                            of: directory,
                            head: head,
                            knownAt: instant,
                            ranges: ranges
                        ) { fold in parts += days.map { ViewRows(fold, on: $0) } }
                        #expect(outcome == .replayed, "seed \(seed), known at \(instant), \(ranges) ranges")
                        for (i, day) in days.enumerated() {
                            let joined = stride(from: i, to: parts.count, by: days.count).map { parts[$0] }
                            #expect(
                                joined.reduce(ViewRows(), +) == ViewRows(whole, on: day),
                                "seed \(seed), known at \(instant), as of \(day), \(ranges) ranges"
                            )
                        }
                    }
                }
            }
        }
        #expect(types.isSuperset(of: [.recommendationReceived, .eventReversed, .indexRoundRecorded, .delayExcused]))
    }

    @Test(
        "a replay in ranges leaves the replay to one piece when nothing was known yet, one range is asked for, or the append index is behind the log or missing"
    )
    func onePieceWhenRangesCannotAnswer() throws {
        try withTemporaryDirectory { path in
            let (directory, generated) = try indexedLedger(seed: 15, at: path)
            var head = try #require(try LogHead.quick(directory))
            /// The outcome, and whether any fold was handed over.
            func ranged(_ instant: Instant, ranges: Int) throws -> (RangedReplay.Outcome, Bool) {
                var handed = false
                let outcome = try RangedReplay.replay(of: directory, head: head, knownAt: instant, ranges: ranges) {
                    _ in
                    handed = true
                }
                return (outcome, handed)
            }
            let after = Instant(milliseconds: Int64.max / 2)
            #expect(try ranged(after, ranges: 2) == (.replayed, true))
            #expect(
                try ranged(Instant(milliseconds: generated[0].recorded.milliseconds - 1), ranges: 2) == (
                    .onePiece, false
                )
            )
            #expect(try ranged(after, ranges: 1) == (.onePiece, false))
            // An append the index has not seen: it is behind the head.
            try append([EventJSON.filed("LATE", on: "2031-01-02")], to: directory, at: "2031-01-02T02:00:00Z")
            head = try #require(try LogHead.quick(directory))
            #expect(try ranged(after, ranges: 2) == (.onePiece, false))
            try FileManager.default.removeItem(atPath: directory.path + "/index.sqlite")
            #expect(try ranged(after, ranges: 2) == (.onePiece, false))
        }
    }

    /// A ledger at `path/l` whose history breaks R10 across two ranges of companies
    /// (`recommendedByApplicant`, recorded on 2024-12-31), then a later commit (so that the history
    /// as known before it is replayed, not projected), with its append index at the head.
    func brokenAcrossRanges(at path: String) throws -> LedgerDirectory {
        let directory = try LedgerDirectory.create(at: path + "/l")
        try writeUnchecked(recommendedByApplicant, to: directory)
        try writeUnchecked(
            [EventJSON.schedule(on: "2025-01-01")],
            to: directory,
            recorded: Instant("2025-01-02T02:00:00Z")!
        )
        try LogWriter.withWriter(directory) { try EventIndex().open(directory, head: $0.head) }
        return directory
    }

    @Test(
        "R10: a replay in ranges of a stored history that breaks a rule across them stops once R10 is judged, after every range, and one piece names it"
    )
    func brokenRuleAcrossRanges() throws {
        try withTemporaryDirectory { path in
            let directory = try brokenAcrossRanges(at: path)
            let head = try #require(try LogHead.quick(directory))
            #expect(EventIndex().openForReading(directory, head: head), "the index can answer")
            var handed = 0
            let outcome = try RangedReplay.replay(
                of: directory,
                head: head,
                knownAt: Instant(milliseconds: Int64.max / 2),
                ranges: 2
            ) { _ in handed += 1 }
            #expect(outcome == .stopped(handed: 2) && handed == 2)
            let expected = try #require(try refusal(recommendedByApplicant))
            #expect(throws: expected) { try LedgerHistory.load(directory).fold() }
        }
    }

    @Test(
        "R4: status, arrears and voting known at a past instant fold the log in --ranges N, its events set aside in $TMPDIR or, where none can be written, read for each range, and write, in every format, what one range writes; --ranges 0 is refused"
    )
    func viewRangesOption() throws {
        try withTemporaryDirectory { path in
            let ledger = try LedgerProcess.seeded(at: path + "/l", companies: 9)
            // Known at the instant asked: a full member (R25) and a request unpaid; after it, the payment.
            let batches = [
                (
                    "2024-06-10T02:00:00Z",
                    [
                        EventJSON.filed("F1", on: "2024-06-03"), EventJSON.documents("F1", on: "2024-06-04"),
                        EventJSON.round("2024", on: "2024-06-04", included: ["F1"]),
                        EventJSON.approved("F1", on: "2024-06-05"),
                        EventJSON.requested("C2", on: "2024-06-06", period: "2025-26"),
                    ]
                ),
                ("2024-07-01T02:00:00Z", [EventJSON.paid("C2", on: "2024-06-20", amount: "1000", reference: "late-1")]),
            ]
            for (clock, lines) in batches {
                let appended = try ledger.run(
                    ["append", "--file", "-"],
                    stdin: lines.joined(separator: "\n"),
                    clock: clock
                )
                #expect(appended.status == 0, "\(appended.stderr)")
            }
            for view in ["status", "arrears", "voting"] {
                for format in ["json", "csv", "table"] {
                    let asked = [
                        view, "--known-at", "2024-06-15T00:00:00Z", "--as-of", "2024-08-01", "--format", format,
                    ]
                    let one = try ledger.run(asked + ["--ranges", "1"], clock: "2024-07-02T02:00:00Z")
                    let three = try ledger.run(asked + ["--ranges", "3"], clock: "2024-07-02T02:00:00Z")
                    let unspilled = try ledger.run(
                        asked + ["--ranges", "3"],
                        clock: "2024-07-02T02:00:00Z",
                        environment: ["TMPDIR": path + "/no-such-directory"]
                    )
                    #expect(
                        one.status == 0 && three.status == 0 && unspilled.status == 0 && one.stdout.count > 2,
                        "\(view) \(format): \(one.stderr) \(unspilled.stderr)"
                    )
                    #expect(three.stdout == one.stdout, "\(view) \(format)")
                    #expect(unspilled.stdout == one.stdout, "\(view) \(format), no spill")
                }
                let refused = try ledger.run([view, "--ranges", "0"])
                #expect(refused.status == 2 && refused.stderr.contains("--ranges"), "\(refused.stderr)")
            }
        }
    }

    @Test(
        "R10: a view replayed in ranges of a stored history that breaks a rule across them fails naming it, as in one piece"
    )
    func viewNamesBrokenRule() throws {
        try withTemporaryDirectory { path in
            _ = try brokenAcrossRanges(at: path)
            let ledger = LedgerProcess(ledger: path + "/l", clock: "2025-01-03T02:00:00Z")
            for ranges in ["1", "2"] {
                let view = try ledger.run(["status", "--known-at", "2024-12-31T02:00:00Z", "--ranges", ranges])
                #expect(view.status == 3 && view.stderr.contains("R10"), "\(ranges) ranges: \(view.stderr)")
                // In ranges, the rows of the ranges folded before R10 was judged are out; the JSON
                // array is never closed over a broken history.
                #expect(ranges == "1" ? view.stdout.isEmpty : !view.stdout.hasSuffix("]\n"), "\(view.stdout)")
            }
        }
    }
}
