import LedgerTestSupport
import Testing

@testable import LedgerCore

@Suite struct FoldGroupingTests {
    /// The seqs of shared keys, in the order the fold applies them.
    static func seqs(_ keys: ArraySlice<UInt64>, _ events: [SequencedEvent]) -> [Int] {
        keys.map { events[MembershipFold.position($0)].seq }
    }

    /// The seqs at a group's positions, in the order the fold applies them.
    static func seqs(_ positions: ArraySlice<UInt32>, _ events: [SequencedEvent]) -> [Int] {
        positions.map { events[Int($0)].seq }
    }

    @Test("R4, R5: grouped by company, a backdated event is put before the later-dated events of its company")
    func backdatedEventSortedIn() throws {
        let events = try sequenced([
            E.schedule(), E.filed("A", on: "2024-04-01"), E.filed("B", on: "2024-04-01"),
            E.documents("A", on: "2024-04-10"), E.documents("B", on: "2024-04-02"),
            // Backdated: dated before A's documents, appended after them.
            #"{"type":"ProfileUpdated","company":"A","on":"2024-04-05","employeesInHK":12}"#,
            E.approved("B", on: "2024-04-15"),
        ])
        let (shared, groups) = MembershipFold.grouped(events[...], reversed: [], part: 0, of: 1)
        #expect(Self.seqs(shared[...], events) == [1])
        #expect(groups.starts == [0, 3, 6])
        #expect(Self.seqs(groups.positions[0..<3], events) == [2, 6, 4])
        #expect(Self.seqs(groups.positions[3..<6], events) == [3, 5, 7])
        #expect(groups.counts.map(\.isBackdated) == [true, false])
        #expect(groups.counts.map(\.profiles) == [2, 1])
    }

    @Test(
        "R20: grouping lists each round's companies of the part by number, in order, without those it folds elsewhere"
    )
    func roundsByNumber() throws {
        let events = try sequenced([
            E.schedule(), E.filed("B", on: "2024-04-01"), E.filed("A", on: "2024-04-01"),
            E.round("2024-1", on: "2024-04-20", included: ["A", "NEVER-FILED", "B"]),
            E.round("2024-2", on: "2024-05-20", included: ["B"]),
        ])
        // B is met first: number 0, then A: number 1.
        let (shared, groups) = MembershipFold.grouped(events[...], reversed: [], part: 0, of: 1)
        #expect(Self.seqs(shared[...], events) == [1, 4, 5])
        #expect(groups.included == [nil, [0, 1], [0]])
        // In parts, each round lists only its part's companies, by their numbers in that part.
        for parts in [2, 3] {
            for part in 0..<parts {
                let (_, grouping) = MembershipFold.grouped(events[...], reversed: [], part: part, of: parts)
                let names = ["B", "A"].filter { MembershipFold.part(ofHash: CompanyID($0)!.hash64, parts) == part }
                let first = names.isEmpty ? [] : [Int32](0..<Int32(names.count))
                #expect(grouping.included.first == .some(nil))
                #expect(grouping.included[1] == first, "\(parts) parts, part \(part)")
                #expect(grouping.included[2] == (names.contains("B") ? [Int32(names.firstIndex(of: "B")!)] : []))
            }
        }
    }

    @Test("R26: grouping leaves out reversed events and the reversals themselves")
    func reversedLeftOut() throws {
        let events = try sequenced([
            E.schedule(), E.filed("A", on: "2024-04-01"), E.documents("A", on: "2024-04-10"),
            E.reversal(of: 3, on: "2024-04-11"), E.documents("A", on: "2024-04-12"),
        ])
        let reversed = try MembershipFold.reversedSeqs(events[...])
        #expect(reversed == [3])
        let (shared, groups) = MembershipFold.grouped(events[...], reversed: reversed, part: 0, of: 1)
        #expect(Self.seqs(shared[...], events) == [1])
        #expect(Self.seqs(groups.positions[...], events) == [2, 5])
    }

