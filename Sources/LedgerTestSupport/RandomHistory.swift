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

/// One generated event: its input JSON, the instant it is recorded, and the event as the ledger
/// stores it.
public struct GeneratedEvent: Sendable {
    public var json: String
    public var recorded: Instant
    /// The input's event with the amount an append fills in (R15) when the input leaves it out:
    /// fixed when appended, so a later change of class or schedule does not change it.
    public var stored: Event
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
        // The fold of the history kept so far: where each company stands, to aim the candidates.
        var fold = MembershipFold()
        // Companies whose documents came since their last filing (R11), by the same aim.
        var documented: Set<String> = []
        var day = Day("2023-01-01")!
        var roundNumber = 0
        var references = 0
        let names = (0..<companies).map { "K\($0)" }
        func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }
        // Mostly a company the event can apply to (status nil: never filed), so that every
        // history reaches admissions, fee requests, payments, voids and excusals; one time in
        // four any company, so that refusals are tried too.
        func company(on day: Day, _ fits: (String, MembershipStatus?) -> Bool) -> String {
            let fitting = names.filter { fits($0, fold.history(of: CompanyID($0)!)?.change(on: day)?.status) }
            return fitting.isEmpty || Int.random(in: 0..<4, using: &rng) == 0 ? pick(names) : pick(fitting)
        }
        func keep(_ json: String, at recorded: Instant) {
            guard let input = try? EventCodec.decodeInput(JSONParser.parse(json)) else { return }
            let seq = sequenced.count + 1
            var candidate = sequenced + [SequencedEvent(seq: seq, event: input.event)]
            let folded = try? MembershipFold.fold(candidate)
            guard !validOnly || folded != nil else { return }
            if let folded {
                fold = folded
                if case .feeRequested(let period, nil) = input.event.body, let amount = folded.filledAmounts[seq] {
                    candidate[seq - 1].event.body = .feeRequested(period: period, amount: amount)
                }
            }
            if let company = input.event.company?.rawValue {
                if input.event.type == .documentsSubmitted { documented.insert(company) }
                if input.event.type == .applicationFiled { documented.remove(company) }
            }
            sequenced = candidate
            events.append(GeneratedEvent(json: json, recorded: recorded, stored: candidate[seq - 1].event))
        }
        keep(EventJSON.schedule(on: "2020-01-01"), at: Instant("2023-01-01T02:00:00Z")!)
        for attempt in 0..<attempts {
            day = day.adding(days: Int.random(in: 0...9, using: &rng))
            let recorded = Instant(milliseconds: Int64(day.ordinal) * 86_400_000 + 7_200_000 + Int64(attempt))
            // Some events are backdated, up to 40 days.
            let on =
                Int.random(in: 0..<5, using: &rng) == 0 ? day.adding(days: -Int.random(in: 1...40, using: &rng)) : day
            let d = on.description
            let period = Period(containing: on).description
            let applying = { (_: String, status: MembershipStatus?) in status == .applied }
            let member = { (_: String, status: MembershipStatus?) in status == .active }
            let json: String
            switch Int.random(in: 0..<20, using: &rng) {
            case 0...2:
                json = EventJSON.filed(
                    company(on: on) { $1 != .applied && $1 != .active },
                    on: d,
                    memberClass: pick(["full", "affiliate"]),
                    employees: pick([5, 20, 40, 60, 120]),
                    // Some registrations lapse within the history (R7).
                    brExpiresOn: pick(["2099-12-31", on.adding(days: 400).description])
                )
            case 3...4: json = EventJSON.documents(company(on: on, applying), on: d)
            case 5...6:
                let c = company(on: on) { name, status in status == .applied && documented.contains(name) }
                json = EventJSON.approved(c, on: d, memberClass: pick(["full", "affiliate"]))
            case 7:
                json =
                    #"{"type":"RecommendationReceived","company":"\#(company(on: on, applying))","on":"\#(d)","recommender":"\#(company(on: on, member))"}"#
            case 8...9:
                json = EventJSON.requested(
                    company(on: on, member),
                    on: d,
                    period: pick([period, Period(containing: on).next.description])
                )
            case 10...12:
                references += 1
                json = EventJSON.paid(
                    company(on: on) { $1 == .active || $1 == .void },
                    on: d,
                    amount: pick(["1000", "500", "2000", "2500.50"]),
                    reference: "REF\(references)",
                    period: pick([nil, period])
                )
            case 13:
                // Mostly the Board excusing the request that made a member void (R18).
                let c = company(on: on) { $1 == .active || $1 == .void }
                let reason = fold.history(of: CompanyID(c)!)?.change(on: on)?.reason ?? ""
                let voiding = reason.hasPrefix("non-payment:") ? String(reason.dropFirst("non-payment:".count)) : nil
                json = EventJSON.excused(
                    c,
                    on: d,
                    period: voiding
                        ?? pick([period, Period(startYear: Period(containing: on).startYear - 1).description]),
                    until: pick([nil, on.adding(days: 40).description])
                )
            case 14:
                roundNumber += 1
                json = EventJSON.round(
                    "round-\(roundNumber)",
                    on: d,
                    included: names.filter { _ in Bool.random(using: &rng) } + ["NEVER-FILED"]
                )
            case 15:
                json =
                    #"{"type":"ClassChanged","company":"\#(company(on: on, member))","on":"\#(d)","class":"\#(pick(["full", "affiliate"]))"}"#
            case 16:
                let c = company(on: on) { $1 != nil }
                // Every third a rename too (the AGM roll reads a member's name as of its date).
                let name = attempt.isMultiple(of: 3) ? #","name":"\#(c) Holdings \#(attempt) Ltd""# : ""
                json =
                    #"{"type":"ProfileUpdated","company":"\#(c)","on":"\#(d)","employeesInHK":\#(pick([5, 45, 55, 150]))\#(name)}"#
            case 17: json = #"{"type":"MemberResigned","company":"\#(pick(names))","on":"\#(d)"}"#
            case 18:
                json =
                    #"{"type":"ApplicationRejected","company":"\#(pick(names))","on":"\#(d)","reason":"incomplete"}"#
            default:
                // Any event but the fee schedule (seq 1), which every filled-in amount needs (R13, R15).
                guard events.count > 1 else { continue }
                json = EventJSON.reversal(of: Int.random(in: 2...events.count, using: &rng), on: day.description)
            }
            keep(json, at: recorded)
        }
        return events
    }

    /// The generated events as the ledger stores them (amounts filled in), seqs from 1.
    public static func sequenced(_ events: [GeneratedEvent]) -> [SequencedEvent] {
        events.enumerated().map { SequencedEvent(seq: $0 + 1, event: $1.stored) }
    }
}
