extension MembershipFold {
    /// Applies one event at its place in (`on`, `seq`) order, checking the rules it is subject to.
    mutating func apply(_ item: SequencedEvent) throws(LedgerError) {
        let e = item.event
        let seq = item.seq
        func refuse(_ rule: String, _ reason: String) -> LedgerError {
            LedgerError(rule, company: e.company, seq: seq, reason)
        }
        switch e.body {
        case .applicationFiled(let profile, let memberClass):
            try fileApplication(e.company!, profile: profile, memberClass: memberClass, on: e.on, seq: seq)
        case .feeScheduleSet(let full, let affiliate):
            schedule = (full, affiliate)
        case .indexRoundRecorded(let round, let included):
            try recordRound(round, included: included, on: e.on, seq: seq)
        case .eventReversed:
            break  // Taken out before the fold (R26).
        default:
            let ci = try filedCompany(e.company!, seq: seq, type: e.type)
            // The few fields the checks read, not a copy of the company (which would copy its history).
            let c = (
                status: companies[ci].status, memberClass: companies[ci].memberClass,
                openApplication: companies[ci].openApplication, company: companies[ci].history.company
            )
            switch e.body {
            case .documentsSubmitted:
                guard c.openApplication != nil else {
                    throw refuse(
                        "R9",
                        "documents need an open application; the status on \(e.on) is \(c.status.rawValue)"
                    )
                }
                companies[ci].openApplication?.hasDocuments = true
            case .recommendationReceived(let recommender):
                if let judged, !judged.contains(c.company), !judged.contains(recommender) { break }
                guard c.openApplication != nil else {
                    throw refuse(
                        "R10",
                        "a recommendation needs an open application; the status on \(e.on) is \(c.status.rawValue)"
                    )
                }
                guard recommender != e.company else { throw refuse("R10", "a company cannot recommend itself") }
                if defersRecommendations {
                    deferredRecommendations.append((point, recommender))
                    break
                }
                let status = index[recommender].map { companies[$0].status }
                guard status == .active else {
                    throw refuse(
                        "R10",
                        "the recommender \(recommender) is not an active member on \(e.on) (\(status.map { "status " + $0.rawValue } ?? "never filed"))"
                    )
                }
            case .membershipApproved(let memberClass):
                try approve(ci, memberClass: memberClass, on: e.on, seq: seq)
            case .applicationRejected:
                guard c.openApplication != nil else {
                    throw refuse("R12", "no open application to reject; the status on \(e.on) is \(c.status.rawValue)")
                }
                companies[ci].openApplication = nil
                setStatus(ci, .rejected, on: e.on, rule: "R12", seq: seq, note: "application rejected")
            case .feeRequested(let period, let amount):
                try requestFee(ci, period: period, amount: amount, on: e.on, seq: seq)
            case .feePaid(let payment):
                try pay(ci, payment, on: e.on, seq: seq)
            case .delayExcused(let period, _, _, let until):
                try excuse(ci, period: period, until: until, on: e.on, seq: seq)
            case .profileUpdated(let change):
                companies[ci].updateProfile(change, on: e.on)
            case .classChanged(let memberClass):
                guard c.status == .active else {
                    throw refuse(
                        "R21",
                        "only an active member changes class; the status on \(e.on) is \(c.status.rawValue)"
                    )
                }
                guard memberClass != c.memberClass else {
                    throw refuse("R21", "the member is already \(memberClass.rawValue)")
                }
                if memberClass == .full && !everIncluded.contains(c.company) {
                    throw refuse("R21", "class full needs an inclusion in an index round before \(e.on)")
                }
                setStatus(
                    ci,
                    .active,
                    on: e.on,
                    memberClass: memberClass,
                    rule: "R21",
                    seq: seq,
                    note: "class changed to \(memberClass.rawValue)"
                )
            case .memberResigned:
                guard c.status == .active || c.status == .void else {
                    throw refuse(
                        "R23",
                        "only an active or void membership can resign; the status on \(e.on) is \(c.status.rawValue)"
                    )
                }
                setStatus(ci, .resigned, on: e.on, rule: "R23", seq: seq, note: "resigned")
            default:
                preconditionFailure("handled above")
            }
        }
    }

    /// The company's index, refusing an event for a company that has filed nothing before it.
    func filedCompany(_ company: CompanyID, seq: Int, type: EventType) throws(LedgerError) -> Int {
        if let focus, focus.company == company { return focus.index }
        guard let ci = index[company] else {
            throw LedgerError(
                "R8",
                company: company,
                seq: seq,
                "\(type.rawValue) names a company that has filed no application before it"
            )
        }
        return ci
    }

