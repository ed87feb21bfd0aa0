import CSQLite

/// Inserts rows into one table many to a statement: a statement run per row cost SQLite a cursor
/// opened and closed and a program started and halted for each (a rebuild inserts 20 million
/// rows; 64 to a statement measured 35–40% less time in SQLite here).
///
/// The statement is `INSERT … SELECT * FROM (VALUES (…), (…), …) WHERE column1 IS NOT NULL`:
/// a last, partly bound batch is run with its unused rows' first value set to NULL, which every
/// table here forbids, so they are skipped. Rows are in the table when `flush()` has returned.
final class RowBatch {
    static let rowsPerStatement = 64

    private let statement: SQLiteStatement
    private let columns: Int32
    /// Rows to a statement.
    private let rows: Int
    /// Rows bound and not yet inserted.
    private(set) var pending = 0

    /// - Parameters:
    ///   - table: the table, with a column list when not every column is inserted.
    ///   - columns: the number of values in a row.
    ///   - expected: how many rows will be inserted, when fewer than a statement's: a statement
    ///     for that many (one append's row is not bound into a statement made for 64).
    ///   - orIgnore: a row that would break a uniqueness constraint is skipped (`INSERT OR IGNORE`).
    init(
        _ db: SQLiteDatabase,
        into table: String,
        columns: Int,
        expected: Int = .max,
        orIgnore: Bool = false
    ) throws(ProjectionError) {
        rows = max(1, min(expected, RowBatch.rowsPerStatement))
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        let values = Array(repeating: row, count: rows).joined(separator: ", ")
        let insert = orIgnore ? "INSERT OR IGNORE" : "INSERT"
        statement = try db.prepare("\(insert) INTO \(table) SELECT * FROM (VALUES \(values)) WHERE column1 IS NOT NULL")
        self.columns = Int32(columns)
    }

    /// Binds one row's values through `bind`, in order; runs the statement when it is full.
    func insert(_ bind: (inout SQLiteStatement.Row) -> Void) throws(ProjectionError) {
        if pending == 0 { sqlite3_reset(statement.handle) }
        let first = Int32(pending) * columns
        var row = SQLiteStatement.Row(statement: statement, position: first)
        bind(&row)
        guard row.rc == SQLITE_OK else { throw statement.database.failure("sqlite3_bind", row.rc) }
        guard row.position == first + columns else {
            throw ProjectionError("\(row.position - first) values bound, not \(columns)")
        }
        // A NULL there is how a partial batch marks its unused rows: refused, never skipped.
        guard !row.startsWithNull else { throw ProjectionError("a row's first value is NULL") }
        pending += 1
        if pending == rows { try run() }
    }

    /// Inserts the rows bound and not yet inserted.
    func flush() throws(ProjectionError) {
        guard pending > 0 else { return }
        for unused in pending..<rows {
            let rc = sqlite3_bind_null(statement.handle, Int32(unused) * columns + 1)
            guard rc == SQLITE_OK else { throw statement.database.failure("sqlite3_bind_null", rc) }
        }
        try run()
    }

    private func run() throws(ProjectionError) {
        pending = 0
        let rc = sqlite3_step(statement.handle)
        guard rc == SQLITE_DONE else { throw statement.database.failure("sqlite3_step", rc) }
    }
}
