import CSQLite
import Foundation
import LedgerCore
import LedgerLog
import LedgerProjections

/// `ledger-bench`: the timed pieces of `Tools/bench` that need the ledger's code.
///
///     ledger-bench replay LEDGER_DIR              decompress + decode + fold the whole log
///     ledger-bench replay-ranges LEDGER_DIR       the same, as the views replay every company known
///                                                 at an instant: in ranges of companies, each
///                                                 range's fold handed over and freed before the next
///     ledger-bench sqlite-baseline LEDGER_DIR DB  the same events in a plain SQLite table, replayed
///                                                 with SELECT through the same decoder and fold
///     ledger-bench decode LEDGER_DIR [SEQ]        the replay decoder alone, on one core, over
///                                                 500,000 stored lines held in memory, from seq
///                                                 SEQ (1 unless given): the fastest of five passes
///                                                 (steadier than a replay)
///
/// Each prints one JSON line: {"events":N,"seconds":S}.
@main
enum LedgerBench {
    static func main() throws {
        HeapSettings.reuseLargeBlocks()
        let arguments = CommandLine.arguments
        guard arguments.count >= 3 else {
            FileHandle.standardError.write(Data(usage.utf8))
            exit(2)
        }
        let directory = try LedgerDirectory(opening: arguments[2])
        switch arguments[1] {
        case "replay":
            let start = DispatchTime.now()
            let folded = try LedgerHistory.loadFolded(directory, notes: false)
            let seconds = elapsed(since: start)
            report(events: folded.count, seconds: seconds, companies: folded.fold.companyCount)
            // Freed after the figure, as the views free it (`BackgroundRelease`, or never when
            // the process exits first): copying out or freeing 340,000 companies' histories is
            // no part of a replay anyone waits for.
            withExtendedLifetime(folded) {}
        case "replay-ranges":
            try replayInRanges(directory)
        case "sqlite-baseline" where arguments.count == 4:
            try sqliteBaseline(directory, database: arguments[3])
        case "decode" where arguments.count <= 4:
            guard let first = arguments.count == 4 ? Int(arguments[3]) : 1, first >= 1 else {
                FileHandle.standardError.write(Data("ledger-bench decode: SEQ is a seq, 1 or more\n".utf8))
                exit(2)
            }
            try decodeOnly(directory, from: first)
        default:
            FileHandle.standardError.write(Data(("unknown command\n" + usage).utf8))
            exit(2)
        }
    }

    /// How to call it: printed, with exit 2, for anything else.
    static let usage =
        "usage: ledger-bench replay DIR | replay-ranges DIR | sqlite-baseline DIR DB | decode DIR [SEQ]\n"

    /// Seconds since `start`.
    static func elapsed(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    static func report(events: Int, seconds: Double, companies: Int) {
        print("{\"events\":\(events),\"seconds\":\(seconds),\"companies\":\(companies)}")
    }

    /// Times the replay the views make of every company as known at the last recorded instant
    /// (`RangedReplay`): the log read once, its events set aside by range, each range folded and
    /// its fold handed over (here: counted) and freed before the next. In as many ranges as the
    /// views take (one for every 256 MiB of log), and at least two: a small ledger's views fold it
    /// in one piece, which `replay` times.
    static func replayInRanges(_ directory: LedgerDirectory) throws {
        // The views fold in ranges only when the append index is at the log's head (it lists the
        // companies): brought there first, as the next append would, outside the time.
        try LogWriter.withWriter(directory) { writer in try EventIndex().open(directory, head: writer.head) }
        let start = DispatchTime.now()
        guard let head = try LogHead.quick(directory), let last = try head.lastRecorded() else {
            FileHandle.standardError.write(Data("ledger-bench replay-ranges: an empty or unsettled log\n".utf8))
            exit(1)
        }
        let count = max(2, CompanyRange.count(forLogBytes: try directory.logBytes()))
        var companies = 0
        let outcome = try RangedReplay.replay(of: directory, head: head, knownAt: last, ranges: count) {
            companies += $0.companyCount
        }
        guard outcome == .replayed else {
            FileHandle.standardError.write(Data("ledger-bench replay-ranges: \(outcome), not in ranges\n".utf8))
            exit(1)
        }
        report(events: head.seq, seconds: elapsed(since: start), companies: companies)
    }

    /// Times `StoredLineDecoder` over `wanted` stored lines from seq `first`, already decompressed.
    static func decodeOnly(_ directory: LedgerDirectory, from first: Int, lines wanted: Int = 500_000) throws {
        var lines: [[UInt8]] = []
        do {
            try LogReader(directory).forEachLine(from: first) { _, line in
                lines.append(Array(line))
                if lines.count == wanted { throw Enough() }
            }
        } catch is Enough {}
        var fastest = Double.infinity
        for _ in 0..<5 {
            let start = DispatchTime.now()
            var decoded = 0
            // As a replay reads a commit's lines: the recorded instant they share read once.
            var prevOffset = 0
            var recent = StoredLineDecoder.RecentValues()
            for line in lines {
                let event = line.withUnsafeBytes {
                    StoredLineDecoder.decode($0, prevOffset: &prevOffset, recent: &recent)
                }
                if event != nil { decoded += 1 }
            }
            precondition(decoded == lines.count, "every stored line decodes")
            fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)
        }
        print("{\"events\":\(lines.count),\"seconds\":\(fastest)}")
    }

