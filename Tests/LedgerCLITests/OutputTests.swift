import Foundation
import LedgerTestSupport
import Testing

/// Output for people and programs (issue 7 item 3).
@Suite struct OutputTests {
    /// A ledger whose rows need quoting in CSV: commas, quotes, non-ASCII, a list of flags.
    func ledger(_ path: String) throws -> LedgerProcess {
        let ledger = try LedgerProcess.seeded(at: path + "/l", companies: 3)
        try ledger.run(["append", EventJSON.filed("Q1", on: "2024-05-01", name: "Chan, \"Lucky\" & Sons 陳氏")])
        try ledger.run(["append", EventJSON.requested("C1", on: "2024-05-20", period: "2025-26", amount: "700")])
        return ledger
    }

    @Test("CSV output parses with Python's csv module (RFC 4180, CRLF) and matches the JSON output")
    func csvMatchesJSON() throws {
        try withTemporaryDirectory { path in
            let ledger = try ledger(path)
            for view in [["status"], ["arrears"], ["voting"], ["explain", "C1"]] {
                let csv = try ledger.run(view + ["--format", "csv", "--as-of", "2024-05-31"])
                let json = try ledger.run(view + ["--format", "json", "--as-of", "2024-05-31"])
                #expect(csv.status == 0 && json.status == 0, "\(view)")
                #expect(
                    csv.stdout.hasSuffix("\r\n")
                        && !csv.stdout.replacingOccurrences(of: "\r\n", with: "").contains("\n")
                )
                try csv.stdout.write(toFile: path + "/out.csv", atomically: true, encoding: .utf8)
                try json.stdout.write(toFile: path + "/out.json", atomically: true, encoding: .utf8)
                // Every CSV cell equals the JSON value shown as text (lists joined with ";").
                let script = """
                    import csv, json, sys
                    rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
                    objects = json.load(open(sys.argv[2], encoding="utf-8"))
                    def text(v):
                        if v is None: return ""
                        if isinstance(v, list): return ";".join(text(x) for x in v)
                        return str(v)
                    assert len(rows) == len(objects), (len(rows), len(objects))
                    for row, obj in zip(rows, objects):
                        assert list(row) == list(obj), (list(row), list(obj))
                        for key in obj:
                            assert row[key] == text(obj[key]), (key, row[key], obj[key])
                    print(len(rows))
                    """
                let check = Process()
                check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                check.arguments = ["python3", "-c", script, path + "/out.csv", path + "/out.json"]
                let out = Pipe()
                check.standardOutput = out
                check.standardError = out
                try check.run()
                let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                check.waitUntilExit()
                #expect(check.terminationStatus == 0, "\(view): \(printed)")
                let count = Int(printed.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
                #expect(view == ["voting"] ? count == 0 : count > 0, "\(view): \(count) rows")
            }
            let status = try ledger.run(["status", "--format", "csv", "--as-of", "2024-05-31"]).stdout
            #expect(status.contains("\"Chan, \"\"Lucky\"\" & Sons 陳氏\""))
        }
    }

    @Test(
        "a view of thousands of rows, made in runs on every core, holds every row once in company order, in JSON and CSV alike, from the projections and from a replay"
    )
    func manyRowsInRuns() throws {
        try withTemporaryDirectory { path in
            // More rows than one run takes (2,048 a run, runs from 4,096 rows).
            let count = 4_500
            let ledger = try LedgerProcess.seeded(at: path + "/l", companies: count)
            let companies = (0..<count).map { "C\($0)" }.sorted()
            for when in [["--as-of", "2024-06-30"], ["--known-at", "2024-06-01T03:00:00Z"]] {
                if when[0] == "--known-at" {
                    // Recorded after the instant asked: the rows come from a replay, not the projections.
                    try ledger.run(["append", EventJSON.filed("Z1", on: "2024-06-02")], clock: "2024-06-02T00:00:00Z")
                }
                let json = try ledger.run(["status", "--format", "json"] + when)
                let csv = try ledger.run(["status", "--format", "csv"] + when)
                #expect(json.status == 0 && csv.status == 0, "\(when)")
                let rows = try #require(
                    try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
                )
                #expect(rows.compactMap { $0["company"] as? String } == companies, "\(when)")
                #expect(rows.allSatisfy { $0["status"] as? String == "active" }, "\(when)")
                let records = csv.stdout.components(separatedBy: "\r\n")
                #expect(records.first == "company,name,status,class,since,reason,flags" && records.last == "")
                #expect(records.dropFirst().dropLast().map { String($0.prefix { $0 != "," }) } == companies, "\(when)")
            }
        }
    }

    @Test("tables are coloured on a terminal only, and never with NO_COLOR")
    func colourOnlyOnATerminal() throws {
        try withTemporaryDirectory { path in
            let ledger = try ledger(path)
            // A pseudo-terminal from Python's pty module, so isatty(1) holds for the ledger.
            func onTerminal(_ environment: [String: String]) throws -> String {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments =
                    environment.map { "\($0)=\($1)" } + [
                        "python3", "-c", "import pty,sys; pty.spawn(sys.argv[1:])", LedgerProcess.binary, "status",
                        "--as-of", "2024-05-31", "--ledger", ledger.ledger,
                    ]
                var env = ProcessInfo.processInfo.environment
                env["LEDGER_CLOCK"] = "2024-06-01T02:00:00Z"
                env.removeValue(forKey: "NO_COLOR")
                process.environment = env
                let out = Pipe()
                process.standardOutput = out
                try process.run()
                let data = out.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return String(decoding: data, as: UTF8.self)
            }
            let coloured = try onTerminal(["TERM": "xterm"])
            #expect(coloured.contains("\u{1B}[1mcompany") && coloured.contains("\u{1B}[32mactive"))
            let plain = try onTerminal(["TERM": "xterm", "NO_COLOR": "1"])
            #expect(plain.contains("company") && !plain.contains("\u{1B}["))
            let piped = try ledger.run(["status", "--format", "table", "--as-of", "2024-05-31"]).stdout
            #expect(piped.contains("active") && !piped.contains("\u{1B}["), "no colour into a pipe")
        }
    }
}
