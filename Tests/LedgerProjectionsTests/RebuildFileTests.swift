import Foundation
import LedgerCore
import LedgerLog
import LedgerTestSupport
import Testing

@testable import LedgerProjections

/// The files a rebuild writes: the tables it can are written into files of their own and copied
/// in whole, which fills their pages (row by row, SQLite leaves them about an eighth empty: the
/// database stays under its 1 GiB at `hongkong` with room to grow); none is left behind, even by
/// a rebuild killed before its rename.
@Suite struct RebuildFileTests {
    /// A ledger of a schedule and `companies` simple histories, and its projections' store.
    static func ledger(at path: String, companies: Int) throws -> (LedgerDirectory, ProjectionStore) {
        let directory = try LedgerDirectory.create(at: path + "/l")
        try append([EventJSON.schedule()] + simpleEvents(companies: companies), to: directory)
        return (directory, ProjectionStore(directory: directory))
    }

    @Test("R16/R18: a rebuild's payments and excusals fill their pages, and equal the fold's")
    func moneyTablesArePacked() throws {
        try withTemporaryDirectory { path in
            let directory = try LedgerDirectory.create(at: path + "/l")
            let companies = 4000
            var lines = [EventJSON.schedule()] + simpleEvents(companies: companies)
            // An excusal for every other company: its table many pages too.
            for i in stride(from: 0, to: companies, by: 2) {
                lines.append(EventJSON.excused("C\(i)", on: "2024-05-06", period: "2024-25", until: "2024-09-30"))
            }
            try append(lines, to: directory, at: "2024-12-31T02:00:00Z")
            let store = ProjectionStore(directory: directory)
            try store.rebuild()
            let db = try SQLiteDatabase(path: store.path)
            for (table, rows) in [("fee_payments", companies), ("excusals", companies / 2)] {
                #expect(try db.prepare("SELECT count(*) FROM \(table)").stepText() == String(rows))
                let statement = try db.prepare(
                    "SELECT count(*), sum(unused), sum(pgsize) FROM dbstat WHERE name = '\(table)' AND pagetype = 'leaf'"
                )
                #expect(try statement.step())
                let (pages, unused, size) = (statement.integer(0), statement.integer(1), statement.integer(2))
                #expect(pages >= 10, "\(table): enough rows for the fill of its pages to show")
                // A page's last row may not fit: a few percent empty at most.
                #expect(Double(unused) / Double(size) < 0.05, "\(table): \(unused) of \(size) bytes unused")
            }
            let fold = try LedgerHistory.load(directory).fold()
            let day = Day("2024-06-10")!
            #expect(try store.arrearsRows(on: day) == fold.arrearsRows(on: day))
            #expect(try store.statusRows(on: day) == fold.statusRows(on: day))
        }
    }

    @Test(
        "a rebuild whose side file cannot be written fails, keeps the old database and leaves no file of its own",
        arguments: ["-timelines", "-money"]
    )
    func sideFileFailure(suffix: String) throws {
        try withTemporaryDirectory { path in
            let (directory, store) = try RebuildFileTests.ledger(at: path, companies: 50)
            try store.rebuild()
            let before = try dump(store.path)
            try append(simpleEvents(companies: 10, from: 50), to: directory)
            // A directory where the side file would go: SQLite cannot open it, nor unlink remove it.
            let blocked = store.path + ".new-\(getpid())" + suffix
            try FileManager.default.createDirectory(atPath: blocked, withIntermediateDirectories: false)
            #expect(throws: (any Error).self) { try store.rebuild() }
            #expect(try dump(store.path) == before)
            let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
                $0.hasPrefix("projections.sqlite.new-")
            }
            #expect(left == [(blocked as NSString).lastPathComponent])
            try FileManager.default.removeItem(atPath: blocked)
            try store.rebuild()
            #expect(try dump(store.path) != before)
        }
    }

    @Test("a rebuild removes the files of a killed one, and waits for one still running")
    func killedAndRunningRebuilds() throws {
        try withTemporaryDirectory { path in
            let (directory, store) = try RebuildFileTests.ledger(at: path, companies: 20)
            // What a rebuild killed before its rename leaves.
            let killed = store.path + ".new-4194305"
            for file in [killed, killed + "-timelines", killed + "-money"] {
                #expect(FileManager.default.createFile(atPath: file, contents: Data("half-written".utf8)))
            }
            try store.rebuild()
            #expect(RebuildLock.leftovers(of: store.path).isEmpty)
            #expect(try dump(store.path).contains { $0.hasPrefix("companies: C19|") })

            // Another rebuild holds the lock: this one waits for it, then finishes.
            let other = open(store.path + ".rebuild-lock", O_RDWR)
            #expect(flock(other, LOCK_EX) == 0)
            try append(simpleEvents(companies: 1, from: 20), to: directory)
            let waiting = BackgroundWork { try store.rebuild() }
            #expect(!waiting.hasEnded(within: 0.5))
            #expect(!(try dump(store.path).contains { $0.hasPrefix("companies: C20|") }))
            close(other)
            _ = try waiting.result()
            #expect(try dump(store.path).contains { $0.hasPrefix("companies: C20|") })
        }
    }

    @Test("a read that finds no database waits for a rebuild running and uses the database it made")
    func updateWaitsForRunningRebuild() throws {
        try withTemporaryDirectory { path in
            let (directory, store) = try RebuildFileTests.ledger(at: path, companies: 20)
            // A rebuild running: it holds the lock.
            let running = open(store.path + ".rebuild-lock", O_RDWR | O_CREAT, 0o600)
            #expect(flock(running, LOCK_EX) == 0)
            let reading = BackgroundWork { try store.update() }
            #expect(!reading.hasEnded(within: 0.5))
            // What that rebuild makes, renamed into place before it lets go.
            let made = path + "/made.sqlite"
            try ProjectionStore(directory: directory, path: made).rebuild()
            #expect(rename(made, store.path) == 0)
            close(running)
            #expect(try reading.result() == .upToDate(seq: 101))
        }
    }
}
