import LedgerCore

/// Writes one company's history as rows of the tables in `schema.sql`.
struct ProjectionRows {
    let insertCompany: RowBatch
    let insertIdentity: RowBatch
    let insertProfile: RowBatch
    let insertStatus: RowBatch
    let insertVoting: RowBatch
    let insertRequest: RowBatch
    let insertPayment: RowBatch
    let insertExcusal: RowBatch
    let deletes: [SQLiteStatement]

    init(_ db: SQLiteDatabase) throws(ProjectionError) {
        insertCompany = try RowBatch(db, into: "companies", columns: 6)
        insertIdentity = try RowBatch(db, into: "identity_timeline", columns: 6)
        insertProfile = try RowBatch(db, into: "profile_timeline", columns: 6)
        insertStatus = try RowBatch(db, into: "status_timeline", columns: 9)
        insertVoting = try RowBatch(db, into: "voting_timeline", columns: 4)
        // due_on is computed by SQLite from requested_on (a generated column).
        insertRequest = try RowBatch(
            db,
            into: "fee_requests (seq, company, term, period, amount_cents, requested_on, settled_on)",
            columns: 7
        )
        insertPayment = try RowBatch(db, into: "fee_payments", columns: 4)
        insertExcusal = try RowBatch(db, into: "excusals", columns: 4)
        deletes = try [
            "DELETE FROM fee_payments WHERE request_seq IN (SELECT seq FROM fee_requests WHERE company = ?)",
            "DELETE FROM excusals WHERE request_seq IN (SELECT seq FROM fee_requests WHERE company = ?)",
            "DELETE FROM fee_requests WHERE company = ?", "DELETE FROM status_timeline WHERE company = ?",
            "DELETE FROM voting_timeline WHERE company = ?", "DELETE FROM profile_timeline WHERE company = ?",
            "DELETE FROM identity_timeline WHERE company = ?", "DELETE FROM companies WHERE company = ?",
        ]
        .map { sql throws(ProjectionError) in try db.prepare(sql) }
    }

    /// Inserts every row bound and not yet inserted.
    func flush() throws(ProjectionError) {
        for batch in [
            insertCompany, insertIdentity, insertProfile, insertStatus, insertVoting, insertRequest, insertPayment,
            insertExcusal,
        ] {
            try batch.flush()
        }
    }

    /// Removes every row of `company`.
    func delete(_ company: CompanyID) throws(ProjectionError) {
        for statement in deletes { try statement.run([.text(company.rawValue)]) }
    }

    /// Inserts every row of one company's history (in the tables once `flush()` has returned).
    func insert(_ history: CompanyHistory) throws(ProjectionError) {
        try insertTimelines(history)
        let company = history.company.rawValue
        for request in history.requests {
            try insertFeeRequest(request, of: company)
            try insertMoney(applied: request)
        }
    }

    /// The tables `insertTimelines` writes.
    static let timelineTables = [
        "companies", "identity_timeline", "profile_timeline", "status_timeline", "voting_timeline",
    ]

    /// Inserts the company, identity, profile, status and voting rows of many companies' histories
    /// (in company order, the order of those tables' keys: appends to their B-trees).
    func insertTimelines(_ histories: [CompanyHistory]) throws(ProjectionError) {
        for history in histories { try insertTimelines(history) }
        try flush()
    }

    /// The tables `insertMoney` writes.
    static let moneyTables = ["fee_payments", "excusals"]

    /// How many rows `insertRequests` and `insertMoney` write for `histories`.
    static func feeRows(_ histories: [CompanyHistory]) -> (requests: Int, all: Int) {
        var requests = 0
        var all = 0
        for history in histories {
            history.requests.withUnsafeBufferPointer { own in
                requests += own.count
                for r in own.indices { all += 1 + own[r].allocations.count + own[r].excusals.count }
            }
        }
        return (requests, all)
    }

    /// Inserts the fee requests of many companies' histories in company order (the order of
    /// `fee_requests`' key).
    /// - Parameter progress: called now and then with the rows written.
    func insertRequests(_ histories: [CompanyHistory], progress: ((Int) -> Void)? = nil) throws(ProjectionError) {
        var written = 0
        for (i, history) in histories.enumerated() {
            // Read in place: a copy of each request retained and released its arrays and texts.
            let company = history.company.rawValue
            try history.requests.withUnsafeBufferPointer { (own) throws(ProjectionError) in
                for request in own { try insertFeeRequest(request, of: company) }
                written += own.count
            }
            if i % 1000 == 0 { progress?(written) }
        }
        try flush()
        progress?(written)
    }

