import LedgerCore
import LedgerTestSupport
import Testing

@Suite struct FoldPropertyTests {
    static let seeds: [UInt64] = Array(1...12)

    @Test("R5: the fold is deterministic over random valid histories", arguments: seeds)
    func deterministic(seed: UInt64) throws {
        let events = RandomHistory.sequenced(RandomHistory.generate(seed: seed))
        #expect(events.count > 40, "seed \(seed) kept only \(events.count) events")
        #expect(try MembershipFold.fold(events).histories == MembershipFold.fold(events).histories, "seed \(seed)")
    }

    @Test("a fold without notes gives the histories a fold with them gives, less the notes", arguments: seeds)
    func withoutNotes(seed: UInt64) throws {
        let events = RandomHistory.sequenced(RandomHistory.generate(seed: seed))
        func unnoted(_ histories: [CompanyHistory]) -> [[StatusChange]] {
            histories.map { $0.timeline.map { change in with(change) { $0.note = "" } } }
        }
        let noted = try MembershipFold.fold(events).histories
        #expect(noted.contains { $0.timeline.contains { !$0.note.isEmpty } })
        let reversed = try MembershipFold.reversedSeqs(events[...])
        let folds = [
            try MembershipFold.fold(events, notes: false),
            try #require(
                MembershipFold.merged(
                    try (0..<3).map {
                        try MembershipFold.fold(events[...], reversed: reversed, part: $0, of: 3, notes: false)
                    }
                )
            ),
        ]
        for fold in folds {
            #expect(fold.histories.allSatisfy { $0.timeline.allSatisfy(\.note.isEmpty) }, "seed \(seed)")
            #expect(unnoted(fold.histories) == unnoted(noted), "seed \(seed)")
            #expect(fold.histories.map(\.requests) == noted.map(\.requests), "seed \(seed)")
            #expect(fold.histories.map(\.profiles) == noted.map(\.profiles), "seed \(seed)")
        }
    }

    @Test(
        "R5, R10: a fold by company that only judges finds what a full one finds, and keeps timelines alone",
        arguments: seeds
    )
    func onlyJudging(seed: UInt64) throws {
        for validOnly in [true, false] {
            let events = RandomHistory.sequenced(RandomHistory.generate(seed: seed, validOnly: validOnly))
            func merged(histories: Bool) -> Result<MembershipFold?, LedgerError> {
                Result { () throws(LedgerError) in
                    let reversed = try MembershipFold.reversedSeqs(events[...])
                    return MembershipFold.merged(
                        try (0..<3).map { (part) throws(LedgerError) in
                            try MembershipFold.fold(
                                events[...],
                                reversed: reversed,
                                part: part,
                                of: 3,
                                notes: false,
                                histories: histories
                            )
                        }
                    )
                }
            }
            switch (merged(histories: true), merged(histories: false)) {
            case (.success(let full?), .success(let judged?)):
                #expect(judged.histories.map(\.timeline) == full.histories.map(\.timeline), "seed \(seed)")
                #expect(judged.histories.allSatisfy { $0.requests.isEmpty && $0.profiles.isEmpty }, "seed \(seed)")
                #expect(full.histories.contains { !$0.requests.isEmpty }, "seed \(seed)")
            case (.success(nil), .success(nil)):
                break  // A recommendation that does not hold, found by both.
            case (.failure(let full), .failure(let judged)):
                #expect(judged == full, "seed \(seed)")
            case (let full, let judged):
                Issue.record("seed \(seed), valid only \(validOnly): \(full) against \(judged)")
            }
        }
    }

    /// `value` changed by `change`.
    func with<T>(_ value: T, _ change: (inout T) -> Void) -> T {
        var value = value
        change(&value)
        return value
    }

    @Test(
        "R5, R10: a stored history folded company by company, in parts, and merged equals the whole fold",
        arguments: seeds
    )
    func partsEqualWhole(seed: UInt64) throws {
        let events = RandomHistory.sequenced(RandomHistory.generate(seed: seed))
        let whole = try MembershipFold.fold(events)
        let reversed = try MembershipFold.reversedSeqs(events[...])
        for parts in [1, 2, 3, 7] {
            let merged = try #require(
                MembershipFold.merged(
                    try (0..<parts).map { part in
                        try MembershipFold.fold(events[...], reversed: reversed, part: part, of: parts)
                    }
                )
            )
            #expect(merged.histories == whole.histories, "seed \(seed), \(parts) parts")
            #expect(merged.filledAmounts == whole.filledAmounts, "seed \(seed), \(parts) parts")
            // Each company found by name where the merge moved it (its states are moved, the
            // index made again for the parts after the first).
            for history in whole.histories {
                #expect(merged.history(of: history.company) == history, "seed \(seed), \(parts) parts")
            }
        }
    }

    /// Folded in `parts` parts and merged; nil when a part or the merge refuses.
    static func partedFold(_ events: [SequencedEvent], parts: Int) -> MembershipFold? {
        guard let reversed = try? MembershipFold.reversedSeqs(events[...]) else { return nil }
        var done: [MembershipFold] = []
        for part in 0..<parts {
            guard let fold = try? MembershipFold.fold(events[...], reversed: reversed, part: part, of: parts) else {
                return nil
            }
            done.append(fold)
        }
        return MembershipFold.merged(done)
    }

    @Test("R10: folded by company, in parts or not, the recommender's status is read at the recommendation's place")
    func crossPartRecommendationsWithinADay() throws {
        // Whichever part each name falls in, parts must judge as the whole fold does.
        for recommender in (1...8).map({ "M\($0)" }) {
            // The recommender requested its fee on 2024-05-01 and never paid: void from the
            // start of 2024-06-01 (R17).
            let history = [
                E.schedule(), E.round("2022", on: "2022-12-01", included: [recommender]),
                E.filed(recommender, on: "2024-04-02"), E.documents(recommender, on: "2024-04-03"),
                E.approved(recommender, on: "2024-04-15"),
                E.requested(recommender, on: "2024-05-01", period: "2024-25"),
                E.filed("C", on: "2024-05-20", memberClass: "affiliate"),
            ]
            func recommendation(_ on: String) -> String {
                #"{"type":"RecommendationReceived","company":"C","on":"\#(on)","recommender":"\#(recommender)"}"#
            }
            let resignation = #"{"type":"MemberResigned","company":"\#(recommender)","on":"2024-05-25"}"#
            let cases: [(lines: [String], accepted: Bool)] = [
                (history + [recommendation("2024-05-31")], true),  // the last day before the fee is overdue
                (history + [recommendation("2024-06-01")], false),  // void from the start of the day
                (history + [recommendation("2024-05-25"), resignation], true),  // the same day, before it
                (history + [resignation, recommendation("2024-05-25")], false),  // the same day, after it
            ]
            for (lines, accepted) in cases {
                let events = try sequenced(lines)
                #expect(((try? MembershipFold.fold(events)) != nil) == accepted, "\(recommender): \(lines.suffix(2))")
                for parts in [1, 2, 3] {
                    #expect(
                        (FoldPropertyTests.partedFold(events, parts: parts) != nil) == accepted,
                        "\(recommender), \(parts) parts: \(lines.suffix(2))"
                    )
                }
            }
        }
    }

    @Test(
        "R10: a recommender in another part is judged at the recommendation's place in the order, as the whole fold judges it"
    )
    func crossPartRecommendations() throws {
        var (accepted, refused) = (0, 0)
        for seed in FoldPropertyTests.seeds {
            let events = RandomHistory.sequenced(RandomHistory.generate(seed: seed))
            let companies = Array(Set(events.compactMap(\.event.company))).sorted()
            var generator = SplitMix64(seed: seed)
            // A recommendation for each application, on its day or a few days after, by every other
            // company: the recommender may be active then, or not yet, or no longer, or have filed
            // nothing; on the application's day, the order of that day's events decides.
            for filed in events where filed.event.type == .applicationFiled {
                let company = filed.event.company!
                for recommender in companies where recommender != company {
                    let on = filed.event.on.adding(days: Int(generator.next() % 4))
                    let injected =
                        events + [
                            SequencedEvent(
                                seq: events.count + 1,
                                event: Event(
                                    on: on,
                                    company: company,
                                    body: .recommendationReceived(recommender: recommender)
                                )
                            )
                        ]
                    let whole = try? MembershipFold.fold(injected)
                    for parts in [2, 3] {
                        let parted = FoldPropertyTests.partedFold(injected, parts: parts)
                        #expect(
                            (parted == nil) == (whole == nil),
                            "seed \(seed), \(parts) parts, \(recommender) for \(company)"
                        )
                        if let parted, let whole { #expect(parted.histories == whole.histories) }
                    }
                    if whole == nil { refused += 1 } else { accepted += 1 }
                }
            }
        }
        #expect(accepted > 20 && refused > 20, "\(accepted) accepted, \(refused) refused")
    }

    @Test("R5: every prefix of a valid history is valid", arguments: seeds)
    func prefixesValid(seed: UInt64) throws {
        let events = RandomHistory.sequenced(RandomHistory.generate(seed: seed))
        for end in 0...events.count {
            #expect(throws: Never.self, "seed \(seed), prefix \(end)") {
                try MembershipFold.fold(Array(events[..<end]))
            }
        }
    }

    @Test("R4: one fold read at D equals the fold of only the events dated up to D", arguments: seeds)
    func asOfIsAPrefixInTime(seed: UInt64) throws {
        let events = RandomHistory.sequenced(RandomHistory.generate(seed: seed))
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

    /// The property tests are only as good as the histories: each seed's must reach admissions,
    /// fee requests and payments, and the seeds together every event type, every status and
    /// every rule that changes one.
    @Test("random histories reach every event type, status and status rule; each requests and pays fees")
    func coverage() throws {
        var types: Set<EventType> = []
        var statuses: Set<MembershipStatus> = []
        var reasons: Set<String> = []
        var rules: Set<String> = []
        for seed in Self.seeds {
            let events = RandomHistory.sequenced(RandomHistory.generate(seed: seed))
            let kinds = Set(events.map(\.event.type))
            #expect(kinds.isSuperset(of: [.membershipApproved, .feeRequested, .feePaid]), "seed \(seed): \(kinds)")
            types.formUnion(kinds)
            for history in try MembershipFold.fold(events).histories {
                for change in history.timeline {
                    statuses.insert(change.status)
                    rules.insert(change.rule)
                    if let reason = change.reason { reasons.insert(String(reason.prefix { $0 != ":" })) }
                }
            }
        }
        #expect(types == Set(EventType.allCases))
        #expect(statuses == [.applied, .rejected, .active, .void, .resigned])
        #expect(reasons == ["non-payment", "index-non-participation"])
        #expect(rules == ["R8", "R11", "R12", "R17", "R18", "R20", "R21", "R23"])
    }
}
