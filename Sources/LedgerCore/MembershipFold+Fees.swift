extension MembershipFold {
    /// R15: a request for `period` from an active member, its amount given or filled from R13/R14.
    mutating func requestFee(_ ci: Int, period: Period, amount: Cents?, on day: Day, seq: Int) throws(LedgerError) {
        // The few fields the checks read, not a copy of the company (which would copy its history).
        let c = (
            status: companies[ci].status, currentTerm: companies[ci].currentTerm,
            termFirstYear: companies[ci].termFirstYear,
            memberClass: companies[ci].memberClass, currentRequests: companies[ci].currentRequests,
            company: companies[ci].history.company
        )
        func refuse(_ rule: String, _ reason: String) -> LedgerError {
            LedgerError(rule, company: c.company, seq: seq, reason)
        }
        guard c.status == .active, let term = c.currentTerm, let termFirstYear = c.termFirstYear else {
            throw refuse(
                "R15",
                "fees are requested of active members only; the status on \(day) is \(c.status.rawValue)"
            )
        }
        let firstYear = termFirstYear.period
        guard period >= firstYear else {
            throw refuse("R15", "period \(period) is before the term's first membership year \(firstYear)")
        }
        let latest = Period(containing: day).next
        guard period <= latest else {
            throw refuse("R15", "period \(period) is after \(latest), the year following the request date's year")
        }
        if let existing = c.currentRequests.first(where: { companies[ci].history.requests[$0].period == period }) {
            throw refuse(
                "R15",
                "\(period) was already requested in this term (seq \(companies[ci].history.requests[existing].seq))"
            )
        }
        let charged: Cents
        if let amount {
            charged = amount
        } else {
            guard let schedule else {
                throw refuse("R13", "no fee schedule is in force on \(day) to fill the amount; give an amount")
            }
            let annual = c.memberClass == .full ? schedule.full : schedule.affiliate
            // R14: a term joined from October to March pays half for its first year.
            let isHalfYear = period == firstYear && termFirstYear.halfYear
            charged = isHalfYear ? annual.halved : annual
            filledAmounts[seq] = charged
        }
        var request = FeeRequestRecord(seq: seq, term: term, period: period, requestedOn: day, amount: charged)
        appendRequest(ci, &request)
        triggers.schedule(ci, on: request.dueOn.adding(days: 1), after: point)
    }

    /// Adds a request to the company (in place, no copy of its history), paying it from credit first (R16).
    mutating func appendRequest(_ ci: Int, _ request: inout FeeRequestRecord) {
        // R16: credit settles the next requests on their request date.
        let credit = companies[ci].credit
        if credit > .zero {
            let used = min(credit, request.amount)
            request.allocate(Allocation(on: request.requestedOn, amount: used, seq: request.seq))
            companies[ci].credit = credit - used
        }
        companies[ci].history.requests.append(request)
        companies[ci].skipSettled()
    }

    /// R16: a payment goes to the named period's request, or the oldest current one; the rest to
    /// the other current requests, oldest first; what is left is credit.
    mutating func pay(_ ci: Int, _ payment: Payment, on day: Day, seq: Int) throws(LedgerError) {
        let reference = payment.reference
        let fingerprint = PaymentReferences.Fingerprint(reference)
        guard !companies[ci].references.contains(reference, fingerprint: fingerprint) else {
            throw LedgerError(
                "R16",
                company: companies[ci].history.company,
                seq: seq,
                "payment reference \"\(reference)\" is already recorded for this company"
            )
        }
        var named: Int?
        if let period = payment.period {
            // The latest term that has a request for the period.
            named = companies[ci].history.requests.lastIndex { $0.period == period }
            if named == nil {
                throw LedgerError(
                    "R16",
                    company: companies[ci].history.company,
                    seq: seq,
                    "no fee was requested for \(period)"
                )
            }
        }
        companies[ci].references.add(reference, fingerprint: fingerprint)
        // Then the current requests, oldest first: the fold appends them in (date, seq) order.
        var left = payment.amount
        if let named { allocate(ci, request: named, from: &left, on: day, seq: seq) }
        // (The settled ones have no balance to take any.)
        for r in companies[ci].unsettledRequests where r != named && left > .zero {
            allocate(ci, request: r, from: &left, on: day, seq: seq)
        }
        companies[ci].skipSettled()
        companies[ci].credit = companies[ci].credit + left
    }

    /// Applies what is `left` of a payment to a request, up to its balance (R16).
    private mutating func allocate(_ ci: Int, request r: Int, from left: inout Cents, on day: Day, seq: Int) {
        let balance = companies[ci].history.requests[r].balance
        guard balance > .zero, left > .zero else { return }
        let used = min(balance, left)
        companies[ci].history.requests[r].allocate(Allocation(on: day, amount: used, seq: seq))
        left = left - used
    }

    /// R18: an excusal covers a current-term request from its date, and restores a membership made
    /// void by that request alone.
    mutating func excuse(_ ci: Int, period: Period, until: Day?, on day: Day, seq: Int) throws(LedgerError) {
        let c = companies[ci]
        func refuse(_ reason: String) -> LedgerError {
            LedgerError("R18", company: c.history.company, seq: seq, reason)
        }
        guard let r = c.currentRequests.first(where: { c.history.requests[$0].period == period }) else {
            throw refuse(
                c.currentTerm == nil
                    ? "there is no current membership term on \(day)"
                    : "no fee for \(period) was requested in the current term"
            )
        }
        let request = c.history.requests[r]
        let (status, voidingRequest) = (c.status, c.voidingRequest)
        if let until, until < request.dueOn {
            throw refuse("until \(until) is before the request's due date \(request.dueOn)")
        }
        companies[ci].history.requests[r].excusals.append(Excusal(on: day, until: until, seq: seq))
        if let until { triggers.schedule(ci, on: max(until.adding(days: 1), day), after: point) }
        if status == .void, voidingRequest == r, overdueRequest(ci, on: day, except: r) == nil,
            companies[ci].history.requests[r].cover(on: day) != nil
        {
            setStatus(
                ci,
                .active,
                on: day,
                rule: "R18",
                seq: seq,
                otherSeq: request.seq,
                note: "delay excused for \(period): active again in the same term"
            )
        }
    }
}
