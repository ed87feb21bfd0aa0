import Foundation
import LedgerCore
import LedgerLog

/// The association's member spreadsheet (CSV) as a backfilled history: per row, the company's
/// application, documents and admission on its joining date, then each year's fee request and
/// payment. Columns are found by their header names (see `column(_:)` and the README); ids are
/// derived from the company, the event and the year, so importing the same file again adds nothing.
enum MemberList {
    enum Column: Hashable {
        case company, name, brNumber, brExpiresOn, sector, employees, memberClass, joined
        /// A year's columns: the amount requested, the amount paid, the payment date.
        case requested(Period)
        case paid(Period)
        case paidOn(Period)
    }

    /// A row that cannot be imported, and why.
    struct RowProblem: Error, CustomStringConvertible {
        var line: Int
        var company: String?
        var reason: String
        var description: String { "row at line \(line)" + (company.map { " (\($0))" } ?? "") + ": " + reason }
    }

    /// A row's events, ready to append.
    struct Row {
        var line: Int
        var company: String
        var inputs: [EventInput]
    }

    static let names: [String: Column] = [
        "company": .company, "companyid": .company, "memberid": .company, "member": .company,
        "name": .name, "companyname": .name,
        "brnumber": .brNumber, "brno": .brNumber, "br": .brNumber, "businessregistration": .brNumber,
        "businessregistrationnumber": .brNumber,
        "brexpiry": .brExpiresOn, "brexpireson": .brExpiresOn, "brexpirydate": .brExpiresOn, "brexpires": .brExpiresOn,
        "sector": .sector,
        "employees": .employees, "employeesinhk": .employees, "headcount": .employees, "staff": .employees,
        "class": .memberClass, "memberclass": .memberClass, "membershipclass": .memberClass,
        "joined": .joined, "joinedon": .joined, "joiningdate": .joined, "datejoined": .joined, "joindate": .joined,
    ]

    /// The column a header names: case, spaces, `_`, `-` and `.` do not matter; fee columns are
    /// `requested 2024-25`, `paid 2024-25` and `paid on 2024-25`.
    static func column(_ header: String) -> Column? {
        let words = header.lowercased().replacingOccurrences(of: "_", with: " ").split(separator: " ").map(String.init)
        if let last = words.last, let period = Period(last), words.count >= 2 {
            switch words.dropLast().joined(separator: " ") {
            case "requested", "fee requested", "requested fee": return .requested(period)
            case "paid", "fee paid", "paid amount": return .paid(period)
            case "paid on", "payment date", "date paid": return .paidOn(period)
            default: return nil
            }
        }
        let key = String(header.lowercased().unicodeScalars.filter { !" _-.".unicodeScalars.contains($0) })
        return names[key]
    }

    /// Reads every row; rows that cannot become events are reported, not skipped silently.
    /// - Returns: the rows' events, the problems, and the columns not used.
    static func read(_ table: CSVTable) -> (rows: [Row], problems: [RowProblem], unused: [String]) {
        var columns: [Int: Column] = [:]
        var unused: [String] = []
        for (i, header) in table.header.enumerated() {
            if let column = column(header) { columns[i] = column } else if !header.isEmpty { unused.append(header) }
        }
        var rows: [Row] = []
        var problems: [RowProblem] = []
        var firstLine: [String: Int] = [:]
        for (line, fields) in table.rows {
            var values: [Column: String] = [:]
            for (i, field) in fields.enumerated() {
                let value = field.trimmingCharacters(in: .whitespaces)
                if let column = columns[i], !value.isEmpty { values[column] = value }
            }
            let company = values[.company]
            do {
                guard let company else { throw RowProblem(line: line, company: nil, reason: "no company id") }
                if let earlier = firstLine[company] {
                    throw RowProblem(
                        line: line,
                        company: company,
                        reason: "the company is also on the row at line \(earlier)"
                    )
                }
                firstLine[company] = line
                rows.append(Row(line: line, company: company, inputs: try events(values, company: company, line: line)))
            } catch let problem as RowProblem {
                problems.append(problem)
            } catch {
                problems.append(RowProblem(line: line, company: company, reason: "\(error)"))
            }
        }
        return (rows, problems, unused)
    }

