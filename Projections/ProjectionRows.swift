import LedgerCore

/// Writes one company's history as rows of the tables in `schema.sql`.
struct ProjectionRows {
    let insertCompany: SQLiteStatement
    let insertProfile: SQLiteStatement
    let insertStatus: SQLiteStatement
    let insertVoting: SQLiteStatement
    let insertRequest: SQLiteStatement
    let insertPayment: SQLiteStatement
    let insertExcusal: SQLiteStatement
    let deletes: [SQLiteStatement]

    init(_ db: SQLiteDatabase) throws(ProjectionError) {
        insertCompany = try db.prepare("INSERT INTO companies VALUES (?, ?, ?, ?, ?, ?)")
        insertProfile = try db.prepare("INSERT INTO profile_timeline VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        insertStatus = try db.prepare("INSERT INTO status_timeline VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        insertVoting = try db.prepare("INSERT INTO voting_timeline VALUES (?, ?, ?, ?)")
        insertRequest = try db.prepare("INSERT INTO fee_requests VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        insertPayment = try db.prepare("INSERT INTO fee_payments VALUES (?, ?, ?, ?)")
        insertExcusal = try db.prepare("INSERT INTO excusals VALUES (?, ?, ?, ?)")
        deletes = try [
            "DELETE FROM fee_payments WHERE request_seq IN (SELECT seq FROM fee_requests WHERE company = ?)",
            "DELETE FROM excusals WHERE request_seq IN (SELECT seq FROM fee_requests WHERE company = ?)",
            "DELETE FROM fee_requests WHERE company = ?", "DELETE FROM status_timeline WHERE company = ?",
            "DELETE FROM voting_timeline WHERE company = ?", "DELETE FROM profile_timeline WHERE company = ?",
            "DELETE FROM companies WHERE company = ?",
        ]
        .map { sql throws(ProjectionError) in try db.prepare(sql) }
    }

    /// Removes every row of `company`.
    func delete(_ company: CompanyID) throws(ProjectionError) {
        for statement in deletes { try statement.run([.text(company.rawValue)]) }
    }

    /// Inserts every row of one company's history.
    func insert(_ history: CompanyHistory) throws(ProjectionError) {
        try insertTimelines(history)
        for request in history.requests { try insertFeeRequest(request) }
    }

    /// Inserts the profile, company, status and voting rows of many companies' histories (in
    /// company order, the order of those tables' keys: appends to their B-trees).
    func insertTimelines(_ histories: [CompanyHistory], progress: ((Int, Int) -> Void)? = nil) throws(ProjectionError) {
        for (i, history) in histories.enumerated() {
            try insertTimelines(history)
            if i % 1000 == 0 { progress?(i, histories.count) }
        }
        progress?(histories.count, histories.count)
    }

    /// Inserts the fee requests of many companies' histories, with their payments and excusals,
    /// by seq (the order of those tables' keys).
    func insertRequests(_ histories: [CompanyHistory]) throws(ProjectionError) {
        var requests: [(seq: Int, company: Int32, index: Int32)] = []
        for (i, history) in histories.enumerated() {
            for (r, request) in history.requests.enumerated() { requests.append((request.seq, Int32(i), Int32(r))) }
        }
        requests.sort { $0.seq < $1.seq }
        for request in requests {
            // Read in place: a copy of each request retained and released its arrays and texts.
            try histories[Int(request.company)].requests.withUnsafeBufferPointer { (requests) throws(ProjectionError) in
                try insertFeeRequest(requests[Int(request.index)])
            }
        }
    }

    /// The profile, company, status and voting rows of one company.
    func insertTimelines(_ history: CompanyHistory) throws(ProjectionError) {
        let company = history.company.rawValue
        let profiles = history.profiles
        let profileRows = ProjectionRows.lastPerDay(profiles, day: \.on)
        for (n, i) in profileRows.enumerated() {
            let end = n + 1 < profileRows.count ? profiles[profileRows[n + 1]].on.description : nil
            try insertProfile.insert { row in
                let p = profiles[i].profile
                row.text(company)
                row.text(p.name)
                row.text(p.brExpiresOn.description)
                row.text(p.sector.rawValue)
                row.integer(Int64(p.employeesInHK))
                row.integer(p.isSME ? 1 : 0)
                row.text(profiles[i].on.description)
                row.text(end)
            }
        }
        if let p = profiles.last?.profile {
            try insertCompany.insert { row in
                row.text(company)
                row.text(p.name)
                row.text(p.brNumber)
                row.text(p.brExpiresOn.description)
                row.text(p.sector.rawValue)
                row.integer(Int64(p.employeesInHK))
            }
        }
        let timeline = history.timeline
        let changes = ProjectionRows.lastPerDay(timeline, day: \.on)
        var votingFrom: Day?
        for (n, i) in changes.enumerated() {
            let end: Day? = n + 1 < changes.count ? timeline[changes[n + 1]].on : nil
            try timeline.withUnsafeBufferPointer { (timeline) throws(ProjectionError) in
                let change = timeline[i]
                try insertStatus.insert { row in
                    row.text(company)
                    row.text(change.status.rawValue)
                    row.text(change.memberClass.rawValue)
                    row.text(change.since.description)
                    row.text(change.reason)
                    row.text(change.rule)
                    row.text(change.seqs.map(String.init).joined(separator: ","))
                    row.text(change.on.description)
                    row.text(end?.description)
                }
            }
            let votes = timeline[i].status == .active && timeline[i].memberClass == .full
            if votes && votingFrom == nil { votingFrom = timeline[i].on }
            if let from = votingFrom, !votes || end == nil {
                try insertVoting(company, from: from, to: votes ? nil : timeline[i].on, profiles: profiles)
                votingFrom = nil
            }
        }
    }

    /// One interval of voting rights, cut where the company's name changes, so that the AGM roll
    /// reads one row per member instead of looking its name up in the profile timeline.
    func insertVoting(_ company: String, from: Day, to: Day?, profiles: [ProfileVersion]) throws(ProjectionError) {
        func row(_ name: String, _ from: Day, _ to: Day?) throws(ProjectionError) {
            try insertVoting.insert { row in
                row.text(company)
                row.text(name)
                row.text(from.description)
                row.text(to?.description)
            }
        }
        var start = from
        var name = profiles.last(where: { $0.on <= from })?.profile.name ?? ""
        // Profiles are in date order.
        for version in profiles where version.on > from {
            if let to, version.on >= to { break }
            guard version.profile.name != name else { continue }
            try row(name, start, version.on)
            (start, name) = (version.on, version.profile.name)
        }
        try row(name, start, to)
    }

    /// A fee request's row, with its payments and excusals.
    func insertFeeRequest(_ request: FeeRequestRecord) throws(ProjectionError) {
        try insertRequest.insert { row in
            row.integer(Int64(request.seq))
            row.text(request.company.rawValue)
            row.integer(Int64(request.term + 1))
            row.text(request.period.description)
            row.integer(request.amount.value)
            row.text(request.requestedOn.description)
            row.text(request.dueOn.description)
            row.text(request.settledOn?.description)
        }
        for allocation in request.allocations {
            try insertPayment.insert { row in
                row.integer(Int64(request.seq))
                row.integer(Int64(allocation.seq))
                row.text(allocation.on.description)
                row.integer(allocation.amount.value)
            }
        }
        for excusal in request.excusals {
            try insertExcusal.insert { row in
                row.integer(Int64(request.seq))
                row.integer(Int64(excusal.seq))
                row.text(excusal.on.description)
                row.text(excusal.until?.description)
            }
        }
    }

    /// The positions of the last item of each day: what holds from that day on.
    static func lastPerDay<T>(_ items: [T], day: (T) -> Day) -> [Int] {
        items.indices.filter { $0 + 1 == items.count || day(items[$0 + 1]) != day(items[$0]) }
    }
}
