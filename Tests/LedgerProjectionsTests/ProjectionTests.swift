import Foundation
import LedgerCore
import LedgerLog
import LedgerTestSupport
import Testing

@testable import LedgerProjections

/// Appends generated events, each at its own recording instant, `chunk` events per commit.
func write(_ events: ArraySlice<GeneratedEvent>, to directory: LedgerDirectory) throws {
    for event in events {
        try append([event.json], to: directory, at: event.recorded.description)
    }
}

/// Every row of every table (of one company's, when given), in a stable order, for comparing databases.
func dump(_ path: String, company: String? = nil) throws -> [String] {
    let db = try SQLiteDatabase(path: path)
    var rows: [String] = []
    let byRequest = "request_seq IN (SELECT seq FROM fee_requests WHERE company = '\(company ?? "")')"
    for table in [
        "meta", "companies", "identity_timeline", "profile_timeline", "status_timeline", "voting_timeline",
        "fee_requests", "fee_payments",
        "excusals",
    ] {
        let count = try db.prepare("SELECT * FROM \(table)").columnNames.count
        var filter = ""
        if let company {
            if table == "meta" { continue }
            filter =
                " WHERE "
                + (table.hasPrefix("fee_payments") || table == "excusals" ? byRequest : "company = '\(company)'")
        }
        let statement = try db.prepare(
            "SELECT * FROM \(table)\(filter) ORDER BY " + (1...count).map(String.init).joined(separator: ", ")
        )
        while try statement.step() {
            rows.append(table + ": " + (0..<Int32(count)).map { statement.text($0) ?? "NULL" }.joined(separator: "|"))
        }
    }
    return rows
}

@Suite struct ProjectionTests {
    static let seeds: [UInt64] = [3, 17, 29, 41, 53]

    @Test("rebuild equals update applied in any number of steps", arguments: seeds)
    func rebuildEqualsUpdates(seed: UInt64) throws {
        try withTemporaryDirectory { path in
            let events = RandomHistory.generate(seed: seed, attempts: 200)
            let directory = try LedgerDirectory.create(at: path + "/l")
            let store = ProjectionStore(directory: directory)
            var rng = SplitMix64(seed: seed)
            var start = 0
            while start < events.count {
                let end = min(events.count, start + Int.random(in: 1...25, using: &rng))
                try write(events[start..<end], to: directory)
                try store.update()
                start = end
            }
            let rebuilt = ProjectionStore(directory: directory, path: path + "/rebuilt.sqlite")
            try rebuilt.rebuild()
            #expect(try dump(store.path) == dump(rebuilt.path), "seed \(seed)")
        }
    }

