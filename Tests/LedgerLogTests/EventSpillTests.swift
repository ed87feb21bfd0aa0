import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

@testable import LedgerLog

/// A fold in ranges of companies reads the log once and sets its events aside by range
/// (`EventSpill`), where it read the log again for each range.
@Suite struct EventSpillTests {
    /// Every range's fold, handed in turn, and what the fold in ranges did.
    private func folds(
        _ fold: ((LedgerHistory.Folded) throws -> Void) throws -> LedgerHistory.RangesFolded?
    ) throws -> (LedgerHistory.RangesFolded?, [LedgerHistory.Folded]) {
        var handed: [LedgerHistory.Folded] = []
        let outcome = try fold { handed.append($0) }
        return (outcome, handed)
    }

    /// What the folds hand, compared: their companies' histories, the count and head read.
    private func same(_ spilled: [LedgerHistory.Folded], _ read: [LedgerHistory.Folded]) -> Bool {
        spilled.map(\.fold.histories) == read.map(\.fold.histories) && spilled.map(\.count) == read.map(\.count)
            && spilled.map(\.headHash) == read.map(\.headHash)
    }

    /// A ledger of a schedule and `companies` companies' simple histories at `path`, and its
    /// companies split into `count` ranges.
    private func simpleLedger(
        at path: String,
        companies: Int,
        ranges count: Int
    ) throws -> (LedgerDirectory, [CompanyRange]) {
        let directory = try LedgerDirectory.create(at: path)
        try writeUnchecked([EventJSON.schedule()] + simpleEvents(companies: companies), to: directory)
        return (directory, CompanyRange.split(Array(try LedgerHistory.companies(directory)), into: count))
    }

