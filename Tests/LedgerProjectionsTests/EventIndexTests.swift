import Foundation
import LedgerCore
import LedgerLog
import LedgerTestSupport
import Testing

@testable import LedgerProjections

@Suite struct EventIndexTests {
    static let allSecondaryIndexes = [
        "events_by_company", "events_by_id", "inclusions_by_company", "recommendations_by_company",
        "recommendations_by_recommender",
    ]

    /// The secondary indexes the ledger's index holds, by name.
    func secondaryIndexes(_ directory: LedgerDirectory) throws -> [String] {
        let schema = try SQLiteDatabase(path: directory.path + "/index.sqlite")
            .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
        var names: [String] = []
        while try schema.step() { names.append(schema.text(0) ?? "") }
        return names
    }

    /// The outcome of one append, comparable across paths: the seqs, or the rule that refused it.
    func outcome(_ json: String, _ directory: LedgerDirectory, at clock: String, history: any AppendHistory) -> String {
        do {
            let input = try EventCodec.decodeInput(try JSONParser.parse(json))
            var seqs: [Int] = []
            try EventAppender(directory: directory, now: Instant(clock)!, actor: "t").append([input], history: history)
            {
                seqs = $0.map(\.seq)
            }
            return "ok \(seqs)"
        } catch let error as LedgerError {
            return "refused \(error.rule) seq \(error.seq.map(String.init) ?? "-")"
        } catch {
            return "error \(error)"
        }
    }