    @Test(
        "a rebuild in ranges of companies, the log read once for each, writes what a rebuild in one piece writes, the companies shared out from the append index or, without it, from the log",
        arguments: seeds
    )
    func rebuildInRanges(seed: UInt64) throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l", segmentLimit: 8_192)
            try write(RandomHistory.generate(seed: seed, attempts: 200)[...], to: directory)
            let whole = ProjectionStore(directory: directory, path: path + "/whole.sqlite")
            try whole.rebuild(ranges: 1)
            // The append index, as appends through the command keep it.
            try EventIndex().open(directory, head: try #require(try LogHead.quick(directory)))
            for ranges in [2, 3, 6] {
                let store = ProjectionStore(directory: directory, path: path + "/ranges\(ranges).sqlite")
                try store.rebuild(ranges: ranges)
                #expect(try dump(store.path) == dump(whole.path), "seed \(seed), \(ranges) ranges")
            }
            try FileManager.default.removeItem(atPath: directory.path + "/index.sqlite")
            let fromLog = ProjectionStore(directory: directory, path: path + "/fromLog.sqlite")
            try fromLog.rebuild(ranges: 3)
            #expect(try dump(fromLog.path) == dump(whole.path), "seed \(seed), companies from the log")
        }
    }

    @Test(
        "R10: a rebuild in ranges of a stored history that breaks a rule across them names it, as one in one piece does"
    )
    func rebuildInRangesNamesBrokenRule() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            let lines = recommendedByApplicant
            try writeUnchecked(lines, to: directory)
            let expected = try #require(try refusal(lines))
            for ranges in [1, 2] {
                let store = ProjectionStore(directory: directory, path: path + "/r\(ranges).sqlite")
                #expect(throws: expected) { try store.rebuild(ranges: ranges) }
                #expect(!FileManager.default.fileExists(atPath: store.path))
                let left = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.contains(".new-") }
                #expect(left.isEmpty, "no file of the rebuild is left: \(left)")
            }
        }
    }

    @Test(
        "catching up from the append index equals a rebuild, and is taken whenever no round intervenes",
        arguments: seeds
    )
    func indexCatchUpEqualsRebuild(seed: UInt64) throws {
        try withTemporaryDirectory { path in
            let events = RandomHistory.generate(seed: seed, attempts: 200)
            let directory = try LedgerDirectory.create(at: path + "/l")
            let store = ProjectionStore(directory: directory)
            try store.rebuild()
            var rng = SplitMix64(seed: seed)
            var start = 0
            var fromIndex = 0
            while start < events.count {
                let end = min(events.count, start + Int.random(in: 1...6, using: &rng))
                for event in events[start..<end] {
                    let input = try EventCodec.decodeInput(try JSONParser.parse(event.json))
                    try EventAppender(directory: directory, now: event.recorded, actor: "t")
                        .append([input], history: EventIndex()) { _ in }
                }
                let head = try #require(try LogHead.quick(directory))
                if let outcome = try store.catchUpFromIndex(head: head) {
                    fromIndex += 1
                    guard case .updated(_, let to, _) = outcome else {
                        Issue.record("unexpected \(outcome)")
                        break
                    }
                    #expect(to == head.seq)
                } else {
                    #expect(
                        events[start..<end].contains {
                            $0.json.contains("IndexRoundRecorded") || $0.json.contains("EventReversed")
                        },
                        "only a round or a reversal (of a round or a schedule) sends a catch-up back to the replay"
                    )
                    try store.update()
                }
                start = end
            }
            #expect(fromIndex > 0)
            let rebuilt = ProjectionStore(directory: directory, path: path + "/rebuilt.sqlite")
            try rebuilt.rebuild()
            #expect(try dump(store.path) == dump(rebuilt.path), "seed \(seed)")
        }
    }

    @Test("R4: the SQL answer equals the replay answer for many as-of dates", arguments: seeds)
    func sqlEqualsReplay(seed: UInt64) throws {
        try withTemporaryDirectory { path in
            let events = RandomHistory.generate(seed: seed, attempts: 200)
            let directory = try LedgerDirectory.create(at: path + "/l")
            try write(events[...], to: directory)
            let store = ProjectionStore(directory: directory)
            try store.rebuild()
            let fold = try LedgerHistory.load(directory).fold()
            var day = Day("2022-12-01")!
            while day < Day("2026-06-01")! {
                #expect(try store.statusRows(on: day) == fold.statusRows(on: day), "seed \(seed), \(day)")
                // One company at a time, as `ledger status COMPANY` asks.
                let some = Set(fold.histories.prefix(3).map(\.company))
                #expect(
                    try store.statusRows(on: day, companies: some) == fold.statusRows(on: day, companies: some),
                    "seed \(seed), \(day)"
                )
                #expect(try store.arrearsRows(on: day) == fold.arrearsRows(on: day), "seed \(seed), \(day)")
                #expect(try store.votingRows(on: day) == fold.votingRows(on: day), "seed \(seed), \(day)")
                day = day.adding(days: 11)
            }
        }
    }

    @Test("R25: the AGM roll names each member as it was called on the date (voting rows cut where the name changes)")
    func rollNamesAsOfTheDate() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            try append(
                [
                    EventJSON.schedule(), EventJSON.filed("F", on: "2024-01-02"),
                    EventJSON.documents("F", on: "2024-01-03"),
                    EventJSON.round("2023", on: "2024-01-04", included: ["F"]),
                    EventJSON.approved("F", on: "2024-01-10"),
                    EventJSON.requested("F", on: "2024-01-11", period: "2023-24", amount: "1000"),
                    EventJSON.paid("F", on: "2024-01-12", amount: "1000", reference: "P1"),
                    #"{"type":"ProfileUpdated","company":"F","on":"2024-03-01","name":"F Holdings Ltd"}"#,
                    #"{"type":"ProfileUpdated","company":"F","on":"2024-04-01","employeesInHK":12}"#,
                    // A new registration number under the same name: no cut.
                    #"{"type":"ProfileUpdated","company":"F","on":"2024-04-15","brNumber":"99999999"}"#,
                    #"{"type":"MemberResigned","company":"F","on":"2024-06-01"}"#,
                ],
                to: directory,
                at: "2024-06-02T02:00:00Z"
            )
            let store = ProjectionStore(directory: directory)
            try store.rebuild()
            #expect(
                try Set(dump(store.path, company: "F").filter { $0.hasPrefix("voting_timeline") }) == [
                    "voting_timeline: F|F Ltd|2024-01-10|2024-03-01",
                    "voting_timeline: F|F Holdings Ltd|2024-03-01|2024-06-01",
                ]
            )
            let fold = try LedgerHistory.load(directory).fold()
            for (date, name) in [
                ("2024-02-29", "F Ltd"), ("2024-03-01", "F Holdings Ltd"), ("2024-05-31", "F Holdings Ltd"),
            ] {
                let day = Day(date)!
                #expect(try store.votingRows(on: day).map(\.name) == [name], "\(date)")
                #expect(try store.votingRows(on: day) == fold.votingRows(on: day), "\(date)")
            }
            #expect(try store.votingRows(on: Day("2024-06-01")!).isEmpty)
        }
    }

    @Test("a backdated payment and a reversal change the rows of their company only; a round changes its members")
    func affectedCompaniesOnly() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            try append([EventJSON.schedule()] + simpleEvents(companies: 3), to: directory, at: "2024-06-01T02:00:00Z")
            try append(
                [EventJSON.requested("C1", on: "2024-06-01", period: "2025-26", amount: "100")],
                to: directory,
                at: "2024-06-01T03:00:00Z"
            )
            let store = ProjectionStore(directory: directory)
            try store.rebuild()
            func rows(_ company: String) throws -> [String] { try dump(store.path, company: company) }
            let before = try ["C0", "C1", "C2"].map(rows)
            // A backdated part payment for C1.
            try append(
                [EventJSON.paid("C1", on: "2024-05-20", amount: "50", reference: "LATE")],
                to: directory,
                at: "2024-06-02T02:00:00Z"
            )
            #expect(try store.update() == .updated(from: 17, to: 18, companies: 1))
            let after = try ["C0", "C1", "C2"].map(rows)
            #expect(after[0] == before[0] && after[2] == before[2] && after[1] != before[1])
            // Its reversal puts C1 back as it was.
            try append([EventJSON.reversal(of: 18, on: "2024-06-03")], to: directory, at: "2024-06-03T02:00:00Z")
            #expect(try store.update() == .updated(from: 18, to: 19, companies: 1))
            #expect(try ["C0", "C1", "C2"].map(rows) == before)
            // A round touches every company.
            try append(
                [EventJSON.round("2024", on: "2024-06-04", included: ["C0"])],
                to: directory,
                at: "2024-06-04T02:00:00Z"
            )
            #expect(try store.update() == .updated(from: 19, to: 20, companies: 3))
        }
    }

    @Test("a database of an older schema version, or one not matching the log, is detected and rebuilt")
    func untrustedDatabases() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            try append([EventJSON.schedule()] + simpleEvents(companies: 2), to: directory)
            let store = ProjectionStore(directory: directory)
            guard case .rebuilt = try store.update() else {
                Issue.record("a missing database is rebuilt")
                return
            }
            #expect(try store.update() == .upToDate(seq: 11))
            try SQLiteDatabase(path: store.path).execute(
                "UPDATE meta SET value = '0' WHERE key = 'schema_version'"
            )
            guard case .rebuilt(_, let reason) = try store.update() else {
                Issue.record("an old schema is rebuilt")
                return
            }
            #expect(reason.contains("schema version 0"))
            try SQLiteDatabase(path: store.path).execute(
                "UPDATE meta SET value = 'abc' WHERE key = 'checkpoint_hash'"
            )
            guard case .rebuilt(_, let hashReason) = try store.update() else {
                Issue.record("a wrong checkpoint is rebuilt")
                return
            }
            #expect(hashReason.contains("does not match"))
            try Data("not a database at all".utf8).write(to: URL(fileURLWithPath: store.path))
            guard case .rebuilt = try store.update() else {
                Issue.record("an unreadable database is rebuilt")
                return
            }
            #expect(try store.update() == .upToDate(seq: 11))
        }
    }

    @Test("a crash between the rows and the checkpoint applies no event twice and skips none")
    func crashMidUpdate() throws {
        try withTemporaryDirectory { path in
            let ledger = LedgerProcess(ledger: path + "/l", clock: "2024-06-01T02:00:00Z")
            try ledger.run(["init"])
            try ledger.run(
                ["append", "--file", "-"],
                stdin: ([EventJSON.schedule()] + simpleEvents(companies: 3)).joined(separator: "\n")
            )
            #expect(try ledger.run(["project", "rebuild"]).status == 0)
            try ledger.run(["append", EventJSON.paid("C1", on: "2024-06-01", amount: "70", reference: "EXTRA")])
            let crashed = try ledger.run(["project", "update"], environment: ["LEDGER_FAULT": "project-before-commit"])
            #expect(crashed.status == 137)
            let after = try ledger.run(["project", "update"])
            #expect(after.status == 0 && after.stdout.contains("caught up from seq 16 to 17"), "\(after.stdout)")
            #expect(try ledger.run(["project", "rebuild", "--out", path + "/fresh.sqlite"]).status == 0)
            #expect(try dump(path + "/l/projections.sqlite") == dump(path + "/fresh.sqlite"))
        }
    }

    @Test(
        "project rebuild --ranges N reads the log for N ranges of companies and writes the same rows; N below 1 is a usage error"
    )
    func rebuildRangesOption() throws {
        try withTemporaryDirectory { path in
            let ledger = try LedgerProcess.seeded(at: path + "/l", companies: 9)
            #expect(try ledger.run(["project", "rebuild", "--ranges", "1", "--out", path + "/one.sqlite"]).status == 0)
            let ranged = try ledger.run(["project", "rebuild", "--ranges", "4", "--out", path + "/four.sqlite"])
            #expect(ranged.status == 0 && ranged.stdout.contains("projections rebuilt to seq 46"), "\(ranged.stdout)")
            #expect(try dump(path + "/one.sqlite") == dump(path + "/four.sqlite"))
            let refused = try ledger.run(["project", "rebuild", "--ranges", "0"])
            #expect(refused.status == 2 && refused.stderr.contains("--ranges"), "\(refused.stderr)")
        }
    }
}

