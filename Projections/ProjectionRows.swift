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

    /// Inserts every row of many companies' histories: timelines by company, then requests by seq,
    /// each table in the order of its key (appends to its B-tree, not inserts all over it).
    func insert(_ histories: [CompanyHistory], progress: ((Int, Int) -> Void)? = nil) throws(ProjectionError) {
        var requests: [(seq: Int, company: Int32, index: Int32)] = []
        for (i, history) in histories.enumerated() {
            try insertTimelines(history)
            for (r, request) in history.requests.enumerated() { requests.append((request.seq, Int32(i), Int32(r))) }
            if i % 1000 == 0 { progress?(i, histories.count) }
        }
        requests.sort { $0.seq < $1.seq }
        for request in requests {
            try insertFeeRequest(histories[Int(request.company)].requests[Int(request.index)])
        }
        progress?(histories.count, histories.count)
    }

    /// The profile, company, status and voting rows of one company.
    func insertTimelines(_ history: CompanyHistory) throws(ProjectionError) {
        let company = SQLiteStatement.Value.text(history.company.rawValue)
        let profiles = ProjectionRows.lastPerDay(history.profiles, day: \.on)
        for (i, version) in profiles.enumerated() {
            let p = version.profile
            try insertProfile.run([
                company, .text(p.name), .text(p.brExpiresOn.description), .text(p.sector.rawValue),
                .integer(Int64(p.employeesInHK)), .integer(p.isSME ? 1 : 0), .text(version.on.description),
                i + 1 < profiles.count ? .text(profiles[i + 1].on.description) : .null,
            ])
        }
        if let p = profiles.last?.profile {
            try insertCompany.run([
                company, .text(p.name), .text(p.brNumber), .text(p.brExpiresOn.description), .text(p.sector.rawValue),
                .integer(Int64(p.employeesInHK)),
            ])
        }
        let changes = ProjectionRows.lastPerDay(history.timeline, day: \.on)
        var votingFrom: Day?
        for (i, change) in changes.enumerated() {
            let end: Day? = i + 1 < changes.count ? changes[i + 1].on : nil
            try insertStatus.run([
                company, .text(change.status.rawValue), .text(change.memberClass.rawValue),
                .text(change.since.description),
                change.reason.map { .text($0) } ?? .null, .text(change.rule),
                .text(change.seqs.map(String.init).joined(separator: ",")), .text(change.on.description),
                end.map { .text($0.description) } ?? .null,
            ])
            let votes = change.status == .active && change.memberClass == .full
            if votes && votingFrom == nil { votingFrom = change.on }
            if let from = votingFrom, !votes || end == nil {
                try insertVoting(company, from: from, to: votes ? nil : change.on, profiles: profiles)
                votingFrom = nil
            }
        }
    }

    /// One interval of voting rights, cut where the company's name changes, so that the AGM roll
    /// reads one row per member instead of looking its name up in the profile timeline.
    func insertVoting(
        _ company: SQLiteStatement.Value,
        from: Day,
        to: Day?,
        profiles: [ProfileVersion]
    ) throws(ProjectionError) {
        func row(_ name: String, _ from: Day, _ to: Day?) throws(ProjectionError) {
            try insertVoting.run([
                company, .text(name), .text(from.description), to.map { .text($0.description) } ?? .null,
            ])
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
        try insertRequest.run([
            .integer(Int64(request.seq)), .text(request.company.rawValue), .integer(Int64(request.term + 1)),
            .text(request.period.description),
            .integer(request.amount.value), .text(request.requestedOn.description),
            .text(request.dueOn.description),
            request.settledOn.map { .text($0.description) } ?? .null,
        ])
        for allocation in request.allocations {
            try insertPayment.run([
                .integer(Int64(request.seq)), .integer(Int64(allocation.seq)), .text(allocation.on.description),
                .integer(allocation.amount.value),
            ])
        }
        for excusal in request.excusals {
            try insertExcusal.run([
                .integer(Int64(request.seq)), .integer(Int64(excusal.seq)), .text(excusal.on.description),
                excusal.until.map { .text($0.description) } ?? .null,
            ])
        }
    }

    /// The last item of each day: what holds from that day on.
    static func lastPerDay<T>(_ items: [T], day: (T) -> Day) -> [T] {
        var result: [T] = []
        for item in items {
            if let last = result.last, day(last) == day(item) {
                result[result.count - 1] = item
            } else {
                result.append(item)
            }
        }
        return result
    }
}