    @Test(
        "R5: appends judged through the index decide exactly as appends that fold the whole log",
        arguments: [4, 8, 15, 16, 23, 42, 77, 91] as [UInt64]
    )
    func indexJudgesAsTheWholeLog(seed: UInt64) throws {
        try withTemporaryDirectory { path in
            // The index company by company (never one pass), as it decides (a quarter), and in
            // one pass over every stored event (read from the log) for any batch, judged whole.
            let shares = [2.0, 0.25, 0.0]
            let indexed = try shares.indices.map { try LedgerDirectory.create(at: path + "/indexed\($0)") }
            let whole = try LedgerDirectory.create(at: path + "/whole")
            var refused = 0
            for candidate in RandomHistory.generate(seed: seed, attempts: 220, validOnly: false) {
                let clock = candidate.recorded.description
                let expected = outcome(candidate.json, whole, at: clock, history: FullLogHistory())
                for (share, directory) in zip(shares, indexed) {
                    let index = EventIndex(onePassShare: share)
                    let got = outcome(candidate.json, directory, at: clock, history: index)
                    #expect(got == expected, "seed \(seed), share \(share): \(candidate.json)")
                }
                if expected.hasPrefix("refused") { refused += 1 }
            }
            #expect(refused > 20, "the candidates must include refusals")
            for directory in indexed {
                #expect(
                    try LedgerHistory.load(directory).fold().histories == LedgerHistory.load(whole).fold().histories
                )
            }
        }
    }

    @Test(
        "every company a batch names is in the index once: a large batch's, put in after its rows, a small one's, one named again by a later batch, and after a rebuild"
    )
    func everyCompanyOnce() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            let index = EventIndex()
            try LogWriter.withWriter(directory) { try index.open(directory, head: $0.head) }
            func appendThroughIndex(_ lines: [String]) throws {
                let inputs = try lines.map { try EventCodec.decodeInput(try JSONParser.parse($0)) }
                try EventAppender(directory: directory, now: Instant("2024-12-31T02:00:00Z")!, actor: "t")
                    .append(inputs, history: index) { _ in }
            }
            func indexed() throws -> (companies: [String], counted: Int64) {
                let reader = try SQLiteDatabase(path: directory.path + "/index.sqlite")
                let all = try reader.prepare("SELECT company FROM companies ORDER BY company")
                var companies: [String] = []
                while try all.step() { companies.append(all.text(0) ?? "") }
                let counted = try reader.prepare("SELECT max(rowid) FROM companies")
                return (companies, try counted.step() ? counted.integer(0) : -1)
            }
            let large = EventIndex.directWriteLines / 5 + 1
            try appendThroughIndex([EventJSON.schedule()] + simpleEvents(companies: large))
            try appendThroughIndex(simpleEvents(companies: 2, from: large))
            try appendThroughIndex([EventJSON.requested("C0", on: "2024-06-01", period: "2025-26", amount: "1000")])
            // Each batch's rows were committed with it: the index is at the log's head.
            try LogWriter.withWriter(directory) { try index.open(directory, head: $0.head) }
            #expect(index.lastOpen == "current")
            let expected = (0..<(large + 2)).map { "C\($0)" }.sorted()
            #expect(try indexed().companies == expected)
            // Counted by the largest rowid, as a batch weighs its companies against all of them.
            #expect(try indexed().counted == Int64(large + 2))
            try FileManager.default.removeItem(atPath: directory.path + "/index.sqlite")
            try LogWriter.withWriter(directory) { try index.open(directory, head: $0.head) }
            #expect(index.lastOpen == "rebuilt")
            #expect(try indexed().companies == expected)
            #expect(try indexed().counted == Int64(large + 2))
        }
    }

    @Test("an index behind the log is caught up; one that does not match it, or is unreadable, is rebuilt")
    func untrustedIndex() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            try append([EventJSON.schedule()] + simpleEvents(companies: 2), to: directory)
            // Each rebuild says why first (a whole log's rebuild keeps an append waiting).
            var notices: [String] = []
            let index = EventIndex(notice: { notices.append($0) })
            try LogWriter.withWriter(directory) { try index.open(directory, head: $0.head) }
            #expect(index.lastOpen == "rebuilt")
            #expect(notices == ["rebuilding the append index (index.sqlite) from the log's 11 events: it was missing"])
            // Appended without the index: it is behind.
            try append(simpleEvents(companies: 1, from: 2), to: directory)
            try LogWriter.withWriter(directory) { try index.open(directory, head: $0.head) }
            #expect(index.lastOpen == "caught up")
            try LogWriter.withWriter(directory) { try index.open(directory, head: $0.head) }
            #expect(index.lastOpen == "current")
            #expect(notices.count == 1)
            // An index of another history.
            try SQLiteDatabase(path: directory.path + "/index.sqlite")
                .execute("UPDATE meta SET value = 'ff' WHERE key = 'head_hash'")
            try LogWriter.withWriter(directory) { try index.open(directory, head: $0.head) }
            #expect(index.lastOpen == "rebuilt")
            #expect(notices.last?.hasSuffix("16 events: its head's hash is not the log's") == true)
            // An index of another version.
            try SQLiteDatabase(path: directory.path + "/index.sqlite")
                .execute("UPDATE meta SET value = '3' WHERE key = 'version'")
            try LogWriter.withWriter(directory) { try index.open(directory, head: $0.head) }
            #expect(index.lastOpen == "rebuilt")
            #expect(notices.last?.hasSuffix("it is of version 3, and this ledger keeps version 4") == true)
            // A rebuild makes the secondary indexes after the rows, and makes every one of them.
            #expect(try secondaryIndexes(directory) == EventIndexTests.allSecondaryIndexes)
            let stored = try index.storedRecords(
                ids: Set(try LedgerHistory.load(directory, withIDs: true).ids.map(\.description))
            )
            #expect(stored.count == 16)
            // An index that is not a database at all is made again, not a reason to refuse appends.
            for suffix in ["-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: directory.path + "/index.sqlite" + suffix)
            }
            try Data("garbage".utf8).write(to: URL(fileURLWithPath: directory.path + "/index.sqlite"))
            let reopened = EventIndex(notice: { notices.append($0) })
            try LogWriter.withWriter(directory) { try reopened.open(directory, head: $0.head) }
            #expect(reopened.lastOpen == "rebuilt")
            #expect(notices.last?.contains("16 events: it could not be read") == true)
            #expect(notices.count == 4)
            let acks = try append([EventJSON.filed("NEW", on: "2024-06-01")], to: directory)
            #expect(acks.map(\.seq) == [17])
        }
    }

    @Test("ids are keyed apart: a commit's new ids, one client's version 1 ids, random ids")
    func idKeys() throws {
        let made = EventID.timeOrdered(count: 10_000, recorded: Instant("2024-12-31T02:00:00Z")!)
        // Version 1: time in the first half, the same clock sequence and node in the second.
        let timeBased = (0..<10_000).map { EventID(high: UInt64($0) << 32 | 0x11EF, low: 0x8A1B_0242_AC13_0003) }
        let ids = made + timeBased + EventID.random(count: 10_000)
        #expect(Set(ids.map(EventIndex.key)).count == ids.count)
        // A re-append of events with the ids the ledger made for them finds each stored once.
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            let lines = simpleEvents(companies: 40)
            let acks = try append(lines, to: directory)
            let again = zip(lines, acks).map { line, ack in "{\"id\":\"\(ack.id)\"," + line.dropFirst() }
            let index = EventIndex()
            try LogWriter.withWriter(directory) { try index.open(directory, head: $0.head) }
            let found = try index.storedRecords(ids: Set(acks.map(\.id)))
            #expect(found.count == acks.count && found.allSatisfy { $0.value.id == $0.key })
            let inputs = try again.map { try EventCodec.decodeInput(try JSONParser.parse($0)) }
            var repeated: [AppendAck] = []
            try EventAppender(directory: directory, now: Instant("2025-01-01T00:00:00Z")!, actor: "t")
                .append(inputs, history: index) { repeated = $0 }
            #expect(repeated.map(\.seq) == acks.map(\.seq) && repeated.map(\.hash) == acks.map(\.hash))
            #expect(repeated.allSatisfy { !$0.isNew })
            #expect(try LedgerHistory.storedRecords(directory).count == lines.count)
        }
    }

    @Test("a new ledger's index is made at its first open, with its head, and current at the next")
    func emptyLogIndex() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            var notices: [String] = []
            let index = EventIndex(notice: { notices.append($0) })
            try LogWriter.withWriter(directory) { try index.open(directory, head: $0.head) }
            #expect(index.lastOpen == "rebuilt")
            let meta = try SQLiteDatabase(path: directory.path + "/index.sqlite").prepare(
                "SELECT group_concat(key || '=' || value, ' ') FROM (SELECT * FROM meta ORDER BY key)"
            ).stepText()
            #expect(meta == "head_hash=\(SHA256Hex.zero) head_seq=0 version=\(EventIndex.version)")
            try LogWriter.withWriter(directory) { try index.open(directory, head: $0.head) }
            #expect(index.lastOpen == "current")
            #expect(notices.isEmpty)
            let acks = try append([EventJSON.schedule()] + simpleEvents(companies: 2), to: directory)
            #expect(acks.count == 11)
            try LogWriter.withWriter(directory) { try index.open(directory, head: $0.head) }
            #expect(index.lastOpen == "caught up")
        }
    }

    @Test("an index that holds rows is rebuilt in a new file, not emptied through the rollback journal")
    func rebuildInNewFile() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            try append([EventJSON.schedule()] + simpleEvents(companies: 3), to: directory)
            let file = directory.path + "/index.sqlite"
            for (newFileFromBytes, kept) in [(1 << 20, true), (0, false)] {
                try LogWriter.withWriter(directory) { try EventIndex().open(directory, head: $0.head) }
                // Of another version, with a table of no version's: a new file has none.
                try SQLiteDatabase(path: file).execute(
                    "UPDATE meta SET value = '2' WHERE key = 'version'; CREATE TABLE IF NOT EXISTS marker (x)"
                )
                let index = EventIndex(newFileFromBytes: newFileFromBytes)
                try LogWriter.withWriter(directory) { try index.open(directory, head: $0.head) }
                #expect(index.lastOpen == "rebuilt")
                let marker = try SQLiteDatabase(path: file)
                    .prepare("SELECT count(*) FROM sqlite_master WHERE name = 'marker'").stepText()
                #expect(marker == (kept ? "1" : "0"), "rebuilt from \(newFileFromBytes) bytes")
                #expect(!FileManager.default.fileExists(atPath: file + "-journal"))
                let ids = Set(try LedgerHistory.load(directory, withIDs: true).ids.map(\.description))
                #expect(try index.storedRecords(ids: ids).count == 16)
                #expect(try secondaryIndexes(directory) == EventIndexTests.allSecondaryIndexes)
            }
        }
    }

    @Test("a large batch is indexed without the WAL when no one reads the index, through it when someone does")
    func largeBatchWritesDirectly() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            let index = EventIndex()
            try LogWriter.withWriter(directory) { try index.open(directory, head: $0.head) }
            func appendThroughIndex(_ lines: [String]) throws -> [AppendAck] {
                let inputs = try lines.map { try EventCodec.decodeInput(try JSONParser.parse($0)) }
                var acks: [AppendAck] = []
                try EventAppender(directory: directory, now: Instant("2024-12-31T02:00:00Z")!, actor: "t")
                    .append(inputs, history: index) { acks = $0 }
                return acks
            }
            let companies = EventIndex.directWriteLines / 5 + 1
            _ = try appendThroughIndex([EventJSON.schedule()] + simpleEvents(companies: companies))
            // Back in WAL mode, with nothing left in a journal, and current.
            let reader = try SQLiteDatabase(path: directory.path + "/index.sqlite")
            #expect(try reader.journalMode() == "wal")
            #expect(!FileManager.default.fileExists(atPath: directory.path + "/index.sqlite-journal"))
            try LogWriter.withWriter(directory) { try EventIndex().open(directory, head: $0.head) }
            func count() throws -> Int64 {
                let statement = try reader.prepare("SELECT count(*) FROM events")
                return try statement.step() ? statement.integer(0) : -1
            }
            #expect(try count() == Int64(1 + 5 * companies))
            // A reader in the middle of a read: the batch goes through the WAL, without waiting for it.
            try reader.execute("BEGIN")
            #expect(try count() == Int64(1 + 5 * companies))
            // Smaller than the index already is: inserted into its secondary indexes row by row.
            #expect(!EventIndex.defersIndexes(batch: 5 * companies, indexed: 1 + 5 * companies))
            #expect(!EventIndex.defersIndexes(batch: EventIndex.directWriteLines - 1, indexed: 0))
            let acks = try appendThroughIndex(simpleEvents(companies: companies, from: companies))
            #expect(acks.count == 5 * companies)
            #expect(try secondaryIndexes(directory) == EventIndexTests.allSecondaryIndexes)
            try reader.execute("COMMIT")
            #expect(try reader.journalMode() == "wal")
            #expect(try count() == Int64(1 + 10 * companies))
            let other = EventIndex()
            try LogWriter.withWriter(directory) { try other.open(directory, head: $0.head) }
            #expect(other.lastOpen == "current")
        }
    }

    @Test("direct writes inside direct writes stay direct until the outer one ends")
    func nestedDirectWrites() throws {
        try withTemporaryDirectory { path in
            let db = try SQLiteDatabase(path: path + "/d.sqlite", createWithMode: 0o600)
            try db.execute("PRAGMA journal_mode = WAL")
            let modes = try db.withDirectWrites {
                let inner = try db.withDirectWrites { try db.journalMode() }
                return [inner, try db.journalMode()]
            }
            #expect(modes == ["delete", "delete"])
            #expect(try db.journalMode() == "wal")
            #expect(try db.withDirectWrites(when: false) { try db.journalMode() } == "wal")
        }
    }

    @Test("a batch of several feed chunks is indexed row for row as a rebuild from the log, in chunks, indexes it")
    func batchInChunks() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            let companies = 2 * EventAppender.feedChunk / 5 + 3
            let recommended = [
                EventJSON.filed("R1", on: "2024-06-01"),
                EventJSON.object([
                    ("type", "RecommendationReceived"), ("company", "R1"), ("on", "2024-06-02"), ("recommender", "C0"),
                ]),
            ]
            // R15: an amount left out is filled from the schedule, in the last chunk as in the first.
            let filled = [EventJSON.requested("C0", on: "2024-12-30", period: "2025-26")]
            let before = [EventJSON.schedule()] + simpleEvents(companies: companies) + recommended + filled
            // A reversal of the event just before it: its row names the target's company, read
            // while the target's row is still among those bound and not yet inserted.
            let paidSeq = before.count + 1
            let reversed = [
                EventJSON.paid("C0", on: "2024-12-30", amount: "1000.00", reference: "R-1", period: "2025-26"),
                EventJSON.reversal(of: paidSeq, on: "2024-12-31"),
            ]
            let inputs = try (before + reversed).map { try EventCodec.decodeInput(try JSONParser.parse($0)) }
            #expect(inputs.count > 2 * EventAppender.feedChunk)
            try EventAppender(directory: directory, now: Instant("2024-12-31T02:00:00Z")!, actor: "t")
                .append(inputs, history: EventIndex()) { _ in }
            func dump() throws -> [String] {
                let db = try SQLiteDatabase(path: directory.path + "/index.sqlite")
                var rows: [String] = []
                for query in [
                    "SELECT seq, company, id_key, hex(line) FROM events ORDER BY seq",
                    "SELECT recommender, company FROM recommendations ORDER BY 1, 2",
                    "SELECT company FROM companies ORDER BY 1", "SELECT key, value FROM meta ORDER BY key",
                ] {
                    let statement = try db.prepare(query)
                    while try statement.step() {
                        let columns = Int32(statement.columnNames.count)
                        rows.append((0..<columns).map { statement.text($0) ?? "-" }.joined(separator: "|"))
                    }
                }
                return rows
            }
            var stored: [String] = []
            try LogReader(directory).forEachLine { stored.append(String(decoding: $0, as: UTF8.self)) }
            #expect(stored[paidSeq - 2].hasSuffix(#""period":"2025-26","amount":"1000.00"}"#))
            #expect(stored[paidSeq].contains(#""reverses":\#(paidSeq)"#))
            let appended = try dump()
            #expect(
                appended.filter { $0.hasPrefix("\(paidSeq)|") || $0.hasPrefix("\(paidSeq + 1)|") }.map {
                    $0.split(separator: "|")[1]
                } == ["C0", "C0"]
            )
            #expect(appended.count > inputs.count)
            // Imported into a new ledger, the batch made the secondary indexes after its rows.
            #expect(EventIndex.defersIndexes(batch: inputs.count, indexed: 0))
            #expect(try secondaryIndexes(directory) == EventIndexTests.allSecondaryIndexes)
            // Rebuilt from the log, read in chunks while the rows are written.
            try FileManager.default.removeItem(atPath: directory.path + "/index.sqlite")
            let rebuilt = EventIndex(catchUpChunk: 1_000)
            try LogWriter.withWriter(directory) { try rebuilt.open(directory, head: $0.head) }
            #expect(rebuilt.lastOpen == "rebuilt")
            #expect(try dump() == appended)
        }
    }

    @Test("R5: a batch larger than a feed chunk, refused by its last line, leaves the log and the index as they were")
    func largeBatchRefused() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            try append([EventJSON.schedule()] + simpleEvents(companies: 1), to: directory)
            let before = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/log")
                .map { try Data(contentsOf: URL(fileURLWithPath: directory.path + "/log/" + $0)) }
            // Its lines are drafted on other cores while the rules are checked: the refusal waits
            // for them and writes nothing.
            let lines =
                simpleEvents(companies: EventAppender.feedChunk / 5 + 1, from: 1)
                + [EventJSON.paid("C1", on: "2024-05-06", amount: "10", reference: "R1")]
            let inputs = try lines.map { try EventCodec.decodeInput(try JSONParser.parse($0)) }
            #expect(inputs.count > EventAppender.feedChunk)
            var acknowledged = false
            let error = #expect(throws: LedgerError.self) {
                try EventAppender(directory: directory, now: Instant("2024-12-31T02:00:00Z")!, actor: "t")
                    .append(inputs, history: EventIndex()) { _ in acknowledged = true }
            }
            #expect(!acknowledged)
            #expect(error?.line == inputs.count, "\(String(describing: error))")
            let after = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/log")
                .map { try Data(contentsOf: URL(fileURLWithPath: directory.path + "/log/" + $0)) }
            #expect(after == before)
            let reopened = EventIndex()
            try LogWriter.withWriter(directory) { try reopened.open(directory, head: $0.head) }
            #expect(reopened.lastOpen == "current")
            #expect(try LedgerHistory.load(directory).events.count == 6)
        }
    }

    @Test("a large batch's rows, written while its commit is made durable, are rolled back when it is not written")
    func largeBatchNotWritten() throws {
        try withTemporaryDirectory { path in
            let companies = EventIndex.directWriteLines / 5 + 1
            let first = [EventJSON.schedule()] + simpleEvents(companies: 2)
            let batch = simpleEvents(companies: companies, from: 2)
            // The batch as `other` stores it: the lines `directory`'s index is told of.
            let directory = try LedgerDirectory.create(at: path + "/l")
            let other = try LedgerDirectory.create(at: path + "/other")
            for target in [directory, other] { try append(first, to: target) }
            try append(batch, to: other)
            var lines: [[UInt8]] = []
            try LogReader(other).forEachCommit { _, commit in
                guard commit.trailer.firstSeq > first.count else { return }
                lines += commit.content.split(separator: UInt8(ascii: "\n")).map { Array($0) }
            }
            #expect(lines.count == batch.count)
            let logged = try LedgerHistory.decode(lines: lines)
            let index = EventIndex()
            try LogWriter.withWriter(directory) { writer in
                try index.open(directory, head: writer.head)
                let indexed = index.appending(LineFeed(lines: lines, logged: logged, seq: logged.last!.seq, hash: "ab"))
                #expect(throws: (any Error).self) { try indexed(false) }
            }
            // Neither rows nor head went in: the index is still current for the unchanged log.
            let db = try SQLiteDatabase(path: directory.path + "/index.sqlite")
            let count = try db.prepare("SELECT count(*) FROM events")
            #expect(try count.step() && count.integer(0) == Int64(first.count))
            #expect(try db.journalMode() == "wal")
            // The batch was large enough to make the secondary indexes after its rows: the
            // rollback brought back the ones it had dropped.
            #expect(EventIndex.defersIndexes(batch: batch.count, indexed: first.count))
            #expect(try secondaryIndexes(directory) == EventIndexTests.allSecondaryIndexes)
            let reopened = EventIndex()
            try LogWriter.withWriter(directory) { try reopened.open(directory, head: $0.head) }
            #expect(reopened.lastOpen == "current")
        }
    }
}
