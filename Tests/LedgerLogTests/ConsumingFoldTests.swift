import Foundation
import LedgerTestSupport
import Testing

@testable import LedgerCore
@testable import LedgerLog

@Suite struct ConsumingFoldTests {
    /// The events in a buffer of their own, as a load holds them, for a fold that uses them up.
    /// - Parameter reversals: where the reversals are, as a load notes them (nil: found by the fold).
    static func consumingFold(
        _ events: [SequencedEvent],
        reversals: [Int]? = nil,
        parts: Int,
        bucket: Int = CompanyOrderedEvents.bucketEvents
    ) -> MembershipFold? {
        let buffer = UnsafeMutableBufferPointer<SequencedEvent>.allocate(capacity: events.count)
        defer { buffer.deallocate() }
        _ = buffer.initialize(from: events)
        return LedgerHistory.consumingFold(buffer, reversals: reversals, notes: true, parts: parts, bucket: bucket)
    }

    @Test(
        "R4, R5, R26: a fold that uses its events up, in parts by company, gives every history the fold in one piece gives",
        arguments: Array(1...8) as [UInt64]
    )
    func sameHistories(seed: UInt64) throws {
        let events = RandomHistory.sequenced(RandomHistory.generate(seed: seed))
        let whole = try MembershipFold.fold(events)
        let reversals = events.indices.filter { events[$0].event.type == .eventReversed }
        // Buckets of one event, of a few (most events far from their places), and of them all;
        // the reversals found by the fold, or where a load noted them.
        for parts in [1, 2, 3] {
            for bucket in [1, 7, CompanyOrderedEvents.bucketEvents] {
                for noted in [nil, reversals] {
                    let label = "seed \(seed), \(parts) parts, buckets of \(bucket), reversals noted: \(noted != nil)"
                    let consumed = try #require(
                        Self.consumingFold(events, reversals: noted, parts: parts, bucket: bucket),
                        "\(label)"
                    )
                    #expect(consumed.histories == whole.histories, "\(label)")
                    #expect(consumed.filledAmounts == whole.filledAmounts, "\(label)")
                }
            }
        }
    }

    @Test("a fold that uses its events up gives back every whole page of them before the parts are merged")
    func givesTheEventsBack() throws {
        let events = RandomHistory.sequenced(RandomHistory.generate(seed: 2, companies: 24, attempts: 900))
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        try #require(events.count * MemoryLayout<SequencedEvent>.stride >= 4 * page)
        for parts in [1, 2] {
            let buffer = UnsafeMutableBufferPointer<SequencedEvent>.allocate(capacity: events.count)
            defer { buffer.deallocate() }
            _ = buffer.initialize(from: events)
            #expect(LedgerHistory.consumingFold(buffer, notes: false, parts: parts) != nil)
            // Far fewer events than a run keeps between two releases: only the last give-back
            // can have cleared them. A page given back reads as zeros.
            let raw = UnsafeRawBufferPointer(buffer)
            let base = UInt(bitPattern: raw.baseAddress!)
            let first = Int((base + UInt(page) - 1) & ~UInt(page - 1) - base)
            let end = Int((base + UInt(raw.count)) & ~UInt(page - 1) - base)
            #expect(end - first >= 3 * page)
            #expect(raw[first..<end].allSatisfy { $0 == 0 }, "\(parts) parts")
        }
    }

    @Test(
        "R4, R5, R26: the events are put in fold order, each company's together in one part and by (on, seq), the same whether the parts run in turn or on every core",
        arguments: [3, 11] as [UInt64]
    )
    func companyOrder(seed: UInt64) throws {
        let events = RandomHistory.sequenced(RandomHistory.generate(seed: seed))
        let reversed = try MembershipFold.reversedSeqs(events[...])
        let folded = events.filter { event in
            event.event.company != nil && event.event.type != .eventReversed && !reversed.contains(event.seq)
        }
        for parts in [1, 2, 3] {
            for bucket in [1, 5, CompanyOrderedEvents.bucketEvents] {
                let label = "seed \(seed), \(parts) parts, buckets of \(bucket)"
                var orders: [[Int]] = []
                for inParallel in [false, true] {
                    let buffer = UnsafeMutableBufferPointer<SequencedEvent>.allocate(capacity: events.count)
                    defer { buffer.deallocate() }
                    _ = buffer.initialize(from: events)
                    let ordered =
                        inParallel
                        ? CompanyOrderedEvents(inPlace: buffer, reversed: reversed, parts: parts, bucket: bucket) {
                            _ = ParallelMap.map($0, $1)
                        }
                        : CompanyOrderedEvents(inPlace: buffer, reversed: reversed, parts: parts, bucket: bucket)
                    #expect(
                        ordered.shared.map(\.seq)
                            == events.filter {
                                $0.event.company == nil && $0.event.type != .eventReversed && !reversed.contains($0.seq)
                            }.sorted {
                                MembershipFold.orderKey($0.event.on, $0.seq)
                                    < MembershipFold.orderKey($1.event.on, $1.seq)
                            }.map(\.seq),
                        "\(label)"
                    )
                    var order: [Int] = []
                    var seen = Set<CompanyID>()
                    for part in 0..<parts {
                        let own = Array(ordered.events(ofPart: part))
                        ordered.events(ofPart: part).baseAddress?.deinitialize(count: own.count)
                        let grouping = ordered.groupings[part]
                        #expect(
                            grouping.starts.last == own.count && grouping.counts.count == grouping.starts.count - 1,
                            "\(label)"
                        )
                        for g in grouping.counts.indices {
                            let company = own[grouping.starts[g]..<grouping.starts[g + 1]]
                            let id = try #require(company.first?.event.company)
                            // One company's events, all of them, in this part only, in fold order.
                            #expect(
                                company.allSatisfy { $0.event.company == id } && seen.insert(id).inserted,
                                "\(label)"
                            )
                            #expect(MembershipFold.part(ofHash: id.hash64, parts) == part, "\(label)")
                            let keys = company.map { MembershipFold.orderKey($0.event.on, $0.seq) }
                            #expect(keys == keys.sorted() && Int(grouping.counts[g].count) == company.count, "\(label)")
                        }
                        // Companies by hash, then id, through the part: its buckets are ranges of hashes.
                        let companies = grouping.starts.dropLast().map { own[$0].event.company! }
                        #expect(
                            zip(companies, companies.dropFirst()).allSatisfy { ($0.hash64, $0) < ($1.hash64, $1) },
                            "\(label)"
                        )
                        #expect(grouping.included.allSatisfy { $0 == nil || $0! == $0!.sorted() }, "\(label)")
                        order += own.map(\.seq)
                    }
                    #expect(order.sorted() == folded.map(\.seq), "\(label): every folded event once, no other")
                    orders.append(order)
                }
                #expect(orders[0] == orders[1], "\(label)")
            }
        }
    }

    @Test("companies are spread evenly over every part's buckets, each company to one bucket of its own part")
    func bucketsEven() throws {
        let ids = (0..<60_000).map { CompanyID("HK\(String(format: "%07d", $0 * 7 + 3))")! }
        for parts in [1, 2, 3] {
            for perPart in [1, 7, 64] {
                let map = CompanyOrderedEvents.BucketMap(parts: parts, perPart: perPart)
                var sizes = [Int](repeating: 0, count: parts * perPart)
                for id in ids {
                    let bucket = map.bucket(of: id)
                    #expect(
                        bucket / perPart == map.part(of: id)
                            && map.part(of: id) == MembershipFold.part(ofHash: id.hash64, parts)
                    )
                    sizes[bucket] += 1
                }
                // The fullest bucket within a fifth of the mean (uneven buckets would sort slowly).
                let mean = Double(ids.count) / Double(sizes.count)
                #expect(
                    Double(sizes.max()!) < mean * 1.2,
                    "\(parts) parts, \(perPart) buckets each: \(sizes.max()!) against \(mean)"
                )
            }
        }
    }

    @Test(
        "a bucket's keys sort as Swift's sort puts them, at every size, in every starting order, past any depth, nearly in order or not"
    )
    func keysSort() throws {
        typealias Key = CompanyOrderedEvents.Key
        var rng = SplitMix64(seed: 9)
        // Few companies, so that many keys share a company; two of them share a hash too.
        let companies = (0..<40).map { CompanyID("HK\(String(format: "%07d", $0 * 13 + 1))")! }
        func key(_ index: Int) -> Key {
            let company = companies.randomElement(using: &rng)!
            let hash = company == companies[1] ? companies[0].hash64 : company.hash64
            return Key(hash: hash, order: UInt64(index), company: company, index: UInt32(index))
        }
        var inputs: [[Key]] = (0..<70).map { n in (0..<n).map(key).shuffled(using: &rng) }
        let large = (0..<5_000).map(key)
        inputs += [large, large.sorted(), large.sorted().reversed(), large.shuffled(using: &rng)]
        // Nearly in order: a few keys each moved far (backdated events), or two runs interleaved.
        for moved in [1, 3, 30, 300] {
            var keys = large.sorted()
            for _ in 0..<moved {
                keys.swapAt(Int.random(in: 0..<keys.count, using: &rng), Int.random(in: 0..<keys.count, using: &rng))
            }
            inputs.append(keys)
        }
        inputs.append(zip(large.sorted().prefix(2_500), large.sorted().suffix(2_500)).flatMap { [$0, $1] })
        for keys in inputs {
            let expected = keys.sorted()
            var nearly = keys
            nearly.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                Key.sortNearlyOrdered(base, count: buffer.count)
            }
            #expect(nearly.map(\.index) == expected.map(\.index), "\(keys.count) keys nearly in order")
            for depth in [nil, 0, 1, 3] as [Int?] {
                var sorted = keys
                sorted.withUnsafeMutableBufferPointer { buffer in
                    guard let base = buffer.baseAddress else { return }
                    if let depth {
                        Key.sort(base, count: buffer.count, depth: depth)
                    } else {
                        Key.sort(base, count: buffer.count)
                    }
                }
                #expect(
                    sorted.map(\.index) == expected.map(\.index),
                    "\(keys.count) keys, depth \(String(describing: depth))"
                )
            }
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
        "R2, R4: a replay read and folded with its events used up gives, at every instant, the fold of the events known then, reading the segments up to that instant only"
    )
    func loadFoldedKnownAt() throws {
        try withTemporaryDirectory { path in
            // Small segments: an early instant's replay leaves the later ones unread.
            let (directory, generated) = try randomLedger(at: path + "/l", seed: 19, attempts: 250, segmentLimit: 4_096)
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
                    if instant == nil || instant == generated.last?.recorded {
                        #expect(folded.count == history.count)
                        #expect(folded.headHash == expected.headHash)
                    } else {
                        // Read up to the end of the segment that passes the instant, no further.
                        let known = history.recorded.count(recordedAtOrBefore: instant!)
                        #expect(folded.count > known && folded.count < history.count)
                        #expect(folded.headHash == history.hash(atCommitEnding: folded.count))
                    }
                }
            }
        }
    }
}

