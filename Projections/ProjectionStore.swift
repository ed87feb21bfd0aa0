import CGlibc
import Foundation
import LedgerCore
import LedgerLog
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The SQLite projections of a ledger: rebuilt from nothing or caught up from their checkpoint,
/// never trusted silently.
public struct ProjectionStore: Sendable {
    /// The schema version `schema.sql` creates; a database of another version is rebuilt.
    public static let schemaVersion = 4

    public let directory: LedgerDirectory
    /// The database file (default `projections.sqlite` in the ledger directory).
    public let path: String

    public init(directory: LedgerDirectory, path: String? = nil) {
        self.directory = directory
        self.path = path ?? directory.path + "/projections.sqlite"
    }

    /// What bringing the projections up to date did.
    public enum Outcome: Hashable, Sendable {
        case upToDate(seq: Int)
        case updated(from: Int, to: Int, companies: Int)
        case rebuilt(seq: Int, reason: String)

        /// One sentence for the command to say.
        public var note: String? {
            switch self {
            case .upToDate: return nil
            case .updated(let from, let to, let companies):
                return "projections caught up from seq \(from) to \(to) (\(companies) companies recomputed)"
            case .rebuilt(let seq, let reason): return "projections rebuilt to seq \(seq): \(reason)"
            }
        }
    }

    // MARK: - Resources

    /// The text of a file under `Projections/` (bundled with the code).
    static func resource(_ name: String) throws(ProjectionError) -> String {
        guard let base = Bundle.module.resourceURL,
            let text = try? String(contentsOf: base.appendingPathComponent(name), encoding: .utf8)
        else { throw ProjectionError("cannot read the bundled \(name)") }
        return text
    }

    // MARK: - Rebuild and update

    /// Builds a new database from the whole log beside the old one and renames it over it, so a
    /// reader sees the old database or the new one, never a half-built one.
    ///
    /// A long log is folded in a few ranges of its companies (`CompanyRange`), each range folded
    /// and its rows written before the next is folded, so that the rebuild holds a part of the
    /// events and of their fold at a time: the log is read once, its events set aside by range
    /// (`EventSpill`; where they cannot be, it is read again for each range). At `hongkong`, six
    /// ranges peak near 400 MiB, where one piece peaks near 1,100, for some 0–20% more time
    /// (each range's writers wait for the slowest of them). Each range's rows come after the
    /// range before's in every table's key order, as each key begins with the company (or a seq,
    /// in tables copied whole at the end, which puts them in order).
    /// - Parameter history: the log, when the caller has read it (then folded in one piece).
    /// - Parameter progress: called with (fee rows written, fee rows in all), the requests' and the
    ///   money's; the timelines are written meanwhile on another thread. With several ranges, the
    ///   rows in all are estimated from those of the ranges folded so far.
    /// - Parameter unlessCurrent: return `.upToDate` instead when, once this rebuild's turn comes,
    ///   the database matches the log's head (another rebuild, waited for, made it).
    /// - Parameter ranges: in how many ranges of companies to fold the log (nil: one for each
    ///   `CompanyRange.logBytesPerRange` of it; 1: in one piece, the quickest, in the most memory).
    @discardableResult
    public func rebuild(
        history: LedgerHistory? = nil,
        reason: String = "rebuild requested",
        unlessCurrent: Bool = false,
        progress: ((Int, Int) -> Void)? = nil,
        ranges count: Int? = nil
    ) throws -> Outcome {
        // Before the log is read: two rebuilds at once would hold two folds.
        let lock = try RebuildLock(database: path, mode: directory.access.fileMode)
        defer { withExtendedLifetime(lock) {} }
        // A head that cannot be read quickly leaves the rebuild to read the log (and say what is wrong).
        if unlessCurrent, let head = (try? LogHead.quick(directory)) ?? nil, isCurrent(head) {
            return .upToDate(seq: head.seq)
        }
        let ranges = history == nil ? try companyRanges(count) : [.all]
        let temporary = path + ".new-\(getpid())"
        let seq: Int
        do {
            seq = try build(temporary, ranges: ranges, history: history, progress: progress)
        } catch is RangesDisagree {
            // A broken rule (never, in a ledger whose appends were judged) found by a range's fold,
            // or by R10 across ranges: the fold in one piece says which, or folds it after all.
            seq = try build(temporary, ranges: [.all], history: nil, progress: progress)
        }
        try ProjectionStore.fsyncFile(temporary)
        guard rename(temporary, path) == 0 else {
            throw ProjectionError("rename: \(String(cString: strerror(errno)))", file: path)
        }
        unlink(path + "-journal")
        try ProjectionStore.fsyncFile((path as NSString).deletingLastPathComponent)
        return .rebuilt(seq: seq, reason: reason)
    }

