/// A value that is not `Sendable` (the append index, a database connection) handed to the thread
/// of a `BackgroundWork`: the thread that hands it over does not touch it again until that work
/// has ended (`BackgroundWork.result`), so one thread at a time uses it (SQLite connections are
/// opened in its multi-thread mode, `SQLITE_OPEN_NOMUTEX`).
struct Handoff<T>: @unchecked Sendable {
    let value: T
}
