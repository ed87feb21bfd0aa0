import LedgerCore
import LedgerLog
import LedgerTestSupport
import Testing

/// A rebuild of a long log reads it once for each of a few ranges of its companies, each range
/// folded alone (`LedgerHistory.loadFolded(_:companies:)`).
@Suite struct RangeFoldTests {
    @Test(
        "R10, R26: folds of each range of the companies, each from the whole log, hold together what the fold in one piece holds, for any split",
        arguments: [5, 23, 47] as [UInt64]
    )
    func rangesMakeTheWhole(seed: UInt64) throws {
        try withTemporaryDirectory { path in
            // Small segments and many commits: ranges read across segments and windows.
            let (directory, _) = try randomLedger(at: path + "/l", seed: seed, attempts: 250, segmentLimit: 8_192)
            let history = try LedgerHistory.load(directory)
            let whole = try history.folded(notes: false)
            let companies = try LedgerHistory.companies(directory)
            #expect(companies == Set(whole.fold.histories.map(\.company)))
            #expect(companies.count >= 5, "seed \(seed): enough companies to share out")
            for count in [1, 2, 3, 7] {
                let ranges = CompanyRange.split(Array(companies), into: count)
                var check = RecommendationCheck()
                var histories: [CompanyHistory] = []
                for range in ranges {
                    let folded = try #require(try LedgerHistory.loadFolded(directory, companies: range))
                    #expect(folded.count == history.count)
                    #expect(folded.headHash == whole.headHash)
                    #expect(folded.fold.histories.allSatisfy { range.contains($0.company) })
                    check.add(folded.fold)
                    histories += folded.fold.histories
                }
                #expect(check.holds, "seed \(seed), \(count) ranges")
                #expect(histories == whole.fold.histories, "seed \(seed), \(count) ranges")
            }
            // Read up to a head found before (appends going on meanwhile): the log up to it.
            let head = try #require(history.commitHashes.keys.filter { $0 <= history.count * 2 / 3 }.max())
            let early = try #require(try LedgerHistory.loadFolded(directory, companies: .all, through: head))
            #expect(early.count == head)
            #expect(early.headHash == history.hash(atCommitEnding: head))
            let expected = try LedgerHistory.fold(history.events[..<head], notes: false)
            #expect(early.fold.histories == expected.histories, "seed \(seed), through seq \(head)")
        }
    }

    @Test(
        "R10: a recommender of another range that was not active is found once every range is folded, as the fold in one piece finds it"
    )
    func recommenderOfAnotherRange() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            let lines = recommendedByApplicant
            try writeUnchecked(lines, to: directory)
            let expected = try #require(try refusal(lines))
            #expect(expected.rule == "R10")
            #expect(throws: expected) { try LedgerHistory.load(directory).fold() }
            let ranges = CompanyRange.split([CompanyID("ACME")!, CompanyID("ZED")!], into: 2)
            #expect(ranges.count == 2 && !ranges[0].contains(CompanyID("ZED")!))
            var check = RecommendationCheck()
            for range in ranges {
                // Each range alone breaks no rule: the recommendation is kept for the check.
                check.add(try #require(try LedgerHistory.loadFolded(directory, companies: range)).fold)
            }
            #expect(!check.holds)
        }
    }

    @Test("R26: a reversal is kept with the event it reverses, and left out of the ranges that do not hold that event")
    func reversalsGoWithTheirEvent() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            let lines =
                [EventJSON.schedule()] + simpleEvents(companies: 4)
                + [EventJSON.reversal(of: 6, on: "2024-06-01"), EventJSON.reversal(of: 1, on: "2024-06-02")]
            #expect(try refusal(lines) == nil)
            try writeUnchecked(lines, to: directory)
            let whole = try LedgerHistory.load(directory).folded(notes: false)
            let companies = Array(try LedgerHistory.companies(directory))
            var histories: [CompanyHistory] = []
            for range in CompanyRange.split(companies, into: 4) {
                histories += try #require(try LedgerHistory.loadFolded(directory, companies: range)).fold.histories
            }
            #expect(histories == whole.fold.histories)
            // A reversal of a reversal is refused whichever range holds the event reversed.
            let twice = lines + [EventJSON.reversal(of: lines.count, on: "2024-06-03")]
            let again = try LedgerDirectory.create(at: path + "/again")
            try writeUnchecked(twice, to: again)
            #expect(try refusal(twice)?.rule == "R26")
            let refused = try CompanyRange.split(companies, into: 4).filter {
                try LedgerHistory.loadFolded(again, companies: $0) == nil
            }
            #expect(!refused.isEmpty)
        }
    }
}