    /// The ranges of companies a rebuild folds the log in, one after another, each of about as
    /// many companies: `count`, or one for each `CompanyRange.logBytesPerRange` of the log.
    func companyRanges(_ count: Int?) throws -> [CompanyRange] {
        let count = try count ?? CompanyRange.count(forLogBytes: directory.logBytes())
        guard count > 1 else { return [.all] }
        return CompanyRange.split(try companies(), into: count)
    }

    /// Every company the log names: from the append index when it is at the log's head (one
    /// query), else from a read of the log (every line read and checked, as a load reads them).
    func companies() throws -> [CompanyID] {
        if let head = (try? LogHead.quick(directory)) ?? nil {
            let index = EventIndex()
            if index.openForReading(directory, head: head) {
                defer { index.closeReading() }
                if let all = try? index.companies() { return all }
            }
        }
        return Array(try LedgerHistory.companies(directory))
    }

    /// Thrown by `build` when the ranges' folds find a broken rule or R10 does not hold.
    private struct RangesDisagree: Error {}

    /// Writes the database at `temporary`, range by range: the events of `history` when given,
    /// else those read from the log (`LedgerHistory.loadFolded`), used up as they are folded.
    /// - Returns: the seq of the checkpoint, the log's head.
    /// - Throws: `RangesDisagree` (with several ranges), having removed the file.
    private func build(
        _ temporary: String,
        ranges: [CompanyRange],
        history: LedgerHistory?,
        progress: ((Int, Int) -> Void)?
    ) throws -> Int {
        let timelines = temporary + "-timelines"
        let money = temporary + "-money"
        defer { for file in [timelines, money] { unlink(file) } }
        do {
            let mode = directory.access.fileMode
            // The timelines and the money applied to the requests are written on other threads
            // into files of their own while the fee requests are written here, then each copied in
            // whole: SQLite copies a table into an empty one of the same shape record by record,
            // without taking the records apart, and fills its pages as it goes (written row by row
            // they are left about an eighth empty: 24 MiB of `fee_payments` at `hongkong`). The fee
            // requests stay here: SQLite does not copy a `WITHOUT ROWID` table with a generated column.
            let db = try ProjectionStore.create(temporary, mode: mode)
            let timelinesDB = try ProjectionStore.create(timelines, mode: mode)
            let moneyDB = try ProjectionStore.create(money, mode: mode)
            var head: (seq: Int, hash: String) = (0, SHA256Hex.zero)
            var rowsBefore = 0
            var written = 0
            // One range's rows, after the range before's.
            func write(_ folded: LedgerHistory.Folded) throws {
                head = (folded.count, folded.headHash)
                let histories = folded.fold.histories
                // The blocks the events and grouping freed, some 200 MB at `hongkong` in one piece,
                // given back before the writers take their own: kept, the writing held more than
                // the read at its peak.
                HeapSettings.trimFreeHeap()
                let rows = ProjectionRows.feeRows(histories)
                let (k, last) = (written, written + 1 == ranges.count)
                try ProjectionStore.write(
                    histories,
                    rows: rows,
                    requests: db,
                    timelines: timelinesDB,
                    money: moneyDB,
                    path: temporary,
                    progress: { done in progress?(rowsBefore + done, rowsBefore + rows.all * (ranges.count - k)) },
                    whileMoneyIsWritten: {
                        guard last else { return }
                        try ProjectionStore.copy(ProjectionRows.timelineTables, from: timelines, into: db)
                    }
                )
                rowsBefore += rows.all
                written += 1
            }
            if ranges.count > 1 {
                guard try LedgerHistory.loadFolded(directory, ranges: ranges, each: write) == .all else {
                    throw RangesDisagree()
                }
            } else {
                // Read and folded in less memory, the events used up, when no history is at hand.
                let folded = try history?.folded(notes: false) ?? LedgerHistory.loadFolded(directory, notes: false)
                try write(folded)
                // Freed while the file is synced, or never, if the process exits first.
                BackgroundRelease.release(folded)
            }
            try ProjectionStore.copy(ProjectionRows.moneyTables, from: money, into: db)
            try db.transaction { try ProjectionStore.writeCheckpoint(db, seq: head.seq, hash: head.hash) }
            progress?(rowsBefore, rowsBefore)
            if let history { BackgroundRelease.release(history) }
            return head.seq
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Writes `histories` (one range of companies, after those written before): the fee
    /// requests into `requests` here, the timelines and the money into theirs on other threads,
    /// each in a transaction of its own.
    /// - Parameter rows: `ProjectionRows.feeRows(histories)`.
    /// - Parameter path: the file of `requests`, which is asked now and then to go to the disk.
    /// - Parameter progress: called with the fee rows written.
    /// - Parameter whileMoneyIsWritten: called here once the requests and the timelines are
    ///   written (the last range's timelines are copied while the money may still be written).
    static func write(
        _ histories: [CompanyHistory],
        rows: (requests: Int, all: Int),
        requests db: SQLiteDatabase,
        timelines: SQLiteDatabase,
        money: SQLiteDatabase,
        path: String,
        progress: (Int) -> Void,
        whileMoneyIsWritten: () throws -> Void
    ) throws {
        let (timelines, money) = (Handoff(value: timelines), Handoff(value: money))
        let timelineTables = BackgroundWork {
            try timelines.value.transaction { try ProjectionRows(timelines.value).insertTimelines(histories) }
        }
        let moneyRows = RowCount()
        let moneyTables = BackgroundWork {
            try money.value.transaction {
                try ProjectionRows(money.value).insertMoney(histories) { moneyRows.set($0) }
            }
        }
        // Each work waited for once, whatever fails.
        let requests = Result {
            // The rows go to the disk as they are written, not all in the final fsync.
            var reports = 0
            try withoutActuallyEscaping(progress) { progress in
                try db.transaction {
                    try ProjectionRows(db).insertRequests(histories) { done in
                        progress(done + moneyRows.value)
                        reports += 1
                        if reports % 32 == 0 { ProjectionStore.startWriteback(path) }
                    }
                }
            }
        }
        let timelinesWritten = Result { try timelineTables.result() }
        let copied = Result {
            try requests.get()
            try timelinesWritten.get()
            try whileMoneyIsWritten()
        }
        while !moneyTables.hasEnded(within: 0.1) { progress(rows.requests + moneyRows.value) }
        let moneyWritten = Result { try moneyTables.result() }
        try copied.get()
        try moneyWritten.get()
    }

    /// A new database file with the schema, for a rebuild: not in use until renamed, so no
    /// journal and no syncs (one fsync at the end).
    static func create(_ path: String, mode: UInt32) throws -> SQLiteDatabase {
        let db = try SQLiteDatabase(path: path, createWithMode: mode)
        // Every table is written in its key's order, at the right edge of its B-tree, so a small
        // page cache does: 8 MiB used again and again, where 64 MiB were fresh pages each
        // (`hongkong` rebuild median 49.0 -> 44.3 s over four alternations, peak
        // 60-80 MB lower, the same database).
        try db.execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -8192")
        try db.execute(try ProjectionStore.resource("schema.sql"))
        return db
    }

    /// Copies `tables` whole from the database file `source` (of this schema) into `db`'s empty
    /// ones, in one transaction.
    static func copy(_ tables: [String], from source: String, into db: SQLiteDatabase) throws {
        try db.prepare("ATTACH DATABASE ? AS source").run([.text(source)])
        try db.transaction {
            for table in tables { try db.execute("INSERT INTO main.\(table) SELECT * FROM source.\(table)") }
        }
        try db.execute("DETACH DATABASE source")
    }

    /// A count of rows one thread writes and another reports.
    private final class RowCount: Sendable {
        private let count = Atomic<Int>(0)
        var value: Int { count.load(ordering: .relaxed) }
        func set(_ value: Int) { count.store(value, ordering: .relaxed) }
    }

    /// Brings the database up to date: rebuilds it when missing, unreadable, of another schema
    /// version or not matching the log; otherwise recomputes the companies the new events touch,
    /// rows and checkpoint in one transaction.
    /// - Parameter head: the log's head from `LogHead.quick`, when the caller has read it already.
    @discardableResult
    public func update(history: LedgerHistory? = nil, head known: LogHead? = nil) throws -> Outcome {
        // Up to date with the log's head, read from its last trailer, or caught up from the
        // append index: no replay at all.
        if history == nil, let head = known ?? (try? LogHead.quick(directory)) ?? nil,
            let outcome = try updateWithoutReplay(head: head)
        {
            return outcome
        }
        guard FileManager.default.fileExists(atPath: path) else {
            // With no history at hand, the rebuild reads the log and uses its events up as it folds.
            return try rebuild(
                history: history,
                reason: "\((path as NSString).lastPathComponent) was missing",
                unlessCurrent: true
            )
        }
        let history = try history ?? LedgerHistory.load(directory)
        let checked: (db: SQLiteDatabase, seq: Int)
        switch check(history) {
        case .failure(let problem): return try rebuild(history: history, reason: problem.reason, unlessCurrent: true)
        case .success(let result): checked = result
        }
        let head = history.count
        if checked.seq == head { return .upToDate(seq: head) }
        let db = checked.db
        let fold = try history.fold(notes: false)
        return try db.transaction { () throws -> Outcome in
            // Another reader may have caught up while this one waited for the lock.
            let (seq, _) = try ProjectionStore.readCheckpoint(db)
            if seq == head { return .upToDate(seq: head) }
            let affected = ProjectionStore.affectedCompanies(history.events, from: seq, fold: fold)
            try ProjectionStore.rewrite(
                db,
                affected,
                from: fold,
                checkpoint: (head, history.hash(atCommitEnding: head) ?? SHA256Hex.zero)
            )
            return .updated(from: seq, to: head, companies: affected.count)
        }
    }

    /// `update` when it needs no replay of the log: the database is at `head`, or catches up
    /// from the append index. Nil when it would need one (the database missing, untrusted, or
    /// not to be caught up from the index).
    public func updateWithoutReplay(head: LogHead) throws -> Outcome? {
        if isCurrent(head) { return .upToDate(seq: head.seq) }
        return try catchUpFromIndex(head: head)
    }

    /// Catches up from the append index, with no replay: the events after the checkpoint name the
    /// companies to recompute, and the index gives the events their histories need (see
    /// `EventIndex.events(concerning:)`), folded for them alone. Nil when this cannot be done
    /// safely (no trusted database, an index not at `head`, a checkpoint not on the log, an index
    /// round or a schedule among the new events, which concern everyone): the caller replays.
    func catchUpFromIndex(head: LogHead) throws -> Outcome? {
        guard let (db, checkpoint) = try? openChecked().get(), checkpoint.seq < head.seq else { return nil }
        let index = EventIndex()
        guard index.openForReading(directory, head: head) else { return nil }
        defer { index.closeReading() }
        if checkpoint.seq > 0 {
            guard let line = try index.line(at: checkpoint.seq), SHA256Hex.of(line) == checkpoint.hash else {
                return nil
            }
        }
        var affected: Set<String> = []
        for (item, company) in try index.events(after: checkpoint.seq) {
            // A schedule changes no stored amount; a round (or a reversal of one) concerns everyone.
            if item.event.type == .feeScheduleSet { continue }
            guard let company else { return nil }
            affected.insert(company)
        }
        let companies = Set(affected.compactMap(CompanyID.init))
        let fold = try MembershipFold.fold(try index.events(concerning: affected), judging: companies, notes: false)
        return try db.transaction { () throws -> Outcome in
            guard try ProjectionStore.readCheckpoint(db).seq == checkpoint.seq else { return .upToDate(seq: head.seq) }
            try ProjectionStore.rewrite(db, companies, from: fold, checkpoint: (head.seq, head.hashHex))
            return .updated(from: checkpoint.seq, to: head.seq, companies: companies.count)
        }
    }

    /// Replaces the rows of `companies` with their histories in `fold` and moves the checkpoint,
    /// inside the caller's transaction.
    static func rewrite(
        _ db: SQLiteDatabase,
        _ companies: Set<CompanyID>,
        from fold: MembershipFold,
        checkpoint: (seq: Int, hash: String)
    ) throws {
        let rows = try ProjectionRows(db)
        for company in companies.sorted() {
            // The rows still to be flushed are other companies': this delete leaves them be.
            try rows.delete(company)
            if let companyHistory = fold.history(of: company) { try rows.insert(companyHistory) }
        }
        try rows.flush()
        // The rows written and not committed.
        FaultInjection.point("project-before-commit")
        try writeCheckpoint(db, seq: checkpoint.seq, hash: checkpoint.hash)
    }

    /// Whether the database is of this schema and its checkpoint is exactly `head` (seq and hash).
    public func isCurrent(_ head: LogHead) -> Bool {
        guard let (_, checkpoint) = try? openChecked().get() else { return false }
        return checkpoint.seq == head.seq && (head.seq == 0 || checkpoint.hash == head.hashHex)
    }

    /// The database opened, when it can be read and is of this schema version, and its checkpoint.
    func openChecked() -> Result<(db: SQLiteDatabase, checkpoint: (seq: Int, hash: String?)), ProjectionError> {
        guard FileManager.default.fileExists(atPath: path) else {
            return .failure(ProjectionError("\((path as NSString).lastPathComponent) is missing"))
        }
        let db: SQLiteDatabase
        let version: String?
        let checkpoint: (seq: Int, hash: String?)
        do {
            db = try SQLiteDatabase(path: path)
            version = try db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").stepText()
            checkpoint = try ProjectionStore.readCheckpoint(db)
        } catch {
            return .failure(ProjectionError("\((path as NSString).lastPathComponent) could not be read (\(error))"))
        }
        guard version == String(ProjectionStore.schemaVersion) else {
            return .failure(
                ProjectionError(
                    "the database has schema version \(version ?? "none"), not \(ProjectionStore.schemaVersion)"
                )
            )
        }
        return .success((db, checkpoint))
    }

    /// The open database and its checkpoint, or why it cannot be trusted.
    func check(_ history: LedgerHistory) -> Result<(db: SQLiteDatabase, seq: Int), ProjectionError> {
        let db: SQLiteDatabase
        let (seq, hash): (Int, String?)
        switch openChecked() {
        case .failure(let problem): return .failure(problem)
        case .success(let (opened, checkpoint)): (db, seq, hash) = (opened, checkpoint.seq, checkpoint.hash)
        }
        guard seq <= history.count else {
            return .failure(
                ProjectionError("its checkpoint seq \(seq) is past the log's head \(history.count)")
            )
        }
        if hash != history.hash(atCommitEnding: seq) {
            return .failure(ProjectionError("its checkpoint hash at seq \(seq) does not match the log"))
        }
        return .success((db, seq))
    }

    /// The companies whose rows the records after `seq` can change.
    static func affectedCompanies(_ records: [SequencedEvent], from seq: Int, fold: MembershipFold) -> Set<CompanyID> {
        var affected: Set<CompanyID> = []
        var everyone = false
        for record in records[seq...] {
            var event = record.event
            if case .eventReversed(let target, _) = event.body, target >= 1, target <= records.count {
                event = records[target - 1].event
            }
            if let company = event.company {
                affected.insert(company)
            } else if event.type == .indexRoundRecorded {
                everyone = true  // A round changes the count of every member (R20).
            }
            // A schedule changes no stored amount: requests store theirs (R15).
        }
        if everyone { affected.formUnion(fold.histories.map(\.company)) }
        return affected
    }

    static func readCheckpoint(_ db: SQLiteDatabase) throws(ProjectionError) -> (seq: Int, hash: String?) {
        let statement = try db.prepare("SELECT key, value FROM meta WHERE key IN ('checkpoint_seq', 'checkpoint_hash')")
        var seq: Int?
        var hash: String?
        while try statement.step() {
            if statement.text(0) == "checkpoint_seq" { seq = statement.text(1).flatMap { Int($0) } }
            if statement.text(0) == "checkpoint_hash" { hash = statement.text(1) }
        }
        guard let seq else { throw ProjectionError("no checkpoint", file: db.path) }
        return (seq, hash)
    }

    /// Records the log's head (always the end of a commit) as the checkpoint.
    static func writeCheckpoint(_ db: SQLiteDatabase, seq: Int, hash: String) throws(ProjectionError) {
        let statement = try db.prepare("INSERT OR REPLACE INTO meta VALUES (?, ?)")
        try statement.run([.text("schema_version"), .text(String(schemaVersion))])
        try statement.run([.text("checkpoint_seq"), .text(String(seq))])
        try statement.run([.text("checkpoint_hash"), .text(hash)])
    }

    /// Asks the kernel to begin writing a file's pages to the disk now, without waiting: a later
    /// `fsyncFile` then has less left to write. Only a hint; nothing fails if it does not work.
    static func startWriteback(_ path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = ledger_sync_file_range(fd, 0, 0, UInt32(LEDGER_SYNC_FILE_RANGE_WRITE))
    }

    static func fsyncFile(_ path: String) throws(ProjectionError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ProjectionError("open: \(String(cString: strerror(errno)))", file: path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw ProjectionError("fsync: \(String(cString: strerror(errno)))", file: path) }
    }
}
