import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

/// `ledger import members.csv` (issue 7 item 2).
@Suite struct ImportTests {
    static let header =
        "company,name,br number,br expiry,sector,employees,class,joined,requested 2023-24,paid 2023-24,requested 2024-25,paid 2024-25,paid on 2024-25"

    /// A member list of `count` affiliate members, seeded: joining dates over 2023-24, fees some
    /// paid in full, some in part, some not at all.
    static func memberList(_ count: Int, seed: UInt64 = 7) -> [String] {
        var rng = SplitMix64(seed: seed)
        return (1...count).map { n in
            let joined = Day(year: 2023, month: 4, day: 1)!.adding(days: Int.random(in: 0..<300, using: &rng))
            let sector = Bool.random(using: &rng) ? "Manufacturing" : "non-manufacturing"
            let employees = Int.random(in: 1...49, using: &rng)
            let first = joined.components.month >= 10 || joined.components.month <= 3 ? "500" : "1000"
            let paid2 = ["1000", "400", "0", "\"1,000\""].randomElement(using: &rng)!
            return
                "M\(n),\"Member \(n), Ltd\",\(10_000_000 + n),31/12/2030,\(sector),\(employees),affiliate,\(joined),\(first),\(first),1000,\(paid2),2024-04-20"
        }
    }

    /// A new ledger at `path/l` holding a fee schedule.
    static func ledger(_ path: String) throws -> LedgerProcess {
        let ledger = LedgerProcess(ledger: path + "/l", clock: "2024-12-01T02:00:00Z")
        try ledger.run(["init"])
        try ledger.run(["append", EventJSON.schedule()])
        return ledger
    }

    /// The member list with `rows`, lines ending in CRLF as spreadsheets save them.
    static func write(_ rows: [String], to path: String) throws {
        try ([header] + rows).joined(separator: "\r\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("--dry-run counts the new events an import would store, refuses what it would refuse, and appends nothing")
    func dryRun() throws {
        try withTemporaryDirectory { path in
            let ledger = try ImportTests.ledger(path)
            let rows = ImportTests.memberList(50)
            try ImportTests.write(rows, to: path + "/members.csv")
            let head = try ledger.run(["digest"]).stdout
            let preview = try ledger.run(["import", path + "/members.csv", "--dry-run"])
            #expect(preview.status == 0, "\(preview.stderr)")
            #expect(try ledger.run(["digest"]).stdout == head)
            let imported = try ledger.run(["import", path + "/members.csv"])
            let count = try #require(
                imported.stdout.split(separator: ":").dropFirst().first?.split(separator: " ").first
            )
            #expect(preview.stdout == "would import 50 rows: \(count) new events; nothing was appended\n")
            let again = try ledger.run(["import", path + "/members.csv", "--dry-run"])
            #expect(again.stdout == "would import 50 rows: 0 new events; nothing was appended\n", "\(again.stdout)")
            // A row the rules refuse (500 employees is no SME, R6): the preview refuses it as the import would.
            let big =
                "Z1,\"Z Ltd\",10999999,31/12/2030,non-manufacturing,500,affiliate,2023-06-01,1000,1000,1000,1000,2024-04-20"
            try ImportTests.write([big], to: path + "/big.csv")
            let refused = try ledger.run(["import", path + "/big.csv", "--dry-run"])
            #expect(refused.status == 3, "\(refused.stdout) \(refused.stderr)")
            #expect(refused.stderr.contains("R6"), "\(refused.stderr)")
            let after = try ledger.run(["digest"]).stdout
            #expect(try ledger.run(["import", path + "/big.csv", "--dry-run"]).stdout.isEmpty)
            #expect(try ledger.run(["digest"]).stdout == after)
        }
    }

    @Test(
        "a 1,000-member list imports as one batch; importing it again adds nothing; R17 voids the unpaid and part paid"
    )
    func importAndReimport() throws {
        try withTemporaryDirectory { path in
            let ledger = try ImportTests.ledger(path)
            let rows = ImportTests.memberList(1_000)
            try ImportTests.write(rows, to: path + "/members.csv")
            let first = try ledger.run(["import", path + "/members.csv"])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.hasPrefix("imported 1000 rows: "), "\(first.stdout)")
            let events = try ledger.run(["log"]).lines.count
            #expect(events > 5_000)
            let second = try ledger.run(["import", path + "/members.csv"])
            #expect(second.status == 0 && second.stdout.hasPrefix("nothing new"), "\(second.stdout)")
            #expect(try ledger.run(["log"]).lines.count == events)
            // 2024-25 fees unpaid or part paid were due on 1 May 2024: those members are void (R17).
            let unpaid = rows.filter { $0.contains(",1000,0,2024-04-20") || $0.contains(",1000,400,2024-04-20") }.count
            let status = try ledger.run(["status", "--format", "json"]).stdout
            let objects = try JSONSerialization.jsonObject(with: Data(status.utf8)) as! [[String: Any]]
            #expect(objects.count == 1_000)
            #expect(objects.filter { ($0["status"] as? String) == "void" }.count == unpaid)
            #expect(try ledger.run(["verify"]).status == 0)
        }
    }

    @Test(
        "a list with bad rows (R11, formats, repeats): nothing is appended and every bad row is reported with its line and why"
    )
    func badRows() throws {
        try withTemporaryDirectory { path in
            let ledger = try ImportTests.ledger(path)
            var rows = ImportTests.memberList(20)
            rows[2] = rows[2].replacingOccurrences(of: ",affiliate,", with: ",full,")  // no index round (R11)
            rows[5] = rows[5].replacingOccurrences(of: "31/12/2030", with: "31/02/2030")  // no such date
            rows[9] = rows[9].replacingOccurrences(of: ",affiliate,", with: ",gold,")  // no such class
            rows[12] = rows[0]  // the same company twice
            try ImportTests.write(rows, to: path + "/members.csv")
            let before = try ledger.run(["log"]).stdout
            let result = try ledger.run(["import", path + "/members.csv"])
            #expect(result.status == 2, "\(result.stderr)")
            #expect(try ledger.run(["log"]).stdout == before, "nothing appended")
            let refused = result.stderr.split(separator: "\n").filter { $0.hasPrefix("note: refused row at line") }
            #expect(refused.count == 4, "\(result.stderr)")
            for line in [4, 7, 11, 14] {
                #expect(refused.contains { $0.contains("row at line \(line) ") }, "line \(line)")
            }
            #expect(result.stderr.contains("R11 (admission)") && result.stderr.contains("To fix:"))
            #expect(result.stderr.contains("error: 4 of 20 rows refused"))
        }
    }

    @Test("the sample member list in Tests/Import imports once its full member's index round is recorded")
    func sample() throws {
        try withTemporaryDirectory { path in
            let ledger = try ImportTests.ledger(path)
            let file = packageRoot + "/Tests/Import/members-sample.csv"
            #expect(try ledger.run(["import", file]).status == 3)
            try ledger.run(["append", EventJSON.round("2023-B", on: "2023-12-01", included: ["HK-0003"])])
            let imported = try ledger.run(["import", file])
            #expect(imported.status == 0 && imported.stdout.hasPrefix("imported 4 rows"), "\(imported.stderr)")
            #expect(imported.stderr.contains("columns not used: Remarks"))
            let status = try ledger.run(["status", "HK-0002", "--format", "json"]).stdout
            #expect(status.contains("\"status\":\"void\"") && status.contains("non-payment:2024-25"))
        }
    }
}
