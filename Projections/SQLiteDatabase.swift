import CSQLite
import LedgerCore

#if canImport(Glibc)
import Glibc
#endif

/// An error from SQLite: the call, the result code and SQLite's own message.
public struct ProjectionError: Error, Hashable, Sendable, CustomStringConvertible {
    public var reason: String
    /// The SQLite result code, when SQLite failed.
    public var code: Int32?
    /// The database file.
    public var file: String?

    public init(_ reason: String, code: Int32? = nil, file: String? = nil) {
        self.reason = reason
        self.code = code
        self.file = file
    }

    public var description: String { (file.map { $0 + ": " } ?? "") + reason }
}

/// One SQLite connection, used by one thread at a time inside a `withX` scope.
final class SQLiteDatabase {
    let handle: OpaquePointer
    let path: String

    /// Settings of the SQLite library itself, made once, before the first connection, and the
    /// VFS connections open files through: the system's, with consecutive writes joined
    /// (`ledger_sqlite3_register_joined_writes`), or the system's own if it cannot be registered.
    private static let vfs: String? = {
        // Before anything initialises SQLite (finding a VFS does).
        _ = ledger_sqlite3_no_memory_statistics()
        return ledger_sqlite3_register_joined_writes() == SQLITE_OK ? LEDGER_JOINED_VFS_NAME : nil
    }()

