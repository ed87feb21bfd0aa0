import LedgerTestSupport
import Testing

@testable import LedgerProjections

@Suite struct RowBatchTests {
    @Test(
        "a batch inserts every row once, in full statements and a last partial one, and nothing before a flush it has not filled",
        arguments: [0, 1, 63, 64, 65, 200]
    )
    func everyRowOnce(count: Int) throws {
        try withTemporaryDirectory { path in
            let db = try SQLiteDatabase(path: path + "/t.sqlite", createWithMode: 0o600)
            try db.execute("CREATE TABLE t (k TEXT NOT NULL PRIMARY KEY, n INTEGER, note TEXT) WITHOUT ROWID")
            let batch = try RowBatch(db, into: "t", columns: 3)
            for i in 0..<count {
                try batch.insert { row in
                    row.text("k\(i)")
                    row.integer(Int64(i))
                    row.text(i % 3 == 0 ? nil : "n\(i)")
                }
            }
            let counted = try db.prepare("SELECT count(*), coalesce(sum(n), 0), count(note) FROM t")
            _ = try counted.step()
            #expect(Int(counted.integer(0)) == count / RowBatch.rowsPerStatement * RowBatch.rowsPerStatement)
            try batch.flush()
            try batch.flush()
            let all = try db.prepare("SELECT count(*), coalesce(sum(n), 0), count(note) FROM t")
            _ = try all.step()
            #expect(Int(all.integer(0)) == count)
            #expect(Int(all.integer(1)) == count * (count - 1) / 2)
            #expect(Int(all.integer(2)) == (0..<count).filter { $0 % 3 != 0 }.count)
        }
    }

    @Test("a row bound with too few values, or with NULL first, is refused; the next row is inserted")
    func shortRow() throws {
        try withTemporaryDirectory { path in
            let db = try SQLiteDatabase(path: path + "/t.sqlite", createWithMode: 0o600)
            try db.execute("CREATE TABLE t (k TEXT NOT NULL PRIMARY KEY, n INTEGER) WITHOUT ROWID")
            let batch = try RowBatch(db, into: "t", columns: 2)
            #expect(throws: ProjectionError.self) { try batch.insert { row in row.text("k") } }
            // NULL first marks an unused row of a partial batch: a real row with one is refused.
            #expect(throws: ProjectionError.self) {
                try batch.insert { row in
                    row.text(nil)
                    row.integer(1)
                }
            }
            try batch.insert { row in
                row.text("k")
                row.integer(1)
            }
            try batch.flush()
            let counted = try db.prepare("SELECT count(*) FROM t")
            _ = try counted.step()
            #expect(counted.integer(0) == 1)
        }
    }
}