    mutating func fileApplication(
        _ company: CompanyID,
        profile: Profile,
        memberClass: MemberClass,
        on day: Day,
        seq: Int
    ) throws(LedgerError) {
        let ci: Int
        if let existing = index[company] {
            // Read in place: a copy of the company retained and released every list of its history.
            if let open = companies[existing].openApplication {
                throw LedgerError("R8", company: company, seq: seq, "an application is already open (seq \(open.seq))")
            }
            if companies[existing].status == .active {
                throw LedgerError("R8", company: company, seq: seq, "the company is an active member on \(day)")
            }
            ci = existing
            companies[ci].profile = profile
            companies[ci].currentTerm = nil  // A new application ends the term.
        } else {
            ci = companies.count
            index[company] = ci
            companies.append(
                CompanyState(
                    history: CompanyHistory(company: company),
                    status: .applied,
                    memberClass: memberClass,
                    since: day,
                    profile: profile
                )
            )
            if let expected { reserve(ci, for: expected) }
        }
        companies[ci].openApplication = (seq, false)
        companies[ci].history.profiles.append(on: day, profile)
        setStatus(
            ci,
            .applied,
            on: day,
            memberClass: memberClass,
            rule: "R8",
            seq: seq,
            note: "applied for \(memberClass.rawValue) membership"
        )
    }

    mutating func approve(_ ci: Int, memberClass: MemberClass, on day: Day, seq: Int) throws(LedgerError) {
        // The few fields the checks read, not a copy of the company (which retained and released
        // every list of its history).
        let c = (
            status: companies[ci].status, openApplication: companies[ci].openApplication,
            company: companies[ci].history.company, termCount: companies[ci].termCount,
            isSME: companies[ci].profile.isSME, brExpiresOn: companies[ci].profile.brExpiresOn,
            requests: companies[ci].history.requests.count
        )
        func refuse(_ reason: String) -> LedgerError {
            LedgerError("R11", company: c.company, seq: seq, reason)
        }
        guard let application = c.openApplication else {
            throw refuse("admission needs an open application; the status on \(day) is \(c.status.rawValue)")
        }
        guard application.hasDocuments else {
            throw refuse("no documents were submitted for the application of seq \(application.seq)")
        }
        guard c.isSME else {
            let profile = (employees: companies[ci].profile.employeesInHK, sector: companies[ci].profile.sector)
            throw refuse("fails the SME test (R6): \(profile.employees) employees in HK, \(profile.sector.rawValue)")
        }
        guard c.brExpiresOn >= day else {
            throw refuse("business registration expired on \(c.brExpiresOn) (R7)")
        }
        if memberClass == .full && !everIncluded.contains(c.company) {
            throw refuse("class full needs an inclusion in an index round dated on or before \(day)")
        }
        let term = c.termCount
        companies[ci].openApplication = nil
        companies[ci].currentTerm = term
        companies[ci].termCount += 1
        companies[ci].termFirstRequest = c.requests
        let month = day.components.month
        companies[ci].termFirstYear = (Period(containing: day), month >= 10 || month <= 3)
        companies[ci].missedRounds = 0
        setStatus(
            ci,
            .active,
            on: day,
            memberClass: memberClass,
            rule: "R11",
            seq: seq,
            otherSeq: application.seq,
            note: "admitted as \(memberClass.rawValue) member; term \(term + 1) begins"
        )
    }

    mutating func recordRound(_ round: String, included: [CompanyID], on day: Day, seq: Int) throws(LedgerError) {
        try checkRound(round, on: day, seq: seq)
        let includedSet = Set(included)
        everIncluded.formUnion(includedSet)
        for ci in companies.indices where companies[ci].currentTerm != nil {
            countRound(ci, round, includes: includedSet.contains(companies[ci].history.company), on: day, seq: seq)
        }
    }

    /// R19: one round per label and per day.
    mutating func checkRound(_ round: String, on day: Day, seq: Int) throws(LedgerError) {
        guard roundLabels.insert(round).inserted else {
            throw LedgerError("R19", seq: seq, "an index round labelled \"\(round)\" is already recorded")
        }
        guard roundDays.insert(day).inserted else {
            throw LedgerError("R19", seq: seq, "an index round is already recorded on \(day)")
        }
    }

    /// R20: a round counts for or against one company's current term; the third missed in a row
    /// makes it void and ends the term.
    /// - Parameter includes: whether the round included the company.
    mutating func countRound(_ ci: Int, _ round: String, includes: Bool, on day: Day, seq: Int) {
        guard companies[ci].currentTerm != nil else { return }
        // The fields read, not a copy of the company (which would copy its history).
        let c = (status: companies[ci].status, reason: companies[ci].reason)
        guard c.status == .active || c.status == .void else { return }
        if includes {
            companies[ci].missedRounds = 0
            return
        }
        companies[ci].missedRounds += 1
        guard companies[ci].missedRounds >= 3 else { return }
        if c.status == .active {
            setStatus(
                ci,
                .void,
                on: day,
                reason: interned("index-non-participation:\(round)"),
                rule: "R20",
                seq: seq,
                note: "void: not included in three consecutive index rounds, the third being \(round); the term ends"
            )
        } else {
            setStatus(
                ci,
                .void,
                on: day,
                reason: c.reason,
                rule: "R20",
                seq: seq,
                note: "third missed index round \(round) while void: stays void, and the term ends"
            )
        }
        companies[ci].currentTerm = nil
    }
}
