import Foundation
import LedgerTestSupport
import Testing

/// `ledger report` (issue 7 item 4): the page's figures equal the views', for several dates.
@Suite struct ReportTests {
    /// The page's tables, by id, as rows of cell texts (parsed by Python's html.parser).
    func tables(_ file: String) throws -> [String: [[String]]] {
        let script = """
            import html.parser, json, sys
            class Tables(html.parser.HTMLParser):
                def __init__(self):
                    super().__init__(); self.tables = {}; self.id = None; self.row = None; self.cell = None
                def handle_starttag(self, tag, attrs):
                    if tag == "table": self.id = dict(attrs).get("id"); self.tables[self.id] = []
                    elif tag == "tr": self.row = []
                    elif tag in ("td", "th"): self.cell = ""
                def handle_endtag(self, tag):
                    if tag in ("td", "th"): self.row.append(self.cell); self.cell = None
                    elif tag == "tr": self.tables[self.id].append(self.row)
                def handle_data(self, data):
                    if self.cell is not None: self.cell += data
            p = Tables(); p.feed(open(sys.argv[1], encoding="utf-8").read())
            print(json.dumps({k: v[1:] for k, v in p.tables.items()}))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, file]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONDecoder().decode([String: [[String]]].self, from: data)
    }

    func json(_ result: ProcessResult) throws -> [[String: Any]] {
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [[String: Any]]
    }

    @Test(
        "the report's figures (R25 voting roll, R17 arrears, R23 resignations) equal the views' for several dates, read in one piece or in ranges of companies; no script or external reference"
    )
    func reportMatchesViews() throws {
        try withTemporaryDirectory { path in
            let ledger = try ImportTests.ledger(path)
            try ledger.run(["append", EventJSON.round("2023-A", on: "2023-05-01", included: ["M1", "M2", "M3"])])
            var rows = ImportTests.memberList(120)
            for n in 0..<3 { rows[n] = rows[n].replacingOccurrences(of: ",affiliate,", with: ",full,") }
            try ImportTests.write(rows, to: path + "/members.csv")
            #expect(try ledger.run(["import", path + "/members.csv"]).status == 0)
            let resignations = [
                #"{"type":"MemberResigned","company":"M4","on":"2024-08-01"}"#,
                #"{"type":"MemberResigned","company":"M5","on":"2024-06-15"}"#,
            ]
            for resignation in resignations {
                let result = try ledger.run(["append", resignation])
                #expect(result.status == 0, "\(result.stderr)")
            }
            for asOf in ["2024-03-31", "2024-06-30", "2024-12-01"] {
                let file = path + "/report-\(asOf).html"
                let made = try ledger.run([
                    "report", "--as-of", asOf, "--since", "2023-12-31", "--months", "6", "--out", file,
                ])
                #expect(made.status == 0, "\(made.stderr)")
                let page = try String(contentsOfFile: file, encoding: .utf8)
                // The log read in three ranges of companies, each folded and counted in turn: the same page.
                let ranged = try ledger.run([
                    "report", "--as-of", asOf, "--since", "2023-12-31", "--months", "6", "--ranges", "3", "--out",
                    file + ".ranges",
                ])
                #expect(ranged.status == 0, "\(ranged.stderr)")
                #expect(try String(contentsOfFile: file + ".ranges", encoding: .utf8) == page, "as of \(asOf)")
                #expect(!page.lowercased().contains("<script") && !page.contains("http:") && !page.contains("https:"))
                #expect(!page.contains(" src=") && !page.contains("<link") && !page.contains("url("))
                let tables = try tables(file)
                // The voting roll.
                let voting = try json(ledger.run(["voting", "--as-of", asOf, "--format", "json"]))
                let roll: [String] = (tables["voting"] ?? []).filter { $0.count == 2 }.map { $0[0] }
                let voters: [String] = voting.map { $0["company"] as! String }
                #expect(roll == voters)
                // Members per class on the as-of date: the last month row.
                let status = try json(ledger.run(["status", "--as-of", asOf, "--format", "json"]))
                let active = status.filter { $0["status"] as? String == "active" }
                let full = active.filter { $0["class"] as? String == "full" }.count
                let last: [String] = tables["members-by-month"]?.last ?? []
                #expect(last == [asOf, String(full), String(active.count - full), String(active.count)])
                // Arrears by age: requests and balances add up to the arrears view.
                let arrears = try json(ledger.run(["arrears", "--as-of", asOf, "--format", "json"]))
                let aging = tables["aging"] ?? []
                #expect(aging.map { Int($0[1])! }.reduce(0, +) == arrears.count)
                let cents = { (text: String) in Int(text.replacingOccurrences(of: ".", with: ""))! }
                let agingTotal: Int = aging.map { cents($0[2]) }.reduce(0, +)
                let arrearsTotal: Int = arrears.map { cents($0["balance"] as! String) }.reduce(0, +)
                #expect(agingTotal == arrearsTotal)
                // Every void listed is a change to void on that date in the company's explanation.
                for row in (tables["void"] ?? []) where row.count == 4 {
                    let explain = try json(ledger.run(["explain", row[1], "--as-of", asOf, "--format", "json"]))
                    #expect(explain.contains { $0["status"] as? String == "void" && $0["on"] as? String == row[0] })
                }
                let resigned = (tables["resigned"] ?? []).filter { $0.count == 3 }.map { $0[1] }
                let expected = ["M5": "2024-06-15", "M4": "2024-08-01"].filter { $0.value <= asOf }.sorted {
                    $0.value < $1.value
                }
                #expect(resigned == expected.map(\.key), "\(asOf): \(resigned)")
                #expect(page.contains("Head at seq <b>"))
            }
        }
    }
}