    /// Opens the database at `path`; when `createWithMode` is given, creates it first with that
    /// mode if it is missing (SQLite gives its journal and WAL files the database's mode).
    init(path: String, createWithMode mode: UInt32? = nil) throws(ProjectionError) {
        let vfs = SQLiteDatabase.vfs
        let create = mode != nil
        if let mode {
            let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, mode_t(mode))
            guard fd >= 0 else {
                throw ProjectionError("cannot create: \(String(cString: strerror(errno)))", file: path)
            }
            close(fd)
        }
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, vfs)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw ProjectionError("sqlite3_open_v2: \(message)", code: rc, file: path)
        }
        handle = db
        self.path = path
        sqlite3_busy_timeout(db, SQLiteDatabase.busyTimeout)
    }

    /// How long a statement waits for another connection's lock, in milliseconds.
    static let busyTimeout: Int32 = 10_000

    deinit { sqlite3_close_v2(handle) }

    func failure(_ call: String, _ rc: Int32) -> ProjectionError {
        var reason = "\(call): \(String(cString: sqlite3_errmsg(handle)))"
        // SQLite's "disk I/O error" says little; the system's errno says what (a full disk, say).
        let code = sqlite3_system_errno(handle)
        if code != 0 { reason += " (\(String(cString: strerror(code))))" }
        return ProjectionError(reason, code: rc, file: path)
    }

    /// Runs one or more statements with no parameters. Calls `sqlite3_exec`.
    func execute(_ sql: String) throws(ProjectionError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw failure("sqlite3_exec", rc) }
    }

    /// A prepared statement. Calls `sqlite3_prepare_v2`.
    func prepare(_ sql: String) throws(ProjectionError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw failure("sqlite3_prepare_v2", rc) }
        return SQLiteStatement(statement, database: self)
    }

    /// Runs `body` in a transaction (`BEGIN IMMEDIATE`): committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Runs `body`, a large write outside any transaction, with a rollback journal instead of the
    /// WAL when no other connection is reading (the switch needs the database to itself, and is
    /// not waited for: `body` then runs through the WAL as usual); back in WAL mode after.
    /// Through the WAL every page is written twice, the WAL then the database, and each new page
    /// of a file costs this machine a first touch of fresh memory. The price: a reader that comes
    /// while the pages are written (from the first the cache spills, or at the commit) waits for
    /// the commit, up to the busy timeout, instead of reading the last committed state at once.
    func withDirectWrites<T>(when large: Bool = true, _ body: () throws -> T) throws -> T {
        guard large, try journalMode() == "wal" else { return try body() }
        // A WAL file kept on leaving WAL mode (SQLITE_FCNTL_PERSIST_WAL) would put the
        // connection back in WAL mode at its next transaction: the setting is off meanwhile.
        var persist: Int32 = -1
        sqlite3_file_control(handle, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
        var off: Int32 = 0
        sqlite3_file_control(handle, "main", SQLITE_FCNTL_PERSIST_WAL, &off)
        sqlite3_busy_timeout(handle, 0)
        let switched = (try? prepare("PRAGMA journal_mode = DELETE").stepText()) == "delete"
        sqlite3_busy_timeout(handle, SQLiteDatabase.busyTimeout)
        defer {
            if switched { try? execute("PRAGMA journal_mode = WAL") }
            sqlite3_file_control(handle, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
        }
        return try body()
    }

    /// The journal mode, in lowercase (`wal`, `delete`, `off`…).
    func journalMode() throws(ProjectionError) -> String? {
        try prepare("PRAGMA journal_mode").stepText()
    }

    /// Runs `body`, a bulk load, without the secondary indexes, then makes them again, as bulk
    /// loads do: one sort per index instead of a B-tree insert per row. SQLite itself lists
    /// them, as it parsed them (indexes behind UNIQUE and PRIMARY KEY constraints stay). Inside a
    /// transaction, a rollback brings them back as they were.
    /// - Parameter deferring: false runs `body` with the indexes kept.
    func withIndexesDeferred<T>(_ deferring: Bool = true, _ body: () throws -> T) throws -> T {
        guard deferring else { return try body() }
        var indexes: [(name: String, sql: String)] = []
        let listed = try prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        while try listed.step() { indexes.append((listed.text(0) ?? "", listed.text(1) ?? "")) }
        for index in indexes { try execute("DROP INDEX \"\(index.name)\"") }
        let result = try body()
        for index in indexes { try execute(index.sql) }
        return result
    }
}

@available(*, unavailable)
extension SQLiteDatabase: Sendable {}

/// A prepared statement: bind by name or position, step through rows.
final class SQLiteStatement {
    let handle: OpaquePointer
    let database: SQLiteDatabase

    init(_ handle: OpaquePointer, database: SQLiteDatabase) {
        self.handle = handle
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    /// A bindable value.
    enum Value {
        case null
        case integer(Int64)
        case text(String)
    }

    /// Binds positional values (1-based, in order) after a reset. Calls `sqlite3_bind_*`.
    /// Ends a step through the rows, so that the statement holds no cursor until it runs again.
    func reset() { sqlite3_reset(handle) }

    func bind(_ values: [Value]) throws(ProjectionError) {
        sqlite3_reset(handle)
        // Every parameter is bound each time (the arrays are complete), so none is cleared first.
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(handle, index)
            case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
            case .text(let s): rc = bindText(index, s)
            }
            guard rc == SQLITE_OK else { throw database.failure("sqlite3_bind", rc) }
        }
    }

    /// Binds a text's UTF-8 bytes as they are: passing a `String` where C wants a `char *`
    /// made a NUL-terminated copy on the heap for each value (a rebuild binds 100 million).
    private func bindText(_ index: Int32, _ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            // An empty buffer may have no address, which SQLite would bind as NULL.
            guard let base = bytes.baseAddress else { return sqlite3_bind_text(handle, index, "", 0, SQLITE_TRANSIENT) }
            return sqlite3_bind_text(handle, index, base, Int32(bytes.count), SQLITE_TRANSIENT)
        }
    }

    /// A row being bound position by position, for bulk inserts: no array of values per row.
    /// `insert { row in row.text(...); row.integer(...) }` binds 1, 2, … in order, then steps.
    struct Row {
        let statement: SQLiteStatement
        /// The last position bound (the next is one more).
        var position: Int32 = 0
        var rc = SQLITE_OK
        /// Whether the row's first value was NULL (`RowBatch` would skip such a row).
        var startsWithNull = false
        private let start: Int32

        init(statement: SQLiteStatement, position: Int32 = 0) {
            self.statement = statement
            self.position = position
            start = position
        }

        mutating func text(_ value: String) { record(statement.bindText(advance(), value)) }
        mutating func integer(_ value: Int64) { record(sqlite3_bind_int64(statement.handle, advance(), value)) }
        mutating func text(_ value: String?) {
            guard let value else {
                let position = advance()
                if position == start + 1 { startsWithNull = true }
                return record(sqlite3_bind_null(statement.handle, position))
            }
            text(value)
        }
        /// A company id's text (nil: NULL), bound from its bytes: no string is made of it.
        mutating func company(_ id: CompanyID?) {
            guard let id else { return text(nil as String?) }
            let position = advance()
            // An id is never empty: its bytes have an address, never bound as NULL.
            record(
                id.withUTF8 {
                    sqlite3_bind_text(statement.handle, position, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT)
                }
            )
        }
        mutating func blob(_ bytes: [UInt8]) {
            let position = advance()
            record(
                bytes.withUnsafeBytes {
                    sqlite3_bind_blob(statement.handle, position, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT)
                }
            )
        }

        private mutating func advance() -> Int32 {
            position += 1
            return position
        }

        /// Keeps the first failure.
        private mutating func record(_ result: Int32) { if rc == SQLITE_OK { rc = result } }
    }

    /// Binds every parameter through `bind`, in order, and runs the statement (which returns no rows).
    func insert(_ bind: (inout Row) -> Void) throws(ProjectionError) {
        sqlite3_reset(handle)
        var row = Row(statement: self)
        bind(&row)
        guard row.rc == SQLITE_OK else { throw database.failure("sqlite3_bind", row.rc) }
        guard row.position == sqlite3_bind_parameter_count(handle) else {
            throw ProjectionError("\(row.position) values bound, not \(sqlite3_bind_parameter_count(handle))")
        }
        let rc = sqlite3_step(handle)
        guard rc == SQLITE_DONE else { throw database.failure("sqlite3_step", rc) }
    }

    /// Binds a named parameter (`:as_of`) if the statement has it.
    func bind(_ name: String, _ value: String) throws(ProjectionError) {
        let index = sqlite3_bind_parameter_index(handle, name)
        guard index > 0 else { return }
        let rc = sqlite3_bind_text(handle, index, value, -1, SQLITE_TRANSIENT)
        guard rc == SQLITE_OK else { throw database.failure("sqlite3_bind_text", rc) }
    }

    /// Runs a statement that returns no rows.
    func run(_ values: [Value]) throws(ProjectionError) {
        try bind(values)
        let rc = sqlite3_step(handle)
        guard rc == SQLITE_DONE else { throw database.failure("sqlite3_step", rc) }
    }

    /// Steps to the next row; false when done.
    func step() throws(ProjectionError) -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw database.failure("sqlite3_step", rc)
    }

    /// The first column of the next row, as text; nil when there is no row or it is NULL.
    func stepText() throws(ProjectionError) -> String? { try step() ? text(0) : nil }

    func text(_ column: Int32) -> String? {
        guard sqlite3_column_type(handle, column) != SQLITE_NULL, let pointer = sqlite3_column_text(handle, column)
        else {
            return nil
        }
        return String(cString: pointer)
    }

    func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    /// A blob column's bytes, valid until the next step.
    func rawBlob(_ column: Int32) -> UnsafeRawBufferPointer? {
        guard let pointer = sqlite3_column_blob(handle, column) else { return nil }
        return UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, column)))
    }

    /// A blob column's bytes, copied.
    func blob(_ column: Int32) -> [UInt8]? { rawBlob(column).map { Array($0) } }

    var columnNames: [String] {
        (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) }
    }
}

@available(*, unavailable)
extension SQLiteStatement: Sendable {}

/// `SQLITE_TRANSIENT`, which the C macro defines as a cast Swift cannot import.
let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
