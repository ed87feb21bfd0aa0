/// A row of `ledger status` (CLI.md).
public struct StatusRow: Hashable, Sendable {
    public var company: CompanyID
    public var name: String
    public var status: MembershipStatus
    public var memberClass: MemberClass
    public var since: Day
    public var reason: String?
    public var flags: [String]

    public init(
        company: CompanyID,
        name: String,
        status: MembershipStatus,
        memberClass: MemberClass,
        since: Day,
        reason: String?,
        flags: [String]
    ) {
        self.company = company
        self.name = name
        self.status = status
        self.memberClass = memberClass
        self.since = since
        self.reason = reason
        self.flags = flags
    }
}

/// A row of `ledger arrears`: a request with a balance on the as-of date (CLI.md).
public struct ArrearsRow: Hashable, Sendable {
    public enum State: String, Sendable {
        case due
        case excused
        case overdue
    }
    public var company: CompanyID
    public var period: Period
    public var amount: Cents
    public var paid: Cents
    public var balance: Cents { amount - paid }
    public var requestedOn: Day
    public var dueOn: Day
    public var state: State

    public init(
        company: CompanyID,
        period: Period,
        amount: Cents,
        paid: Cents,
        requestedOn: Day,
        dueOn: Day,
        state: State
    ) {
        self.company = company
        self.period = period
        self.amount = amount
        self.paid = paid
        self.requestedOn = requestedOn
        self.dueOn = dueOn
        self.state = state
    }
}

/// A row of `ledger voting` (R25).
public struct VotingRow: Hashable, Sendable {
    public var company: CompanyID
    public var name: String

    public init(company: CompanyID, name: String) {
        self.company = company
        self.name = name
    }
}

extension CompanyHistory {
    /// The status row on `day`, nil when the company had filed nothing by then.
    public func statusRow(on day: Day) -> StatusRow? {
        guard let change = change(on: day) else { return nil }
        return StatusRow(
            company: company,
            name: profile(on: day)?.name ?? "",
            status: change.status,
            memberClass: change.memberClass,
            since: change.since,
            reason: change.reason,
            flags: flags(on: day)
        )
    }

    /// The requests with a balance on `day`, by period.
    public func arrearsRows(on day: Day) -> [ArrearsRow] {
        requests.filter { $0.requestedOn <= day }.compactMap { request in
            let paid = request.paid(asOf: day)
            guard paid < request.amount else { return nil }
            let state: ArrearsRow.State =
                day <= request.dueOn ? .due : request.cover(on: day) != nil ? .excused : .overdue
            return ArrearsRow(
                company: company,
                period: request.period,
                amount: request.amount,
                paid: paid,
                requestedOn: request.requestedOn,
                dueOn: request.dueOn,
                state: state
            )
        }
        .sorted { ($0.period, $0.requestedOn) < ($1.period, $1.requestedOn) }
    }

    /// R25: may the company vote on `day`?
    public func mayVote(on day: Day) -> Bool {
        guard let change = change(on: day) else { return false }
        return change.status == .active && change.memberClass == .full
    }
}

extension MembershipFold {
    /// `ledger status` on `day`, by company; only `companies` when given.
    public func statusRows(on day: Day, companies only: Set<CompanyID>? = nil) -> [StatusRow] {
        inCompanyOrder { only?.contains($0.company) ?? true ? $0.statusRow(on: day) : nil }
    }

    /// `ledger arrears` on `day`, by company then period.
    public func arrearsRows(on day: Day) -> [ArrearsRow] { inCompanyOrder { $0.arrearsRows(on: day) }.flatMap { $0 } }

    /// `ledger voting` on `day`, by company.
    public func votingRows(on day: Day) -> [VotingRow] {
        inCompanyOrder {
            $0.mayVote(on: day) ? VotingRow(company: $0.company, name: $0.profile(on: day)?.name ?? "") : nil
        }
    }
}