    static func events(_ values: [Column: String], company: String, line: Int) throws -> [EventInput] {
        func problem(_ reason: String) -> RowProblem { RowProblem(line: line, company: company, reason: reason) }
        func required(_ column: Column, _ header: String) throws -> String {
            guard let value = values[column] else { throw problem("the \(header) column is empty") }
            return value
        }
        func day(_ text: String, _ header: String) throws -> String {
            if let day = Day(text) { return day.description }
            // Hong Kong writes dates day first: 31/03/2026.
            let parts = text.split(separator: "/").compactMap { Int($0) }
            if parts.count == 3, let day = Day(year: parts[2], month: parts[1], day: parts[0]) {
                return day.description
            }
            throw problem("\(header) \"\(text)\" is not a date (YYYY-MM-DD or DD/MM/YYYY)")
        }
        // HK$2,000.00 as the amount field takes it: 2000.00.
        func amount(_ text: String) -> String {
            text.replacingOccurrences(of: "HK$", with: "").filter { $0 != "$" && $0 != "," }
                .trimmingCharacters(in: .whitespaces)
        }
        let joined = try day(try required(.joined, "joined"), "joined")
        let memberClass = try required(.memberClass, "class").lowercased()
        let sector = try required(.sector, "sector").lowercased().replacingOccurrences(of: " ", with: "-")
        guard let employees = Int(try required(.employees, "employees")) else {
            throw problem("employees \"\(values[.employees]!)\" is not a whole number")
        }
        var objects: [[(key: String, value: JSONValue)]] = []
        func add(_ kind: String, _ period: Period?, _ members: [(key: String, value: JSONValue)]) {
            objects.append([("id", .string(id(company, kind, period)))] + members)
        }
        add(
            "filed",
            nil,
            [
                ("type", .string("ApplicationFiled")), ("company", .string(company)), ("on", .string(joined)),
                ("name", .string(try required(.name, "name"))),
                ("brNumber", .string(try required(.brNumber, "BR number"))),
                ("brExpiresOn", .string(try day(try required(.brExpiresOn, "BR expiry"), "BR expiry"))),
                ("sector", .string(sector)), ("employeesInHK", .number(String(employees))),
                ("class", .string(memberClass)),
            ]
        )
        add(
            "documents",
            nil,
            [
                ("type", .string("DocumentsSubmitted")), ("company", .string(company)), ("on", .string(joined)),
                ("documents", .array([.string("on the member list before the ledger")])),
            ]
        )
        add(
            "approved",
            nil,
            [
                ("type", .string("MembershipApproved")), ("company", .string(company)), ("on", .string(joined)),
                ("class", .string(memberClass)),
            ]
        )
        let joinedDay = Day(joined)!
        let periods = Set(
            values.keys.compactMap { column -> Period? in
                if case .requested(let p) = column { return p }
                if case .paid(let p) = column { return p }
                return nil
            }
        ).sorted()
        for period in periods {
            let requestedOn = max(period.firstDay, joinedDay).description
            if let requested = values[.requested(period)] {
                add(
                    "requested",
                    period,
                    [
                        ("type", .string("FeeRequested")), ("company", .string(company)), ("on", .string(requestedOn)),
                        ("period", .string(period.description)), ("amount", .string(amount(requested))),
                    ]
                )
            }
            if let paid = values[.paid(period)], amount(paid) != "0" {
                let paidOn = try values[.paidOn(period)].map { try day($0, "paid on \(period)") } ?? requestedOn
                add(
                    "paid",
                    period,
                    [
                        ("type", .string("FeePaid")), ("company", .string(company)), ("on", .string(paidOn)),
                        ("amount", .string(amount(paid))), ("reference", .string("member list \(period)")),
                        ("period", .string(period.description)),
                    ]
                )
            }
        }
        return try objects.map { members in
            do {
                return try EventCodec.decodeInput(.object(members))
            } catch {
                throw problem("\(error)")
            }
        }
    }

    /// A UUID (version 5 layout) from a SHA-256 of what the event is: the same row gives the same ids.
    static func id(_ company: String, _ kind: String, _ period: Period?) -> String {
        let name = "member-list|\(company)|\(kind)|\(period?.description ?? "")"
        var bytes = Array(SHA256Hex.digest(Array(name.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = SHA256Hex.hex(bytes)
        let parts = [
            hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4),
            hex.dropFirst(20),
        ]
        return parts.joined(separator: "-")
    }
}