    /// Inserts the money applied to the fee requests of many companies' histories, payments and
    /// excusals, by request seq (the order of their tables' keys).
    /// - Parameter progress: called now and then with the rows written.
    func insertMoney(_ histories: [CompanyHistory], progress: ((Int) -> Void)? = nil) throws(ProjectionError) {
        // Every request as one word, its seq above its company's place in `histories` (seqs and
        // companies fit in 32 bits), in an array of its size sorted in place: (seq, company,
        // index) triples appended one by one and sorted took 16 bytes each and twice as many
        // while they grew, some 100 MB more at `hongkong`, where a rebuild's memory peaks.
        let count = histories.reduce(0) { $0 + $1.requests.count }
        var keys = [UInt64](unsafeUninitializedCapacity: count) { keys, filled in
            for (i, history) in histories.enumerated() {
                history.requests.withUnsafeBufferPointer { own in
                    for r in own.indices { keys[filled + r] = UInt64(own[r].seq) << 32 | UInt64(i) }
                    filled += own.count
                }
            }
        }
        keys.sort()
        var written = 0
        // The companies come in seq order, far apart in memory: their requests are asked for a
        // few keys ahead, so that each is in the cache when it is read, and the word in each
        // history that says where they are twice as far ahead (reading it was a miss too).
        let ahead = 8
        // The histories read where they lie: a history taken from the array to read its requests
        // was a copy, which retained and released everything it holds, for every request (a
        // quarter of this writer's time at `hongkong`).
        try histories.withUnsafeBufferPointer { (histories) throws(ProjectionError) in
            // Where the history of the company a key names lies.
            func history(_ key: UInt64) -> UnsafePointer<CompanyHistory> {
                histories.baseAddress! + Int(key & 0xFFFF_FFFF)
            }
            for (n, key) in keys.enumerated() {
                if n + 2 * ahead < keys.count {
                    CompanyHistory.prefetchRequestsReference(of: history(keys[n + 2 * ahead]))
                }
                if n + ahead < keys.count { CompanyHistory.prefetchRequests(of: history(keys[n + ahead])) }
                let seq = Int(key >> 32)
                try history(key).pointee.requests.withUnsafeBufferPointer {
                    (own) throws(ProjectionError) in
                    // A company's requests are few, and each holds its seq; read in place.
                    guard let r = own.firstIndex(where: { $0.seq == seq }) else {
                        preconditionFailure("request \(seq) was read from this company's requests")
                    }
                    try insertMoney(applied: own[r])
                    written += own[r].allocations.count + own[r].excusals.count
                }
                if n % 16384 == 0 { progress?(written) }
            }
        }
        try flush()
        progress?(written)
    }

    /// The company, identity, profile, status and voting rows of one company.
    func insertTimelines(_ history: CompanyHistory) throws(ProjectionError) {
        try insertCompanyRow(history)
        try insertIdentityRows(history)
        try insertProfileRows(history)
        try insertStatusRows(history)
    }

    /// The company's latest profile.
    func insertCompanyRow(_ history: CompanyHistory) throws(ProjectionError) {
        guard let p = history.profiles.last?.profile else { return }
        try insertCompany.insert { row in
            row.text(history.company.rawValue)
            row.text(p.name)
            row.text(p.brNumber)
            row.text(p.brExpiresOn.description)
            row.text(p.sector.rawValue)
            row.integer(Int64(p.employeesInHK))
        }
    }

    /// The company's name, BR number and sector over time.
    func insertIdentityRows(_ history: CompanyHistory) throws(ProjectionError) {
        let profiles = history.profiles
        try insertIntervals(of: history, into: insertIdentity) {
            profiles.sameIdentity($0, $1)
                && profiles.unnamed(at: $0).profile.sector == profiles.unnamed(at: $1).profile.sector
        } values: { row, position in
            let p = profiles[position].profile
            row.text(p.name)
            row.text(p.brNumber)
            row.text(p.sector.rawValue)
        }
    }

