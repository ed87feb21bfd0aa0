import Foundation
import LedgerTestSupport
import Testing

@Suite struct CommandTests {
    @Test("init creates a ledger; init again is refused with exit 4 and changes nothing")
    func initTwice() throws {
        try withTemporaryDirectory { path in
            let ledger = LedgerProcess(ledger: path + "/l")
            #expect(try ledger.run(["init"]).status == 0)
            let again = try ledger.run(["init"])
            #expect(again.status == 4)
            #expect(again.stderr.hasPrefix("error: "))
            #expect(
                try ledger.run(["digest"]).stdout
                    == #"{"seq":0,"hash":"\#(String(repeating: "0", count: 64))","recorded":null}"# + "\n"
            )
        }
    }

    @Test("a batch's blank lines (spaces, tabs, a CR) are left out but counted: an error names the file's line")
    func blankLinesInBatch() throws {
        try withTemporaryDirectory { path in
            let ledger = LedgerProcess(ledger: path + "/l")
            #expect(try ledger.run(["init"]).status == 0)
            let good = [EventJSON.schedule(), " \t", "", "\r", EventJSON.filed("B1", on: "2024-06-01")]
            let appended = try ledger.run(["append", "--file", "-"], stdin: good.joined(separator: "\n") + "\n")
            #expect(appended.status == 0, "\(appended.stderr)")
            #expect(appended.stdout.split(separator: "\n").count == 2)
            let bad = [EventJSON.filed("B2", on: "2024-06-01"), "  ", "{\"type\":\"Nope\"}"]
            let refused = try ledger.run(["append", "--file", "-"], stdin: bad.joined(separator: "\n"))
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("line 3"), "\(refused.stderr)")
        }
    }

    @Test("an append that must rebuild the append index says so, and why, before it waits for it")
    func indexRebuildIsAnnounced() throws {
        try withTemporaryDirectory { path in
            let ledger = try LedgerProcess.seeded(at: path + "/l", companies: 2)
            let head = try ledger.run(["digest"]).stdout
            let seq = try #require(head.split(separator: ",").first?.split(separator: ":").last)
            let quiet = try ledger.run(["append", "--file", "-"], stdin: EventJSON.filed("Q1", on: "2024-06-01"))
            #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: path + "/l/index.sqlite" + suffix)
            }
            let result = try ledger.run(["append", "--file", "-"], stdin: EventJSON.filed("Q2", on: "2024-06-01"))
            #expect(result.status == 0)
            #expect(
                result.stderr
                    == "note: rebuilding the append index (index.sqlite) from the log's \(Int(seq)! + 1) events: it was missing\n"
            )
        }
    }

    @Test("the append index's kept WAL stays bounded over many appends, and the ledger stays whole")
    func indexWALStaysBounded() throws {
        try withTemporaryDirectory { path in
            let ledger = try LedgerProcess.seeded(at: path + "/l", companies: 10)
            var sizes: [Int] = []
            for batch in 0..<40 {
                let lines = simpleEvents(companies: 50, from: 1000 + batch * 50)
                let result = try ledger.run(["append", "--file", "-"], stdin: lines.joined(separator: "\n"))
                #expect(result.status == 0, "\(result.stderr)")
                let wal = try FileManager.default.attributesOfItem(atPath: path + "/l/index.sqlite-wal")
                sizes.append((wal[.size] as? Int) ?? 0)
            }
            // Each batch adds well under 1 MiB; past 256 KiB the next append folds the WAL back.
            #expect(sizes.max()! < 2 << 20, "WAL sizes: \(sizes)")
            #expect(zip(sizes, sizes.dropFirst()).contains { $1 < $0 }, "the WAL was never truncated: \(sizes)")
            #expect(try ledger.run(["verify"]).status == 0)
            let status = try ledger.run(["status", "C1999", "--format", "json"])
            #expect(status.status == 0 && status.stdout.contains("active"), "\(status.stdout)")
        }
    }

    @Test("`append JSON`, read without ArgumentParser, stores and refuses exactly as the parsed command does")
    func quickAppendMatchesParsedAppend() throws {
        try withTemporaryDirectory { path in
            // `append JSON --ledger DIR` takes the quick path; `append --file - --ledger DIR` with
            // the same line on standard input is parsed by ArgumentParser.
            let quick = LedgerProcess(ledger: path + "/quick", clock: "2024-06-01T02:00:00Z")
            let parsed = LedgerProcess(ledger: path + "/parsed", clock: "2024-06-01T02:00:00Z")
            for ledger in [quick, parsed] { #expect(try ledger.run(["init"]).status == 0) }
            let events = [
                EventJSON.schedule(), EventJSON.filed("C1", on: "2024-05-01"), #"{"type":"FeePaid","company":"C1"}"#,
                #"{"type":"Nope","on":"2024-05-01"}"#, "{not json", EventJSON.filed("C1", on: "2024-05-02"),
            ]
            var statuses: [Int32] = []
            for event in events {
                let fast = try quick.run(["append", event])
                statuses.append(fast.status)
                let slow = try parsed.run(["append", "--file", "-"], stdin: event)
                #expect(fast.status == slow.status, "\(event)")
                #expect(fast.stderr == slow.stderr, "\(event)")
                #expect(fast.lines.count == slow.lines.count, "\(event)")
            }
            #expect(statuses == [0, 0, 2, 2, 2, 3])
            let logs = try [quick, parsed].map { ledger in
                try ledger.run(["log"]).lines.map { line in
                    // Ids and the chain differ by construction; everything else must not.
                    line.replacing(/"(id|prev)":"[0-9a-f-]+"/, with: "")
                }
            }
            #expect(logs[0].count == 2 && logs[0] == logs[1])
            let help = try quick.run(["append", "--help"])
            #expect(help.status == 0 && help.stdout.contains("USAGE"))
        }
    }

    @Test("a directory that is not a ledger: exit 4, and nothing is created")
    func notALedger() throws {
        try withTemporaryDirectory { path in
            let ledger = LedgerProcess(ledger: path + "/missing")
            for arguments in [["status"], ["append", EventJSON.schedule()], ["verify"], ["digest"], ["log"]] {
                let result = try ledger.run(arguments)
                #expect(result.status == 4, "\(arguments)")
                #expect(result.stderr.hasPrefix("error: ") && result.stderr.contains("not a ledger"))
            }
            #expect(!FileManager.default.fileExists(atPath: path + "/missing"))
        }
    }

    @Test("bad input exits 2 naming the line and field; a batch with one bad line appends nothing")
    func badInput() throws {
        try withTemporaryDirectory { path in
            let ledger = LedgerProcess(ledger: path + "/l", clock: "2024-06-01T02:00:00Z")
            try ledger.run(["init"])
            let batch = [
                EventJSON.schedule(), #"{"type":"FeeScheduleSet","on":"2025-02-29","full":"1","affiliate":"1"}"#,
            ].joined(separator: "\n")
            let result = try ledger.run(["append", "--file", "-"], stdin: batch)
            #expect(result.status == 2)
            #expect(result.stderr == "error: line 2: field \"on\": \"2025-02-29\" is not a real date YYYY-MM-DD\n")
            let malformed = try ledger.run(["append", "--file", "-"], stdin: EventJSON.schedule() + "\n{\"type\":")
            #expect(malformed.status == 2 && malformed.stderr.hasPrefix("error: line 2: malformed JSON"))
            #expect(try ledger.run(["digest"]).stdout.hasPrefix(#"{"seq":0"#))
            #expect(try ledger.run(["status", "--as-of", "2024-13-01"]).status == 2)
            #expect(try ledger.run(["status", "--bogus"]).status == 2)
        }
    }

    @Test("R11: a refusal exits 3 with the rule and the company, and appends nothing")
    func refusal() throws {
        try withTemporaryDirectory { path in
            let ledger = LedgerProcess(ledger: path + "/l", clock: "2024-06-01T02:00:00Z")
            try ledger.run(["init"])
            let result = try ledger.run(["append", EventJSON.approved("A", on: "2024-05-01")])
            #expect(result.status == 3)
            #expect(result.stderr.hasPrefix("error: R8 (filing): company A: "))
            #expect(result.stderr.contains("To fix: record the company's ApplicationFiled first"))
            #expect(try ledger.run(["digest"]).stdout.hasPrefix(#"{"seq":0"#))
        }
    }

    @Test("append prints one JSON line per event; log filters; explain shows the rules behind the changes")
    func appendLogExplain() throws {
        try withTemporaryDirectory { path in
            let ledger = LedgerProcess(ledger: path + "/l", clock: "2024-06-01T02:00:00Z")
            try ledger.run(["init"])
            let appended = try ledger.run(
                ["append", "--actor", "clerk", "--file", "-"],
                stdin: ([EventJSON.schedule()] + simpleEvents(companies: 2)).joined(separator: "\n")
            )
            #expect(appended.status == 0, "\(appended.stderr)")
            #expect(appended.lines.count == 11)
            #expect(appended.lines.first?.hasPrefix(#"{"seq":1,"id":""#) == true)
            let log = try ledger.run(["log", "--company", "C1", "--type", "FeePaid"])
            #expect(
                log.lines.count == 1 && log.stdout.contains(#""reference":"R1""#)
                    && log.stdout.contains(#""by":"clerk""#)
            )
            #expect(try ledger.run(["log", "--from-seq", "10"]).lines.count == 2)
            let explain = try ledger.run(["explain", "C0", "--format", "json"])
            #expect(explain.status == 0)
            #expect(explain.stdout.contains(#""rule":"R11""#) && explain.stdout.contains(#""seqs":[4,2]"#))
            let csv = try ledger.run(["status", "--format", "csv"])
            #expect(csv.lines.first == "company,name,status,class,since,reason,flags")
            #expect(csv.lines.count == 3)
            let verify = try ledger.run(["verify"])
            #expect(verify.status == 0 && verify.stdout.hasPrefix("ok: 11 events"))
        }
    }

    @Test(
        "log --company and --type print exactly the events a decode of every line finds (the company, the recommender, a round's list)"
    )
    func logFiltersAsADecodeOfEveryLine() throws {
        try withTemporaryDirectory { path in
            let ledger = LedgerProcess(ledger: path + "/l", clock: "2024-06-01T02:00:00Z")
            try ledger.run(["init"])
            // C10 and C11 begin with C1's bytes; Q1's name holds them between escaped quotes.
            let events =
                [EventJSON.schedule()] + simpleEvents(companies: 12) + [
                    EventJSON.round("2024", on: "2024-05-20", included: ["C10", "C1"]),
                    EventJSON.filed("Q1", on: "2024-05-21", name: #"The "C1" Trading Co"#),
                    #"{"type":"RecommendationReceived","company":"Q1","on":"2024-05-22","recommender":"C1"}"#,
                ]
            #expect(try ledger.run(["append", "--file", "-"], stdin: events.joined(separator: "\n")).status == 0)
            let every = try ledger.run(["log"]).lines
            func decoded(_ line: String) throws -> [String: Any] {
                try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            }
            let naming = try every.filter { line in
                let record = try decoded(line)
                return record["company"] as? String == "C1" || record["recommender"] as? String == "C1"
                    || (record["included"] as? [String] ?? []).contains("C1")
            }
            #expect(naming.count == 7)
            #expect(try ledger.run(["log", "--company", "C1"]).lines == naming)
            let paid = try every.filter { try decoded($0)["type"] as? String == "FeePaid" }
            #expect(paid.count == 12)
            #expect(try ledger.run(["log", "--type", "FeePaid"]).lines == paid)
            #expect(try ledger.run(["log", "--company", "Q1", "--type", "ApplicationFiled"]).lines.count == 1)
        }
    }

    @Test(
        "status of named companies needs no projections: without them it replays those companies, and says what the projections say"
    )
    func namedStatusWithoutProjections() throws {
        try withTemporaryDirectory { path in
            let ledger = try LedgerProcess.seeded(at: path + "/l", companies: 3)
            let projections = path + "/l/projections.sqlite"
            try? FileManager.default.removeItem(atPath: projections)
            let named = try ledger.run(["status", "C1", "C2", "--format", "json", "--as-of", "2024-05-31"])
            #expect(named.status == 0 && named.stdout.contains(#""company":"C2""#))
            #expect(!FileManager.default.fileExists(atPath: projections))
            // The whole view makes the projections; then they answer the named question.
            #expect(try ledger.run(["status", "--format", "json"]).status == 0)
            #expect(FileManager.default.fileExists(atPath: projections))
            let projected = try ledger.run(["status", "C1", "C2", "--format", "json", "--as-of", "2024-05-31"])
            #expect(projected.stdout == named.stdout && projected.stderr.isEmpty)
        }
    }

    @Test("R4: a backdated payment is seen differently as known at two instants")
    func r4TwoClocks() throws {
        try withTemporaryDirectory { path in
            let ledger = LedgerProcess(ledger: path + "/l")
            try ledger.run(["init"])
            let setup = [
                EventJSON.schedule(), EventJSON.filed("A", on: "2024-05-01", memberClass: "affiliate"),
                EventJSON.documents("A", on: "2024-05-01"),
                EventJSON.approved("A", on: "2024-05-01", memberClass: "affiliate"),
                EventJSON.requested("A", on: "2024-05-01", period: "2024-25"),
            ]
            #expect(
                try ledger.run(
                    ["append", "--file", "-"],
                    stdin: setup.joined(separator: "\n"),
                    clock: "2024-05-01T02:00:00Z"
                ).status == 0
            )
            // Recorded on 2024-07-01, dated 2024-05-20: before the due date.
            #expect(
                try ledger.run(
                    ["append", EventJSON.paid("A", on: "2024-05-20", amount: "1000", reference: "P1")],
                    clock: "2024-07-01T02:00:00Z"
                ).status == 0
            )
            let then = try ledger.run(
                ["status", "--as-of", "2024-06-15", "--known-at", "2024-06-30T00:00:00Z", "--format", "json"],
                clock: "2024-07-02T00:00:00Z"
            )
            #expect(then.stdout.contains(#""status":"void""#))
            let now = try ledger.run(
                ["status", "--as-of", "2024-06-15", "--format", "json"],
                clock: "2024-07-02T00:00:00Z"
            )
            #expect(now.stdout.contains(#""status":"active""#))
            // Named, the company is replayed from the append index, and the answers are the
            // whole replay's: with the index gone, the whole log answers the same.
            let questions = [
                ["status", "A", "--as-of", "2024-06-15", "--known-at", "2024-06-30T00:00:00Z"],
                ["explain", "A", "--as-of", "2024-06-15", "--known-at", "2024-06-30T00:00:00Z"],
                ["explain", "A", "--as-of", "2024-06-15"],
            ]
            let named = try questions.map { try ledger.run($0 + ["--format", "json"], clock: "2024-07-02T00:00:00Z") }
            #expect(named[0].stdout == then.stdout && named[1].stdout.contains(#""rule":"R17""#))
            #expect(!named[2].stdout.contains(#""rule":"R17""#))
            try FileManager.default.removeItem(atPath: path + "/l/index.sqlite")
            for (question, answer) in zip(questions, named) {
                let whole = try ledger.run(question + ["--format", "json"], clock: "2024-07-02T00:00:00Z")
                #expect(whole.stdout == answer.stdout && whole.status == 0, "\(question)")
            }
            // An index that cannot be read is no reason to refuse: the whole log answers.
            try Data(repeating: 0xA5, count: 8192).write(to: URL(fileURLWithPath: path + "/l/index.sqlite"))
            for (question, answer) in zip(questions, named) {
                let whole = try ledger.run(question + ["--format", "json"], clock: "2024-07-02T00:00:00Z")
                #expect(whole.stdout == answer.stdout && whole.status == 0, "\(question): \(whole.stderr)")
            }
        }
    }
}
