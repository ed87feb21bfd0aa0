import LedgerCore
import LedgerTestSupport
import Testing

@Suite struct FoldPropertyTests {
    static let seeds: [UInt64] = Array(1...12)

    @Test("R5: the fold is deterministic over random valid histories", arguments: seeds)
    func deterministic(seed: UInt64) throws {
        let events = try RandomHistory.sequenced(RandomHistory.generate(seed: seed))
        #expect(events.count > 40, "seed \(seed) kept only \(events.count) events")
        #expect(try MembershipFold.fold(events).histories == MembershipFold.fold(events).histories, "seed \(seed)")
    }

    @Test("R5, R10: a stored history folded in parts by company and merged equals the whole fold", arguments: seeds)
    func partsEqualWhole(seed: UInt64) throws {
        let events = try RandomHistory.sequenced(RandomHistory.generate(seed: seed))
        let whole = try MembershipFold.fold(events)
        let order = try MembershipFold.order(events[...])
        for parts in [2, 3, 7] {
            let merged = MembershipFold.merged(
                try (0..<parts).map { part in try MembershipFold.fold(events[...], order: order, part: part, of: parts)
                }
            )
            #expect(merged.histories == whole.histories, "seed \(seed), \(parts) parts")
            #expect(merged.filledAmounts == whole.filledAmounts, "seed \(seed), \(parts) parts")
        }
    }

    @Test("R5: every prefix of a valid history is valid", arguments: seeds)
    func prefixesValid(seed: UInt64) throws {
        let events = try RandomHistory.sequenced(RandomHistory.generate(seed: seed))
        for end in 0...events.count {
            #expect(throws: Never.self, "seed \(seed), prefix \(end)") {
                try MembershipFold.fold(Array(events[..<end]))
            }
        }
    }

    @Test("R4: one fold read at D equals the fold of only the events dated up to D", arguments: seeds)
    func asOfIsAPrefixInTime(seed: UInt64) throws {
        let events = try RandomHistory.sequenced(RandomHistory.generate(seed: seed))
        let all = try MembershipFold.fold(events)
        let days = Set(events.map(\.event.on)).sorted()
        for day in stride(from: 0, to: days.count, by: max(1, days.count / 15)).map({ days[$0] }) {
            // A reversal takes effect whatever its own date (R26): it goes with the event it reverses.
            let dated = { (seq: Int) in events[seq - 1].event.on <= day }
            let upTo = events.filter { item in
                if case .eventReversed(let target, _) = item.event.body { return dated(target) }
                return item.event.on <= day
            }
            let partial = try MembershipFold.fold(upTo, through: day)
            #expect(partial.statusRows(on: day) == all.statusRows(on: day), "seed \(seed), \(day)")
            #expect(partial.arrearsRows(on: day) == all.arrearsRows(on: day), "seed \(seed), \(day)")
            #expect(partial.votingRows(on: day) == all.votingRows(on: day), "seed \(seed), \(day)")
        }
    }

    @Test("random histories reach every status")
    func coverage() throws {
        var statuses: Set<MembershipStatus> = []
        var reasons: Set<String> = []
        for seed in Self.seeds {
            let fold = try MembershipFold.fold(try RandomHistory.sequenced(RandomHistory.generate(seed: seed)))
            for history in fold.histories {
                for change in history.timeline {
                    statuses.insert(change.status)
                    if let reason = change.reason { reasons.insert(String(reason.prefix { $0 != ":" })) }
                }
            }
        }
        #expect(statuses == [.applied, .rejected, .active, .void, .resigned])
        #expect(reasons == ["non-payment", "index-non-participation"])
    }
}