@Suite struct IndexCrashTests {
    @Test("a crash after a large batch is durable and before its index commits loses nothing; the index catches up")
    func crashBeforeIndexCommit() throws {
        try withTemporaryDirectory { path in
            let ledger = LedgerProcess(ledger: path + "/l", clock: "2024-06-01T02:00:00Z")
            try ledger.run(["init"])
            try ledger.run(["append", EventJSON.schedule()])
            let batch = simpleEvents(companies: EventIndex.directWriteLines / 5 + 1)
            let crashed = try ledger.run(
                ["append", "--file", "-"],
                stdin: batch.joined(separator: "\n"),
                environment: ["LEDGER_FAULT": "index-before-commit"]
            )
            #expect(crashed.status == 137)
            // The batch is in the log; the index, rolled back, is behind it and caught up.
            #expect(try ledger.run(["log"]).lines.count == 1 + batch.count)
            let next = try ledger.run(["append", EventJSON.filed("LATE", on: "2024-06-01")])
            #expect(next.status == 0 && next.stdout.contains("\"seq\":\(2 + batch.count)"), "\(next.stdout)")
            #expect(try ledger.run(["verify"]).status == 0)
            let index = EventIndex()
            let directory = try LedgerDirectory(opening: path + "/l")
            try LogWriter.withWriter(directory) { try index.open(directory, head: $0.head) }
            #expect(index.lastOpen == "current")
            #expect(!FileManager.default.fileExists(atPath: path + "/l/index.sqlite-journal"))
        }
    }
}