    /// What R6 and R7 read of the company's profile over time.
    func insertProfileRows(_ history: CompanyHistory) throws(ProjectionError) {
        let profiles = history.profiles
        try insertIntervals(of: history, into: insertProfile) {
            let (a, b) = (profiles.unnamed(at: $0).profile, profiles.unnamed(at: $1).profile)
            return (a.brExpiresOn, a.employeesInHK, a.isSME) == (b.brExpiresOn, b.employeesInHK, b.isSME)
        } values: { row, position in
            let p = profiles.unnamed(at: position).profile
            row.text(p.brExpiresOn.description)
            row.integer(Int64(p.employeesInHK))
            row.integer(p.isSME ? 1 : 0)
        }
    }

    /// One row per interval over which the company's profile is the `same` (the profile of each
    /// day's last version): the company, the profile's `values`, valid_from and valid_to.
    /// `same` and `values` are given positions in the profile timeline: a version made whole
    /// for each comparison retained and released its name and registration number (a third of
    /// the timelines writer's own samples at `hongkong`).
    private func insertIntervals(
        of history: CompanyHistory,
        into batch: RowBatch,
        same: (Int, Int) -> Bool,
        values: (inout SQLiteStatement.Row, Int) -> Void
    ) throws(ProjectionError) {
        let profiles = history.profiles
        let company = history.company.rawValue
        let versions = ProjectionRows.lastPerDay(profiles.count, day: profiles.day(at:))
        for run in ProjectionRows.runs(of: versions, same: same) {
            try batch.insert { row in
                row.text(company)
                values(&row, run.first)
                row.text(profiles.day(at: run.first).description)
                row.text(run.next.map { profiles.day(at: $0).description })
            }
        }
    }

    /// The company's status over time, and its voting rights.
    func insertStatusRows(_ history: CompanyHistory) throws(ProjectionError) {
        let company = history.company.rawValue
        let profiles = history.profiles
        let timeline = history.timeline
        let changes = timeline.withUnsafeBufferPointer { timeline in
            ProjectionRows.lastPerDay(timeline.count) { timeline[$0].on }
        }
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
                    row.text(change.seqs(separatedBy: ","))
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
    func insertVoting(_ company: String, from: Day, to: Day?, profiles: ProfileTimeline) throws(ProjectionError) {
        func row(_ name: String, _ from: Day, _ to: Day?) throws(ProjectionError) {
            try insertVoting.insert { row in
                row.text(company)
                row.text(name)
                row.text(from.description)
                row.text(to?.description)
            }
        }
        // Profiles are in date order. Only a change of identity can change the name: no text is
        // read for the versions between.
        var previous = profiles.position(on: from)
        var start = from
        var name = previous.map { profiles[$0].profile.name } ?? ""
        for position in profiles.indices where profiles.day(at: position) > from {
            let on = profiles.day(at: position)
            if let to, on >= to { break }
            let changed = previous.map { !profiles.sameIdentity($0, position) } ?? true
            previous = position
            guard changed else { continue }
            let next = profiles[position].profile.name
            guard next != name else { continue }
            try row(name, start, on)
            (start, name) = (on, next)
        }
        try row(name, start, to)
    }

    /// A fee request's row.
    /// - Parameter company: its company's id as text, made once for all its requests.
    func insertFeeRequest(_ request: FeeRequestRecord, of company: String) throws(ProjectionError) {
        try insertRequest.insert { row in
            row.integer(Int64(request.seq))
            row.text(company)
            row.integer(Int64(request.term + 1))
            row.text(request.period.description)
            row.integer(request.amount.value)
            row.text(request.requestedOn.description)
            row.text(request.settledOn?.description)
        }
    }

    /// The payments and excusals applied to a fee request.
    func insertMoney(applied request: FeeRequestRecord) throws(ProjectionError) {
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

    /// The positions of the last of `count` items (in date order, the `day` of each position)
    /// on each day: what holds from that day on.
    static func lastPerDay(_ count: Int, day: (Int) -> Day) -> [Int] {
        (0..<count).filter { $0 + 1 == count || day($0 + 1) != day($0) }
    }

    /// Runs of equal items among `positions` (by `same`, given two positions): each run's first
    /// position, and the first position of the next run (nil for the last): one timeline row each.
    static func runs(of positions: [Int], same: (Int, Int) -> Bool) -> [(first: Int, next: Int?)] {
        var runs: [(first: Int, next: Int?)] = []
        for position in positions where runs.last.map({ !same($0.first, position) }) ?? true {
            if !runs.isEmpty { runs[runs.count - 1].next = position }
            runs.append((position, nil))
        }
        return runs
    }
}
