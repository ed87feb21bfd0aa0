import LedgerCore

/// SplitMix64: a small seeded generator, so a failing history can be made again from its seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One generated event: its input JSON and the instant it is recorded.
public struct GeneratedEvent: Sendable {
    public var json: String
    public var recorded: Instant
}

/// Random valid histories: random candidate events (including backdated ones, late and partial
/// payments, excusals, rounds, class changes, resignations, re-applications and reversals),
/// each kept only when the fold accepts the history with it.
public struct RandomHistory {
    /// - Parameter validOnly: keep only the candidates the fold accepts (else every candidate, for
    ///   tests that compare how two append paths judge them).
    public static func generate(
        seed: UInt64,
        companies: Int = 8,
        attempts: Int = 300,
        validOnly: Bool = true
    ) -> [GeneratedEvent] {
        var rng = SplitMix64(seed: seed)
        var events: [GeneratedEvent] = []
        var sequenced: [SequencedEvent] = []
        var day = Day("2023-01-01")!
        var roundNumber = 0
        var references = 0
        let names = (0..<companies).map { "K\($0)" }
        func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }
        func keep(_ json: String, at recorded: Instant) {
            guard let input = try? EventCodec.decodeInput(JSONParser.parse(json)) else { return }
            let candidate = sequenced + [SequencedEvent(seq: sequenced.count + 1, event: input.event)]
            guard !validOnly || (try? MembershipFold.fold(candidate)) != nil else { return }
            sequenced = candidate
            events.append(GeneratedEvent(json: json, recorded: recorded))
        }
        keep(EventJSON.schedule(on: "2020-01-01"), at: Instant("2023-01-01T02:00:00Z")!)
        for attempt in 0..<attempts {
            day = day.adding(days: Int.random(in: 0...9, using: &rng))
            let recorded = Instant(milliseconds: Int64(day.ordinal) * 86_400_000 + 7_200_000 + Int64(attempt))
            // Some events are backdated, up to 40 days.
            let on =
                Int.random(in: 0..<5, using: &rng) == 0 ? day.adding(days: -Int.random(in: 1...40, using: &rng)) : day
            let d = on.description
            let c = pick(names)
            let period = Period(containing: on).description
            let json: String
            switch Int.random(in: 0..<20, using: &rng) {
            case 0...2:
                json = EventJSON.filed(
                    c,
                    on: d,
                    memberClass: pick(["full", "affiliate"]),
                    employees: pick([5, 40, 60, 120]),
                    brExpiresOn: pick(["2099-12-31", "2024-06-30"])
                )
            case 3...4: json = EventJSON.documents(c, on: d)
            case 5...6: json = EventJSON.approved(c, on: d, memberClass: pick(["full", "affiliate"]))
            case 7:
                json =
                    #"{"type":"RecommendationReceived","company":"\#(c)","on":"\#(d)","recommender":"\#(pick(names))"}"#
            case 8...9:
                json = EventJSON.requested(c, on: d, period: pick([period, Period(containing: on).next.description]))
            case 10...12:
                references += 1
                json = EventJSON.paid(
                    c,
                    on: d,
                    amount: pick(["1000", "500", "2000", "2500.50"]),
                    reference: "REF\(references)",
                    period: pick([nil, period])
                )
            case 13:
                json = EventJSON.excused(c, on: d, period: period, until: pick([nil, on.adding(days: 40).description]))
            case 14:
                roundNumber += 1
                json = EventJSON.round(
                    "round-\(roundNumber)",
                    on: d,
                    included: names.filter { _ in Bool.random(using: &rng) } + ["NEVER-FILED"]
                )
            case 15:
                json =
                    #"{"type":"ClassChanged","company":"\#(c)","on":"\#(d)","class":"\#(pick(["full", "affiliate"]))"}"#
            case 16:
                // Every third a rename too (the AGM roll reads a member's name as of its date),
                // chosen without a draw so that the seeds keep their histories.
                let name = attempt.isMultiple(of: 3) ? #","name":"\#(c) Holdings \#(attempt) Ltd""# : ""
                json =
                    #"{"type":"ProfileUpdated","company":"\#(c)","on":"\#(d)","employeesInHK":\#(pick([5, 45, 55, 150]))\#(name)}"#
            case 17: json = #"{"type":"MemberResigned","company":"\#(c)","on":"\#(d)"}"#
            case 18: json = #"{"type":"ApplicationRejected","company":"\#(c)","on":"\#(d)","reason":"incomplete"}"#
            default:
                guard !events.isEmpty else { continue }
                json = EventJSON.reversal(of: Int.random(in: 1...events.count, using: &rng), on: day.description)
            }
            keep(json, at: recorded)
        }
        return events
    }

    /// The generated events as the fold takes them, seqs from 1.
    public static func sequenced(_ events: [GeneratedEvent]) throws -> [SequencedEvent] {
        try LedgerTestSupport.sequenced(events.map(\.json))
    }
}