@Suite struct BrokenStoredHistoryTests {
    @Test(
        "a stored history that breaks a rule: a replay that uses its events up and verify name the first broken rule, as the fold in one piece does"
    )
    func firstBrokenRuleNamed() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            let lines =
                [EventJSON.schedule()] + simpleEvents(companies: 4)
                + [
                    EventJSON.paid("NOBODY", on: "2024-06-01", amount: "1000", reference: "X"),
                    EventJSON.paid("NOBODY2", on: "2024-05-20", amount: "1000", reference: "Y"),
                ]
            try writeUnchecked(lines, to: directory)
            let expected = try #require(try refusal(lines))
            let wholeFold = Result { try LedgerHistory.load(directory).fold() }
            #expect(throws: expected) { try wholeFold.get() }
            for threshold in [0, LedgerHistory.eventsForParts] {
                #expect(throws: expected) {
                    try LedgerHistory.loadFolded(
                        directory,
                        knownAt: nil,
                        notes: true,
                        progress: nil,
                        consumingFrom: threshold
                    )
                }
                do {
                    _ = try LogVerifier(directory).verify(
                        extending: nil,
                        progress: nil,
                        room: nil,
                        consumingFrom: threshold
                    )
                    Issue.record("verify accepted a history that breaks a rule")
                } catch let problem as LogVerifier.Problem {
                    #expect(problem.seq == expected.seq)
                    #expect(problem.reason.contains(expected.rule))
                }
            }
        }
    }
}
