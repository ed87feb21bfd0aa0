import Foundation
import LedgerLog
import LedgerTestSupport
import Testing

@testable import LedgerProjections

/// Connections write through a VFS that joins consecutive writes (`ledger_sqlite3_register_joined_writes`):
/// what one connection commits is in the file for every other, whatever the journal mode, and
/// however many pages a commit writes in one run.
@Suite struct JoinedWritesTests {
    /// Rows of 3,000 bytes: a commit of `rows` of them writes a run of pages far longer than one
    /// joined write (124 KiB), and longer than the 128 KiB SQLite's own VFS writes at a call.
    func commit(_ rows: Int, journal: String, into path: String) throws -> SQLiteDatabase {
        let db = try SQLiteDatabase(path: path, createWithMode: 0o600)
        try db.execute("PRAGMA journal_mode = \(journal); PRAGMA synchronous = NORMAL")
        try db.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        try db.transaction {
            let insert = try db.prepare("INSERT INTO t VALUES (?, zeroblob(3000))")
            for n in 1...rows { try insert.run([.integer(Int64(n))]) }
        }
        return db
    }

    /// The rows and the integrity check as another process reads them, through Python's
    /// `sqlite3` and the system's VFS: what any SQLite client sees.
    func count(_ path: String) throws -> String {
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        reader.arguments = [
            "python3", "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                + "print(c.execute('SELECT count(*) FROM t').fetchone()[0], c.execute('PRAGMA integrity_check').fetchone()[0])",
            path,
        ]
        let output = Pipe()
        reader.standardOutput = output
        try reader.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        reader.waitUntilExit()
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(
        "a commit is in the file for another process while the writer stays open, in either journal mode",
        arguments: ["DELETE", "WAL"]
    )
    func committedIsVisible(journal: String) throws {
        try withTemporaryDirectory { path in
            let file = path + "/t.sqlite"
            let writer = try commit(2_000, journal: journal, into: file)
            #expect(try count(file) == "2000 ok")
            // Folded back into the database file (the WAL's pages, joined there too), then read
            // again with no WAL at all.
            if journal == "WAL" {
                try writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                #expect(FileIO.size(file + "-wal") == 0)
            }
            #expect(try count(file) == "2000 ok")
            #expect(FileIO.size(file) >= 2_000 * 3_000)
        }
    }
}