@Suite struct KnownAtTests {
    @Test(
        "R4: a view as known at T equals the same view of a ledger holding only the events recorded by T",
        arguments: [5, 23] as [UInt64]
    )
    func knownAtEqualsPrefixLedger(seed: UInt64) throws {
        try withTemporaryDirectory { path in
            let events = RandomHistory.generate(seed: seed, attempts: 160)
            let full = try LedgerDirectory.create(at: path + "/full")
            try write(events[...], to: full)
            let history = try LedgerHistory.load(full)
            for cut in stride(from: events.count / 4, through: events.count, by: max(1, events.count / 4)) {
                let instant = events[cut - 1].recorded
                let partial = try LedgerDirectory.create(at: path + "/partial\(cut)")
                try write(events[..<cut], to: partial)
                let store = ProjectionStore(directory: partial)
                try store.update()
                let replay = try history.fold(knownAt: instant)
                for date in ["2023-03-01", "2023-09-15", "2024-04-01", "2024-12-31", "2025-06-30"] {
                    let day = Day(date)!
                    #expect(
                        try store.statusRows(on: day) == replay.statusRows(on: day),
                        "seed \(seed), cut \(cut), \(date)"
                    )
                    #expect(
                        try store.arrearsRows(on: day) == replay.arrearsRows(on: day),
                        "seed \(seed), cut \(cut), \(date)"
                    )
                    #expect(
                        try store.votingRows(on: day) == replay.votingRows(on: day),
                        "seed \(seed), cut \(cut), \(date)"
                    )
                }
            }
        }
    }
}

@Suite struct StoredSchemaTests {
    @Test("every stored record of random histories validates against EventSchemas/ with Python's jsonschema")
    func independentSchemaValidation() throws {
        try withTemporaryDirectory { path in
            var types: Set<String> = []
            for seed in [7, 11, 13] as [UInt64] {
                let directory = try LedgerDirectory.create(at: path + "/l\(seed)")
                try write(RandomHistory.generate(seed: seed, attempts: 250)[...], to: directory)
                for record in try LedgerHistory.load(directory).events { types.insert(record.event.type.rawValue) }
                let process = Process()
                process.executableURL = URL(fileURLWithPath: packageRoot + "/Tools/verify-log")
                process.arguments = [directory.path, "--schemas", packageRoot + "/EventSchemas"]
                let out = Pipe()
                process.standardOutput = out
                try process.run()
                let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(process.terminationStatus == 0, "seed \(seed): \(text)")
            }
            // The histories hold every type but the rarest, which the scenarios cover.
            #expect(types.count >= 12, "\(types.sorted())")
        }
    }
}