    @Test(
        "R10, R26: the ranges folded from one read of the log set aside hand what ranges that each read the log hand, for any split and head",
        arguments: [5, 23, 47] as [UInt64]
    )
    func spilledRangesAreTheReadRanges(seed: UInt64) throws {
        try withTemporaryDirectory { path in
            // Small segments and many commits: the one read crosses segments and windows.
            let (directory, _) = try randomLedger(at: path + "/l", seed: seed, attempts: 250, segmentLimit: 8_192)
            let history = try LedgerHistory.load(directory)
            let companies = Array(try LedgerHistory.companies(directory))
            let early = try #require(history.commitHashes.keys.filter { $0 <= history.count * 2 / 3 }.max())
            for count in [2, 3, 7] {
                let ranges = CompanyRange.split(companies, into: count)
                // Each commit's events moved on every core, the ranges shared among them, or on one.
                for (head, parallelFrom) in [(nil, 1), (early, 1), (nil, Int.max), (early, Int.max)] {
                    // Buffers of a few events: each range's events lie in many pieces of the file.
                    let spill = try #require(
                        EventSpill(ranges: ranges, in: path, bufferBytes: 200, parallelFrom: parallelFrom)
                    )
                    let (spilledOutcome, spilled) = try folds {
                        try LedgerHistory.loadFolded(directory, spill: spill, through: head, progress: nil, each: $0)
                    }
                    let (readOutcome, read) = try folds {
                        try LedgerHistory.loadFolded(
                            directory,
                            ranges: ranges,
                            through: head,
                            spillingIn: nil,
                            each: $0
                        )
                    }
                    #expect(spilledOutcome == .all && readOutcome == .all, "seed \(seed), \(count) ranges")
                    #expect(spilled.count == ranges.count)
                    #expect(same(spilled, read), "seed \(seed), \(count) ranges, through \(head ?? history.count)")
                    #expect(spilled.allSatisfy { $0.count == head ?? history.count })
                }
            }
        }
    }

    @Test(
        "R10, R26: a fold in ranges set aside stops where ranges that each read the log stop, and the fold in one piece names the rule"
    )
    func spilledRangesStopAsReadRangesStop() throws {
        try withTemporaryDirectory { path in
            let reversed =
                [EventJSON.schedule()] + simpleEvents(companies: 4)
                + [EventJSON.reversal(of: 6, on: "2024-06-01"), EventJSON.reversal(of: 1, on: "2024-06-02")]
            let histories = [
                ("R10", recommendedByApplicant),
                // A reversal of a reversal, whichever range holds the event reversed.
                ("R26", reversed + [EventJSON.reversal(of: reversed.count, on: "2024-06-03")]),
            ]
            for (k, (rule, lines)) in histories.enumerated() {
                #expect(try refusal(lines)?.rule == rule)
                let directory = try LedgerDirectory.create(at: path + "/l\(k)")
                try writeUnchecked(lines, to: directory)
                let ranges = CompanyRange.split(Array(try LedgerHistory.companies(directory)), into: 2)
                #expect(ranges.count == 2)
                let spill = try #require(EventSpill(ranges: ranges, in: path, bufferBytes: 80))
                let (spilledOutcome, _) = try folds {
                    try LedgerHistory.loadFolded(directory, spill: spill, through: nil, progress: nil, each: $0)
                }
                let (readOutcome, _) = try folds {
                    try LedgerHistory.loadFolded(directory, ranges: ranges, spillingIn: nil, each: $0)
                }
                #expect(spilledOutcome == readOutcome, "\(rule)")
                #expect(spilledOutcome != .all, "\(rule)")
            }
            // The reversals alone are kept with the events they reverse, and hold.
            let directory = try LedgerDirectory.create(at: path + "/kept")
            try writeUnchecked(reversed, to: directory)
            let ranges = CompanyRange.split(Array(try LedgerHistory.companies(directory)), into: 4)
            let spill = try #require(EventSpill(ranges: ranges, in: path, bufferBytes: 40))
            let (outcome, spilled) = try folds {
                try LedgerHistory.loadFolded(directory, spill: spill, through: nil, progress: nil, each: $0)
            }
            #expect(outcome == .all)
            #expect(
                spilled.flatMap(\.fold.histories) == (try LedgerHistory.load(directory).fold(notes: false).histories)
            )
        }
    }

    @Test("a fold in ranges from one read reports its progress to the end: the read, then each range folded")
    func progressThroughTheFolds() throws {
        try withTemporaryDirectory { path in
            let (directory, ranges) = try simpleLedger(at: path + "/l", companies: 6, ranges: 3)
            var reports: [(done: Int, all: Int, handed: Int)] = []
            var handed = 0
            let outcome = try LedgerHistory.loadFolded(
                directory,
                ranges: ranges,
                spillingIn: path,
                progress: { reports.append(($0, $1, handed)) },
                each: { _ in handed += 1 }
            )
            #expect(outcome == .all)
            let all = try #require(reports.first?.all)
            #expect(reports.allSatisfy { $0.all == all && $0.done <= all })
            #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.done <= $1.done })
            // The read is half the work; each range folded takes a share of the rest.
            #expect(reports.filter { $0.handed == 0 }.allSatisfy { $0.done <= all / 2 })
            #expect(
                reports.suffix(ranges.count).map(\.done)
                    == (1...ranges.count).map { all / 2 + all / 2 * $0 / ranges.count }
            )
            #expect(reports.last?.done == all)
        }
    }

    @Test("where no spill can be made, every range reads the log, and the folds are the same")
    func noSpillReadsEachRange() throws {
        try withTemporaryDirectory { path in
            let (directory, ranges) = try simpleLedger(at: path + "/l", companies: 6, ranges: 3)
            #expect(EventSpill(ranges: ranges, in: path + "/missing") == nil)
            let (outcome, read) = try folds {
                try LedgerHistory.loadFolded(directory, ranges: ranges, spillingIn: path + "/missing", each: $0)
            }
            let (spilledOutcome, spilled) = try folds {
                try LedgerHistory.loadFolded(directory, ranges: ranges, spillingIn: path, each: $0)
            }
            #expect(outcome == .all && spilledOutcome == .all)
            #expect(same(spilled, read))
            #expect(read.flatMap(\.fold.histories) == (try LedgerHistory.load(directory).fold(notes: false).histories))
        }
    }

    @Test("a spill that cannot be written hands nothing and holds nothing, and the ranges are read from the log")
    func spillThatCannotBeWritten() throws {
        try withTemporaryDirectory { path in
            let (directory, _) = try randomLedger(at: path + "/l", seed: 11, attempts: 150, segmentLimit: 8_192)
            let ranges = CompanyRange.split(Array(try LedgerHistory.companies(directory)), into: 3)
            for parallelFrom in [1, Int.max] {
                // Room for a few writes of a few events: the disk is full part way through the log.
                let spill = try #require(
                    EventSpill(ranges: ranges, in: path, bufferBytes: 200, limit: 2_000, parallelFrom: parallelFrom)
                )
                let (outcome, handed) = try folds {
                    try LedgerHistory.loadFolded(directory, spill: spill, through: nil, progress: nil, each: $0)
                }
                #expect(outcome == nil && handed.isEmpty)
                #expect(spill.failure?.errno == ENOSPC)
            }
            let (readOutcome, read) = try folds {
                try LedgerHistory.loadFolded(directory, ranges: ranges, spillingIn: nil, each: $0)
            }
            #expect(readOutcome == .all && read.count == ranges.count)
        }
    }

    @Test("an event moved into the spill as its bytes comes out the same, its references with it")
    func eventsComeOutTheSame() throws {
        #expect(_isBitwiseTakable(SequencedEvent.self))
        try withTemporaryDirectory { path in
            let (directory, ranges) = try simpleLedger(at: path + "/l", companies: 5, ranges: 2)
            let history = try LedgerHistory.load(directory)
            // Each range's events come out equal to those of its companies and those every company
            // shares.
            func expectRanges(of spill: EventSpill) throws {
                for (k, range) in ranges.enumerated() {
                    let events = try spill.take(range: k)
                    defer {
                        events.baseAddress!.deinitialize(count: events.count)
                        events.deallocate()
                    }
                    let expected = history.events.filter { $0.event.company.map(range.contains) ?? true }
                    #expect(Array(events) == expected)
                    #expect(
                        expected.contains { $0.event.company == nil } && expected.contains { $0.event.company != nil }
                    )
                }
            }
            // Copies put, the history's own events left as they are: one at a time, or all at once
            // on every core.
            for atOnce in [false, true] {
                let spill = try #require(EventSpill(ranges: ranges, in: path, bufferBytes: 80, parallelFrom: 1))
                if atOnce {
                    let slots = UnsafeMutableBufferPointer<SequencedEvent>.allocate(capacity: history.count)
                    defer { slots.deallocate() }
                    _ = slots.initialize(from: history.events)
                    spill.put(1...history.count, from: LedgerHistory.EventSlots(events: slots, ids: nil))
                } else {
                    for event in history.events { spill.put(event, at: event.seq) }
                }
                spill.finish()
                try expectRanges(of: spill)
            }
        }
    }

    @Test("a spill dropped before its ranges are taken gives back every event it holds, written or buffered")
    func droppedSpill() throws {
        try withTemporaryDirectory { path in
            let (directory, ranges) = try simpleLedger(at: path + "/l", companies: 6, ranges: 3)
            let history = try LedgerHistory.load(directory)
            for taken in 0...ranges.count {
                let spill = try #require(EventSpill(ranges: ranges, in: path, bufferBytes: 120, parallelFrom: 1))
                for event in history.events { spill.put(event, at: event.seq) }
                spill.finish()
                #expect(spill.counts.reduce(0, +) >= history.count)
                for k in 0..<taken {
                    let events = try spill.take(range: k)
                    #expect(events.allSatisfy { $0.event.company.map(ranges[k].contains) ?? true })
                    #expect(events.map(\.seq) == events.map(\.seq).sorted())
                    events.baseAddress!.deinitialize(count: events.count)
                    events.deallocate()
                }
            }
            // Buffered, never written.
            let spill = try #require(EventSpill(ranges: ranges, in: path))
            for event in history.events { spill.put(event, at: event.seq) }
        }
    }
}
