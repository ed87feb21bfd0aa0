import Foundation
import LedgerCore
import LedgerLog
import LedgerTestSupport
import Testing

@testable import LedgerProjections

@Suite struct EventIndexTests {
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
            // one pass over every line for any batch, read 7 lines at a time (so that the pass
            // ends on a chunk's last line as often as inside one).
            let shares = [2.0, 0.25, 0.0]
            let indexed = try shares.indices.map { try LedgerDirectory.create(at: path + "/indexed\($0)") }
            let whole = try LedgerDirectory.create(at: path + "/whole")
            var refused = 0
            for candidate in RandomHistory.generate(seed: seed, attempts: 220, validOnly: false) {
                let clock = candidate.recorded.description
                let expected = outcome(candidate.json, whole, at: clock, history: FullLogHistory())
                for (share, directory) in zip(shares, indexed) {
                    let index = EventIndex(onePassShare: share, passChunk: share == 0 ? 7 : 65_536)
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

    @Test("an index behind the log is caught up; one that does not match it, or is unreadable, is rebuilt")
    func untrustedIndex() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            try append([EventJSON.schedule()] + simpleEvents(companies: 2), to: directory)
            let index = EventIndex()
            try LogWriter.withWriter(directory) { try index.open(directory, head: $0.head) }
            #expect(index.lastOpen == "rebuilt")
            // Appended without the index: it is behind.
            try append(simpleEvents(companies: 1, from: 2), to: directory)
            try LogWriter.withWriter(directory) { try index.open(directory, head: $0.head) }
            #expect(index.lastOpen == "caught up")
            try LogWriter.withWriter(directory) { try index.open(directory, head: $0.head) }
            #expect(index.lastOpen == "current")
            // An index of another history.
            try SQLiteDatabase(path: directory.path + "/index.sqlite")
                .execute("UPDATE meta SET value = 'ff' WHERE key = 'head_hash'")
            try LogWriter.withWriter(directory) { try index.open(directory, head: $0.head) }
            #expect(index.lastOpen == "rebuilt")
            // A rebuild makes the secondary indexes after the rows, and makes every one of them.
            let schema = try SQLiteDatabase(path: directory.path + "/index.sqlite")
                .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            var names: [String] = []
            while try schema.step() { names.append(schema.text(0) ?? "") }
            #expect(
                names == [
                    "events_by_company", "events_by_id", "inclusions_by_company", "recommendations_by_company",
                    "recommendations_by_recommender",
                ]
            )
            let stored = try index.storedRecords(
                ids: Set(try LedgerHistory.load(directory, withIDs: true).ids.map(\.description))
            )
            #expect(stored.count == 16)
            // An index that is not a database at all is made again, not a reason to refuse appends.
            for suffix in ["-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: directory.path + "/index.sqlite" + suffix)
            }
            try Data("garbage".utf8).write(to: URL(fileURLWithPath: directory.path + "/index.sqlite"))
            let reopened = EventIndex()
            try LogWriter.withWriter(directory) { try reopened.open(directory, head: $0.head) }
            #expect(reopened.lastOpen == "rebuilt")
            let acks = try append([EventJSON.filed("NEW", on: "2024-06-01")], to: directory)
            #expect(acks.map(\.seq) == [17])
        }
    }
}