    private struct Enough: Error {}

    /// Loads the log into `events(seq, company, on, recorded, json)` once, then times a replay from it.
    static func sqliteBaseline(_ directory: LedgerDirectory, database: String) throws {
        if !FileManager.default.fileExists(atPath: database) {
            // Loaded under another name and renamed once committed: a load cut short leaves no
            // baseline that a later run would take for a whole one.
            let loading = database + ".loading"
            try? FileManager.default.removeItem(atPath: loading)
            try loadBaseline(directory, into: loading)
            guard rename(loading, database) == 0 else { throw LogError(.io, "cannot rename \(loading)") }
        }
        var db: OpaquePointer?
        guard sqlite3_open(database, &db) == SQLITE_OK, let db else { throw LogError(.io, "cannot open \(database)") }
        defer { sqlite3_close(db) }
        let start = DispatchTime.now()
        var select: OpaquePointer?
        sqlite3_prepare_v2(db, "SELECT json FROM events ORDER BY seq", -1, &select, nil)
        var events: [SequencedEvent] = []
        while sqlite3_step(select) == SQLITE_ROW {
            let bytes = UnsafeRawBufferPointer(
                start: sqlite3_column_blob(select, 0),
                count: Int(sqlite3_column_bytes(select, 0))
            )
            events.append(try LedgerHistory.decode(bytes).sequenced)
        }
        sqlite3_finalize(select)
        let fold = try MembershipFold.fold(events)
        let seconds = elapsed(since: start)
        report(events: events.count, seconds: seconds, companies: fold.companyCount)
        withExtendedLifetime((events, fold)) {}
    }

    /// Writes the log's lines into a new baseline database at `path`.
    static func loadBaseline(_ directory: LedgerDirectory, into path: String) throws {
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK, let db else { throw LogError(.io, "cannot open \(path)") }
        defer { sqlite3_close(db) }
        sqlite3_exec(
            db,
            "PRAGMA journal_mode=WAL; CREATE TABLE events (seq INTEGER PRIMARY KEY, company TEXT, \"on\" TEXT, recorded TEXT, json TEXT NOT NULL); BEGIN",
            nil,
            nil,
            nil
        )
        var insert: OpaquePointer?
        sqlite3_prepare_v2(db, "INSERT INTO events VALUES (?, ?, ?, ?, ?)", -1, &insert, nil)
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        try LogReader(directory).forEachLine { line in
            let event = try line.withUnsafeBytes { try LedgerHistory.decode($0) }
            sqlite3_reset(insert)
            sqlite3_bind_int64(insert, 1, Int64(event.seq))
            if let company = event.event.company {
                sqlite3_bind_text(insert, 2, company.rawValue, -1, transient)
            } else {
                sqlite3_bind_null(insert, 2)
            }
            sqlite3_bind_text(insert, 3, event.event.on.description, -1, transient)
            sqlite3_bind_text(insert, 4, event.recorded.description, -1, transient)
            _ = line.withUnsafeBytes { sqlite3_bind_text(insert, 5, $0.baseAddress, Int32($0.count), transient) }
            guard sqlite3_step(insert) == SQLITE_DONE else { throw LogError(.io, "insert failed") }
        }
        sqlite3_finalize(insert)
        guard sqlite3_exec(db, "COMMIT", nil, nil, nil) == SQLITE_OK else {
            throw LogError(.io, "cannot commit \(path)")
        }
    }
}
