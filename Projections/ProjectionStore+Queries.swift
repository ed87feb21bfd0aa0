import LedgerCore

extension ProjectionStore {
    /// Runs one of the bundled queries (`queries/NAME.sql`) with named parameters.
    func query<T>(
        _ name: String,
        _ parameters: [String: String],
        row: (SQLiteStatement) throws -> T?
    ) throws -> [T] {
        let db = try SQLiteDatabase(path: path)
        let statement = try db.prepare(try ProjectionStore.resource("queries/\(name).sql"))
        for (key, value) in parameters { try statement.bind(key, value) }
        var rows: [T] = []
        while try statement.step() { if let value = try row(statement) { rows.append(value) } }
        return rows
    }

    /// `ledger status` as of `day` from the tables (`queries/status_as_of.sql`), or for the
    /// companies named only (`queries/company_status_as_of.sql`, once per company).
    public func statusRows(on day: Day, companies only: Set<CompanyID>? = nil) throws -> [StatusRow] {
        func row(_ s: SQLiteStatement) throws -> StatusRow? {
            guard let company = s.text(0).flatMap(CompanyID.init) else { return nil }
            guard let status = s.text(2).flatMap(MembershipStatus.init),
                let memberClass = s.text(3).flatMap(MemberClass.init),
                let since = s.text(4).flatMap(Day.init)
            else { throw ProjectionError("a status row does not read back") }
            return StatusRow(
                company: company,
                name: s.text(1) ?? "",
                status: status,
                memberClass: memberClass,
                since: since,
                reason: s.text(5),
                flags: [s.text(6), s.text(7), s.text(8)].compactMap { $0 }
            )
        }
        guard let only else { return try query("status_as_of", [":as_of": day.description], row: row) }
        return try only.sorted().flatMap { company in
            try query("company_status_as_of", [":as_of": day.description, ":company": company.rawValue], row: row)
        }
    }

    /// `ledger arrears` as of `day` (`queries/arrears_as_of.sql`).
    public func arrearsRows(on day: Day) throws -> [ArrearsRow] {
        try query("arrears_as_of", [":as_of": day.description]) { s in
            guard let company = s.text(0).flatMap(CompanyID.init), let period = s.text(1).flatMap(Period.init),
                let requestedOn = s.text(5).flatMap(Day.init), let dueOn = s.text(6).flatMap(Day.init),
                let state = s.text(7).flatMap(ArrearsRow.State.init)
            else { throw ProjectionError("an arrears row does not read back") }
            return ArrearsRow(
                company: company,
                period: period,
                amount: Cents(s.integer(2)),
                paid: Cents(s.integer(3)),
                requestedOn: requestedOn,
                dueOn: dueOn,
                state: state
            )
        }
    }

    /// `ledger voting` on `day`: the AGM roll (`queries/agm_roll.sql`).
    public func votingRows(on day: Day) throws -> [VotingRow] {
        try query("agm_roll", [":as_of": day.description]) { s in
            guard let company = s.text(0).flatMap(CompanyID.init) else { return nil }
            return VotingRow(company: company, name: s.text(1) ?? "")
        }
    }
}
