import ArgumentParser
import LedgerCore
import LedgerLog
import LedgerProjections

extension Ledger {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Member status (R4 clocks), by company."
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var view: ViewOptions
        @OptionGroup var range: RangeOptions

        @Argument(help: "Only these companies.")
        var companies: [String] = []

        func run() throws {
            let only =
                try companies.isEmpty
                ? nil
                : Set(
                    companies.map { text throws -> CompanyID in
                        guard let id = CompanyID(text) else {
                            throw InputError(field: "COMPANY", "\"\(text)\" is not a company id")
                        }
                        return id
                    }
                )
            var out = RowStream(
                view.outputFormat,
                columns: ["company", "name", "status", "class", "since", "reason", "flags"]
            )
            try view.rows(
                options,
                companies: only,
                ranges: range.ranges,
                projected: { try $0.statusRows(on: $1, companies: only) },
                replayed: { $0.statusRows(on: $1, companies: only) },
                each: { part in
                    out.write(part) { row in
                        [
                            ("company", .string(row.company.rawValue)), ("name", .string(row.name)),
                            ("status", .string(row.status.rawValue)), ("class", .string(row.memberClass.rawValue)),
                            ("since", .string(row.since.description)),
                            ("reason", row.reason.map(JSONValue.string) ?? .null),
                            ("flags", .array(row.flags.map(JSONValue.string))),
                        ]
                    }
                }
            )
            out.finish()
        }
    }

    struct Arrears: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "arrears",
            abstract: "Fee requests with a balance, by company then period."
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var view: ViewOptions
        @OptionGroup var range: RangeOptions

        func run() throws {
            var out = RowStream(
                view.outputFormat,
                columns: ["company", "period", "amount", "paid", "balance", "requestedOn", "dueOn", "state"]
            )
            try view.rows(
                options,
                ranges: range.ranges,
                projected: { try $0.arrearsRows(on: $1) },
                replayed: { $0.arrearsRows(on: $1) },
                each: { part in
                    out.write(part) { row in
                        [
                            ("company", .string(row.company.rawValue)), ("period", .string(row.period.description)),
                            ("amount", .string(row.amount.description)), ("paid", .string(row.paid.description)),
                            ("balance", .string(row.balance.description)),
                            ("requestedOn", .string(row.requestedOn.description)),
                            ("dueOn", .string(row.dueOn.description)), ("state", .string(row.state.rawValue)),
                        ]
                    }
                }
            )
            out.finish()
        }
    }

    struct Voting: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "voting",
            abstract: "Companies that may vote (R25): active full members."
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var view: ViewOptions
        @OptionGroup var range: RangeOptions

        func run() throws {
            var out = RowStream(view.outputFormat, columns: ["company", "name"])
            try view.rows(
                options,
                ranges: range.ranges,
                projected: { try $0.votingRows(on: $1) },
                replayed: { $0.votingRows(on: $1) },
                each: { part in
                    out.write(part) { [("company", .string($0.company.rawValue)), ("name", .string($0.name))] }
                }
            )
            out.finish()
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explain",
            abstract: "A company's timeline: each change of status or class, the rule and the seqs behind it."
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var view: ViewOptions

        @Argument(help: "The company.")
        var company: String

        func run() throws {
            guard let id = CompanyID(company) else {
                throw InputError(field: "COMPANY", "\"\(company)\" is not a company id")
            }
            let (fold, day) = try view.fold(options, companies: [id])
            // A whole ledger's, when the append index could not answer: not freed before exit.
            defer { BackgroundRelease.release(fold) }
            guard let history = fold.history(of: id), history.change(on: day) != nil else {
                throw InputError(field: "COMPANY", "\(company) has filed nothing by \(day)")
            }
            let changes = history.timeline.filter { $0.on <= day }.map { change -> [(key: String, value: JSONValue)] in
                [
                    ("on", .string(change.on.description)), ("status", .string(change.status.rawValue)),
                    ("class", .string(change.memberClass.rawValue)), ("since", .string(change.since.description)),
                    ("reason", change.reason.map(JSONValue.string) ?? .null), ("rule", .string(change.rule)),
                    ("seqs", .array(change.seqs.map { .number(String($0)) })), ("note", .string(change.note)),
                ]
            }
            let format = view.outputFormat
            guard format == .table else {
                format.emit(changes, columns: ["on", "status", "class", "since", "reason", "rule", "seqs", "note"])
                return
            }
            // For people: a dated story, one line per change, each with its rule and seqs.
            if let status = history.statusRow(on: day) {
                print("\(status.name) (\(id)) as of \(day): " + status.summary(colour: Terminal.wantsColour))
            }
            for change in history.timeline where change.on <= day {
                let seqs = change.seqs(separatedBy: ", ")
                print(
                    "  \(change.on)  \(change.note) (\(change.rule), seq\(change.seqs.count == 1 ? "" : "s") \(seqs))"
                )
            }
            for row in history.arrearsRows(on: day) {
                print(
                    "  owes \(row.balance) of \(row.amount) for \(row.period), requested \(row.requestedOn), due \(row.dueOn) (\(row.state.rawValue))"
                )
            }
        }
    }
}

extension StatusRow {
    /// `active full since 2024-05-03 (reason); flags: in-arrears`, the status word coloured on request.
    func summary(colour: Bool = false) -> String {
        let word = colour ? Terminal.status(status.rawValue, value: status.rawValue) : status.rawValue
        return "\(word) \(memberClass.rawValue) since \(since)" + (reason.map { " (\($0))" } ?? "")
            + (flags.isEmpty ? "" : "; flags: " + flags.joined(separator: ", "))
    }
}