    @Test("R4, R5: over random histories with backdated events, every group is in (date, seq) order")
    func randomGroupsInOrder() throws {
        var backdated = 0
        for seed in FoldPropertyTests.seeds {
            let events = RandomHistory.sequenced(RandomHistory.generate(seed: seed))
            let reversed = try MembershipFold.reversedSeqs(events[...])
            for parts in [1, 3] {
                for part in 0..<parts {
                    let (_, groups) = MembershipFold.grouped(events[...], reversed: reversed, part: part, of: parts)
                    for g in groups.counts.indices {
                        let positions = groups.positions[groups.starts[g]..<groups.starts[g + 1]]
                        let order = positions.map {
                            MembershipFold.orderKey(events[Int($0)].event.on, events[Int($0)].seq)
                        }
                        #expect(order == order.sorted(), "seed \(seed), part \(part) of \(parts)")
                        if groups.counts[g].isBackdated { backdated += 1 }
                    }
                }
            }
        }
        // The property holds only if some histories do backdate a company's event.
        #expect(backdated > 0)
    }

    /// The lengths of the partitions' patterns: empty, short, and past a few words.
    static let patternLengths = [0, 1, 2, 3, 4, 9, 64, 257]

    /// All true, all false, and twenty random patterns of `count`.
    static func patterns(_ count: Int) -> [[Bool]] {
        var rng = SystemRandomNumberGenerator()
        return [Array(repeating: true, count: count), Array(repeating: false, count: count)]
            + (0..<20).map { _ in (0..<count).map { _ in Bool.random(using: &rng) } }
    }

    /// `count` events numbered from seq 1, alike but for their seqs.
    static func numberedEvents(_ count: Int) -> [SequencedEvent] {
        (0..<count).map {
            SequencedEvent(seq: $0 + 1, event: Event(on: Day(ordinal: 700_000), company: nil, body: .memberResigned))
        }
    }

    @Test("the events kept are put first, each asked about exactly once where it lies, whatever the pattern")
    func partitionAsksOnce() {
        for count in Self.patternLengths {
            for keeps in Self.patterns(count) {
                var events = Self.numberedEvents(count)
                var asked: [Int] = []
                let kept = events.withUnsafeMutableBufferPointer { buffer in
                    guard let base = buffer.baseAddress else { return 0 }
                    return CompanyOrderedEvents.Slots(events: base).partition(count) { i in
                        // Where it lies when asked: the event put there first, which no move has taken.
                        #expect(buffer[i].seq == i + 1)
                        asked.append(i)
                        return keeps[i]
                    }
                }
                #expect(asked.sorted() == Array(0..<count), "each index asked once")
                #expect(kept == keeps.count { $0 })
                #expect(Set(events[..<kept].map(\.seq)) == Set((0..<count).filter { keeps[$0] }.map { $0 + 1 }))
            }
        }
    }

    @Test("a range partitioned by halves puts every lower event first and keeps the rest of the events around it")
    func partitionByHalves() {
        for count in Self.patternLengths {
            for lower in Self.patterns(count) {
                // Three events before the range and two after it, which must stay where they are.
                var events = Self.numberedEvents(count + 5)
                let isLower = [false, false, false] + lower + [false, false]
                let boundary = events.withUnsafeMutableBufferPointer { buffer in
                    CompanyOrderedEvents.Slots(events: buffer.baseAddress!).partition(
                        3..<(count + 3),
                        inParallel: CompanyOrderedEvents.oneAfterAnother
                    ) { i in isLower[i] }
                }
                let seqs = events.map(\.seq)
                #expect(boundary == 3 + lower.count { $0 })
                #expect(seqs[..<3] == [1, 2, 3] && seqs[(count + 3)...] == [count + 4, count + 5])
                #expect(seqs[3..<boundary].allSatisfy { isLower[$0 - 1] })
                #expect(seqs[boundary..<(count + 3)].allSatisfy { !isLower[$0 - 1] })
                #expect(seqs.sorted() == Array(1...(count + 5)))
            }
        }
    }
}
