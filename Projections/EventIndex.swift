import CSQLite
import Foundation
import LedgerCore
import LedgerLog

/// The append index (`index.sqlite` in the ledger directory): every stored line by seq, company
/// and id, and who recommends whom, so that an append folds only the companies it concerns.
///
/// Derived from the log and never trusted blindly: on open its head (seq and hash) must be the
/// log's, or it is caught up from the log (when behind and chained to it) or rebuilt.
public final class EventIndex: AppendHistory {
    /// The index's schema version; another one is rebuilt.
    static let version = "4"
    static let schema = """
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS events (
            seq     INTEGER PRIMARY KEY,
            company TEXT,            -- the company it concerns (a reversal: its target's); NULL: everyone's
            id_key  INTEGER NOT NULL, -- the id's halves XORed: the line holds the whole id
            line    BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS events_by_company ON events (company);
        CREATE INDEX IF NOT EXISTS events_by_id ON events (id_key);
        CREATE TABLE IF NOT EXISTS recommendations (recommender TEXT NOT NULL, company TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS recommendations_by_recommender ON recommendations (recommender);
        CREATE INDEX IF NOT EXISTS recommendations_by_company ON recommendations (company);
        -- Index rounds apart from their (long) lists: an append needs only its companies' inclusions.
        CREATE TABLE IF NOT EXISTS rounds (seq INTEGER PRIMARY KEY, "on" TEXT NOT NULL, label TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS inclusions (company TEXT NOT NULL, seq INTEGER NOT NULL);
        -- Every company named, to weigh a batch's companies against all of them. Rows are never
        -- deleted, so the largest rowid counts them without a scan.
        CREATE TABLE IF NOT EXISTS companies (company TEXT NOT NULL UNIQUE);
        CREATE INDEX IF NOT EXISTS inclusions_by_company ON inclusions (company);
        """

    private var db: SQLiteDatabase?
    private var directory: LedgerDirectory?
    /// What opening found and did, for tests and notes.
    public private(set) var lastOpen = ""
    /// The events indexed once opened: the log's head seq.
    private var indexedEvents = 0

    /// A batch naming at least this share of the companies reads every stored event in one pass
    /// instead of querying company by company (0: always; above 1: never).
    let onePassShare: Double

    /// How many lines a catch-up (or rebuild) reads and decodes, on every core, before handing
    /// them to the rows.
    let catchUpChunk: Int

    /// Told, before the index of a log that holds events is made again, why: a rebuild reads the
    /// whole log (about 90 s at `hongkong`), which a person waiting for an append should know.
    let notice: ((String) -> Void)?

    /// An index file larger than this is rebuilt in a new file, a smaller one emptied in place
    /// (see `rebuild`).
    let newFileFromBytes: Int

    /// - Parameter notice: told why, before the index of a log holding events is rebuilt.
    public init(
        onePassShare: Double = 0.25,
        catchUpChunk: Int = 65_536,
        newFileFromBytes: Int = 1 << 20,
        notice: ((String) -> Void)? = nil
    ) {
        self.onePassShare = onePassShare
        self.catchUpChunk = catchUpChunk
        self.newFileFromBytes = newFileFromBytes
        self.notice = notice
    }

    public func open(_ directory: LedgerDirectory, head: LogHead) throws {
        self.directory = directory
        let meta: (version: String?, seq: Int, hash: String)
        var damage: String?
        do {
            meta = try connect()
        } catch let error as ProjectionError where error.code.map(EventIndex.isDamage) ?? false {
            // Derived data that cannot be read is made again from the log, never a reason to refuse.
            // (A full disk or an I/O error is not damage: the index is kept and the append refused.)
            meta = try recreate()
            damage = "it could not be read (\(error))"
        }
        if let reason = damage ?? EventIndex.mismatch(meta, head: head) {
            try rebuild(to: head, because: reason)
        } else if meta.seq < head.seq {
            do {
                try catchUp(after: meta.seq, hash: meta.hash, to: head)
                try foldBackWAL()
                lastOpen = "caught up"
            } catch is IndexMismatch {
                try rebuild(to: head, because: "it does not chain to the log after seq \(meta.seq)")
            }
        } else {
            lastOpen = "current"
        }
        indexedEvents = head.seq
    }

    struct IndexMismatch: Error {}

    /// Why an index whose meta says `meta` cannot serve a log at `head` and is rebuilt; nil when
    /// it can (current, or behind and to be caught up).
    static func mismatch(_ meta: (version: String?, seq: Int, hash: String), head: LogHead) -> String? {
        switch meta.version {
        case nil: return "it was missing"
        case let version? where version != EventIndex.version:
            return "it is of version \(version), and this ledger keeps version \(EventIndex.version)"
        default: break
        }
        if meta.seq > head.seq { return "it is ahead of the log (seq \(meta.seq), the log's head \(head.seq))" }
        if meta.seq == head.seq && meta.hash != head.hashHex { return "its head's hash is not the log's" }
        return nil
    }

    /// Whether an SQLite result code says the file is damaged or not a database.
    static func isDamage(_ code: Int32) -> Bool {
        let primary = code & 0xFF
        return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB || primary == SQLITE_ERROR
    }

    /// A batch of at least this many lines (an import, a catch-up) is indexed without the WAL
    /// when no one else has the index open (`SQLiteDatabase.withDirectWrites`).
    static let directWriteLines = 2_000

    /// Whether a batch of `batch` lines, on an index of `indexed` events, makes the secondary
    /// indexes again after its rows instead of inserting into them row by row: when it is large
    /// and brings at least as many events as there are (an import into a new ledger), one sort of
    /// all the keys costs less than as many B-tree inserts at random places.
    static func defersIndexes(batch: Int, indexed: Int) -> Bool {
        batch >= directWriteLines && batch >= indexed
    }

    /// The WAL size past which the index checkpoints and truncates it. Small, because
    /// each process is the index's first connection and so reads the whole WAL back (SQLite's
    /// recovery): 4 MiB cost an append ~4 ms, while a checkpoint every ~12 appends (two fsyncs)
    /// costs each ~0.2 ms.
    static let walLimit = 256 << 10

    /// The index's database file, in the ledger's directory.
    private var file: String { directory!.path + "/index.sqlite" }

    /// Opens (creating) the index and reads its head.
    private func connect() throws -> (version: String?, seq: Int, hash: String) {
        let db = try SQLiteDatabase(path: file, createWithMode: directory!.access.fileMode)
        self.db = db
        // Derived data, checked against the log head under the writer lock: a commit lost to a
        // power cut is caught up from the log, so commits need no fsync (NORMAL) and an append's
        // process leaves the WAL for the next one instead of checkpointing it at exit.
        // A batch import inserts rows at random places in the id and company indexes: a 64 MiB
        // page cache (a bound, not an allocation) keeps them from spilling page by page.
        try db.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536")
        let rc = ledger_sqlite3_keep_wal_on_close(db.handle)
        guard rc == SQLITE_OK else { throw db.failure("sqlite3_db_config", rc) }
        try foldBackWAL()
        try db.execute(EventIndex.schema)
        return try readMeta()
    }

    /// Each process reads the index before it writes, which keeps SQLite from restarting the WAL
    /// at its start: it would grow for ever. Past `walLimit`, this folds it back into the database
    /// and truncates it (waiting for no one: busy readers just defer it). Called before the first
    /// read, and by the process that grew it, so that the next one does not read it all back.
    private func foldBackWAL() throws {
        if FileIO.size(file + "-wal") > EventIndex.walLimit {
            try db!.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// Makes the index again from the whole log, straight into the database file when no one
    /// else has it open (through the WAL every page is written twice: 470 MB for 590,000 events).
    private func rebuild(to head: LogHead, because reason: String) throws {
        if head.seq > 0 {
            notice?("rebuilding the append index (index.sqlite) from the log's \(head.seq) events: \(reason)")
        }
        // An index that holds rows is made again in a new file: dropping its tables first copied
        // every page of them into the rollback journal (for `hongkong`'s 8 GB index, a journal of
        // over 5 GB after ten minutes, at the disk's speed). A small one (a new ledger's, made
        // empty on opening) is emptied in place, without a new file's syncs.
        if FileIO.size(file) > newFileFromBytes { _ = try recreate() }
        guard head.seq > 0 else {
            // An empty log (a new ledger's first append): no lines to read, and no direct writes
            // to switch to and back from, whose commit syncs the file and its directory.
            try db!.transaction {
                try reset()
                try writeHead(seq: 0, hash: SHA256Hex.zero)
            }
            lastOpen = "rebuilt"
            return
        }
        try db!.withDirectWrites {
            try reset()
            // Outside the rows' transaction: an index not made again yet is made on the next open
            // (the schema's CREATE INDEX IF NOT EXISTS).
            try db!.withIndexesDeferred { try catchUp(after: 0, hash: SHA256Hex.zero, to: head) }
        }
        lastOpen = "rebuilt"
    }

    /// Removes the index's files (a hot journal of the old one too) and opens it again, new.
    private func recreate() throws -> (version: String?, seq: Int, hash: String) {
        db = nil
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: file + suffix) }
        return try connect()
    }

    private func readMeta() throws -> (version: String?, seq: Int, hash: String) {
        let statement = try db!.prepare("SELECT key, value FROM meta")
        var values: [String: String] = [:]
        while try statement.step() { values[statement.text(0) ?? ""] = statement.text(1) }
        return (values["version"], values["head_seq"].flatMap { Int($0) } ?? 0, values["head_hash"] ?? SHA256Hex.zero)
    }

    private func reset() throws {
        try db!.execute(
            "DROP TABLE IF EXISTS events; DROP TABLE IF EXISTS recommendations; DROP TABLE IF EXISTS rounds; "
                + "DROP TABLE IF EXISTS inclusions; DROP TABLE IF EXISTS companies; DELETE FROM meta"
        )
        try db!.execute(EventIndex.schema)
    }

    /// Adds the log's lines after `seq`, whose first must chain to `hash`. They are read and
    /// decoded on other threads, `catchUpChunk` at a time, while their rows are written here: read
    /// whole first, the lines and their events of a rebuild of `hongkong` peaked at 9.3 GB.
    private func catchUp(after seq: Int, hash: String, to head: LogHead) throws {
        let feed = LineFeed(count: head.seq - seq, waitingAtMost: 2)
        let (directory, chunk) = (directory!, catchUpChunk)
        let reading = BackgroundWork {
            do {
                var lines: [[UInt8]] = []
                func send() throws {
                    let logged = try LedgerHistory.decode(lines: lines)
                    guard feed.send(LineFeed.Chunk(lines: lines[...], logged: logged[...])) else {
                        throw LineFeedCancelled()
                    }
                    lines = []
                }
                try LogReader(directory).forEachLine(from: seq + 1) { lineSeq, line in
                    if lineSeq == seq + 1 && seq > 0 {
                        guard try StoredRecord.decode(line: Array(line)).prev == hash else { throw IndexMismatch() }
                    }
                    lines.append(Array(line))
                    if lines.count == chunk { try send() }
                }
                if !lines.isEmpty { try send() }
                feed.close(seq: head.seq, hash: head.hashHex)
            } catch {
                feed.cancel()
                throw error
            }
        }
        do {
            try insert(feed)
        } catch {
            // The reader's error first, when it is what ended the feed (the log, a mismatch).
            feed.cancel()
            if case .failure(let failure) = Result(catching: { try reading.result() }),
                !(failure is LineFeedCancelled)
            {
                throw failure
            }
            throw error
        }
        try reading.result()
    }

    /// Indexes the stored lines of `feed` as they come and records the head they make (seq and
    /// hash of the last), in one transaction, committed once `beforeCommit` returns; a feed
    /// that is cancelled leaves nothing.
    /// - Parameter deferringIndexes: the secondary indexes are dropped and made again after the
    ///   rows, inside the transaction (`SQLiteDatabase.withIndexesDeferred`).
    private func insert(
        _ feed: LineFeed,
        deferringIndexes: Bool = false,
        beforeCommit: () throws -> Void = {}
    ) throws {
        try db!.withDirectWrites(when: feed.count >= EventIndex.directWriteLines) {
            try db!.transaction {
                try db!.withIndexesDeferred(deferringIndexes) { try insertRows(feed) }
                guard let head = feed.finalHead else { throw LineFeedCancelled() }
                try beforeCommit()
                // The lines durable in the log, their rows written and not committed.
                FaultInjection.point("index-before-commit")
                try writeHead(seq: head.seq, hash: head.hash)
            }
        }
    }

    /// Records the index's version and the head (seq and hash of the last line) it holds.
    private func writeHead(seq: Int, hash: String) throws {
        let meta = try db!.prepare("INSERT OR REPLACE INTO meta VALUES (?, ?)")
        try meta.run([.text("version"), .text(EventIndex.version)])
        try meta.run([.text("head_seq"), .text(String(seq))])
        try meta.run([.text("head_hash"), .text(hash)])
    }

    /// The rows of the lines `feed` brings, until it ends.
    private func insertRows(_ feed: LineFeed) throws {
        // Many rows to a statement: one each, a 100,000-event import's rows took some 40 ms more.
        let insertEvent = try RowBatch(db!, into: "events", columns: 4, expected: feed.count)
        let insertCitation = try db!.prepare("INSERT INTO recommendations VALUES (?, ?)")
        let insertRound = try db!.prepare("INSERT INTO rounds VALUES (?, ?, ?)")
        let insertInclusion = try db!.prepare("INSERT INTO inclusions VALUES (?, ?)")
        let companyOfSeq = try companyOfSeq()
        // Each company once: most of a batch's events name a company named before.
        var named: Set<CompanyID> = []
        while let chunk = feed.next() {
            // Events read where the chunk holds them: a copy of each retained and released all it
            // holds, on this thread and the chaining one at once.
            try chunk.logged.withUnsafeBufferPointer { logged throws in
                for (k, line) in zip(logged.indices, chunk.lines) {
                    let (seq, event) = (logged[k].seq, logged.baseAddress! + k)
                    var company: CompanyID? = event.pointee.event.company
                    if case .eventReversed(let target, _) = event.pointee.event.body {
                        // The target may be among the rows bound and not yet inserted: those just
                        // before this one, in seq order (most reversals reach further back).
                        if target >= seq - insertEvent.pending { try insertEvent.flush() }
                        company = try companyOfSeq(target).flatMap(CompanyID.init)
                    }
                    if let id = event.pointee.event.company { named.insert(id) }
                    if case .recommendationReceived(let recommender) = event.pointee.event.body, let company {
                        try insertCitation.insert { row in
                            row.company(recommender)
                            row.company(company)
                        }
                    }
                    if case .indexRoundRecorded(let label, let included) = event.pointee.event.body {
                        try insertRound.insert { row in
                            row.integer(Int64(seq))
                            row.text(event.pointee.event.on.description)
                            row.text(label)
                        }
                        for member in included {
                            try insertInclusion.insert { row in
                                row.company(member)
                                row.integer(Int64(seq))
                            }
                        }
                    }
                    try insertEvent.insert { row in
                        row.integer(Int64(seq))
                        row.company(company)
                        row.integer(EventIndex.key(event.pointee.id))
                        row.blob(line)
                    }
                }
            }
        }
        try insertEvent.flush()
        // The companies after the rows, in id order and many to a statement: one statement a
        // company, each put at its place among the unique index's keys as it came, took a batch
        // import's index 29 ms for 21,560 companies.
        guard !named.isEmpty else { return }
        let insertCompany = try RowBatch(db!, into: "companies", columns: 1, expected: named.count, orIgnore: true)
        for id in named.sorted() { try insertCompany.insert { $0.company(id) } }
        try insertCompany.flush()
    }

    /// A lookup of the company a stored event concerns, by its seq (a reversal: its target's; nil
    /// for everyone's or none), with one statement prepared for every lookup (prepared for each,
    /// a rebuild of `hongkong` prepared it once a reversal).
    private func companyOfSeq() throws -> (_ seq: Int) throws -> String? {
        let statement = try db!.prepare("SELECT company FROM events WHERE seq = ?")
        return { seq in
            try statement.bind([.integer(Int64(seq))])
            // Left active, it would hold a cursor on the table the rows go into.
            defer { statement.reset() }
            return try statement.stepText()
        }
    }

    public func storedRecords(ids: Set<String>) throws -> [String: StoredRecord] {
        guard let db, !ids.isEmpty else { return [:] }
        let statement = try db.prepare("SELECT line FROM events WHERE id_key = ?")
        var found: [String: StoredRecord] = [:]
        for id in ids {
            guard let key = EventID(stored: id).map(EventIndex.key) else { continue }
            try statement.bind([.integer(key)])
            // Ids that share their first 64 bits are told apart by the whole id in the line.
            while try statement.step() {
                guard let line = statement.blob(0) else { continue }
                let record = try StoredRecord.decode(line: line)
                if record.id == id { found[id] = record }
            }
        }
        return found
    }

    /// The indexed part of an id, an 8-byte key instead of a 36-character text: its two halves
    /// XORed. Not one half alone: the first of a commit's new ids (version 7) is the same
    /// millisecond and counter top for all of them, and the second of version 1 ids is the same
    /// clock sequence and node for all of a client's (version 3 of this index keyed the first).
    static func key(_ id: EventID) -> Int64 { Int64(bitPattern: id.high ^ id.low) }

    public func events(judging fresh: [SequencedEvent]) throws -> StoredEvents {
        guard db != nil else { return .held([], judged: nil) }
        // The companies whose histories the new events change.
        var changed: Set<String> = []
        var recommenders: Set<String> = []
        let companyOfSeq = try companyOfSeq()
        for item in fresh {
            if case .eventReversed(let target, _) = item.event.body {
                guard let company = try companyOfSeq(target) else {
                    // A reversal of an event concerning everyone (or of nothing): judge it all.
                    return .wholeLog
                }
                changed.insert(company)
            } else if let company = item.event.company {
                changed.insert(company.rawValue)
                if case .recommendationReceived(let recommender) = item.event.body {
                    recommenders.insert(recommender.rawValue)
                }
            } else {
                return .wholeLog  // A schedule or an index round concerns everyone.
            }
        }
        // A batch naming many of the companies (the April fee requests to every member) reads
        // every stored event in one pass, cheaper than four queries per company (and read from
        // the log, whose segments decode on every core faster than the index gives its lines
        // back: 19 s at `hongkong`), and is judged
        // with the whole history: the stored events hold the rules, so only the batch's can break
        // one, as when its companies alone are judged.
        let companies = try db!.prepare("SELECT coalesce(max(rowid), 0) FROM companies")
        if try companies.step(), Double(changed.count) >= onePassShare * Double(companies.integer(0)) {
            return .wholeLog
        }
        return .held(
            try events(concerning: changed, recommenders: recommenders),
            judged: Set(changed.compactMap(CompanyID.init))
        )
    }

    /// The stored events a fold needs for the histories of `changed`: theirs, their recommenders'
    /// (R10 reads their status) and those of the companies they recommended, schedules, and every
    /// round with only these companies' inclusions (R11, R20 count rounds, not other members).
    func events(concerning changed: Set<String>, recommenders: Set<String> = []) throws -> [SequencedEvent] {
        guard let db else { return [] }
        // Their recommenders (R10 reads their status), and the companies they recommended.
        var concerned = changed.union(recommenders)
        let cited = try db.prepare("SELECT recommender FROM recommendations WHERE company = ?")
        let citing = try db.prepare("SELECT company FROM recommendations WHERE recommender = ?")
        for company in changed {
            for statement in [cited, citing] {
                try statement.bind([.text(company)])
                while try statement.step() { if let other = statement.text(0) { concerned.insert(other) } }
            }
        }
        var events: [SequencedEvent] = []
        let byCompany = try db.prepare("SELECT line FROM events WHERE company = ? ORDER BY seq")
        let inclusions = try db.prepare("SELECT seq FROM inclusions WHERE company = ?")
        var included: [Int: [CompanyID]] = [:]
        for company in concerned {
            try byCompany.bind([.text(company)])
            try read(byCompany, into: &events)
            try inclusions.bind([.text(company)])
            while try inclusions.step() {
                included[Int(inclusions.integer(0)), default: []].append(CompanyID(company)!)
            }
        }
        // Schedules and reversals of them as stored; rounds with only the concerned companies' inclusions.
        try read(
            try db.prepare(
                "SELECT line FROM events WHERE company IS NULL AND seq NOT IN (SELECT seq FROM rounds) ORDER BY seq"
            ),
            into: &events
        )
        let rounds = try db.prepare("SELECT seq, \"on\", label FROM rounds ORDER BY seq")
        while try rounds.step() {
            let seq = Int(rounds.integer(0))
            guard let on = rounds.text(1).flatMap(Day.init), let label = rounds.text(2) else {
                throw ProjectionError("an index round does not read back from the index")
            }
            let round = Event(
                on: on,
                company: nil,
                body: .indexRoundRecorded(round: label, included: included[seq] ?? [])
            )
            events.append(SequencedEvent(seq: seq, event: round))
        }
        return events
    }

    /// Opens the index for reading, without the writer lock, when it is exactly at `head`;
    /// false when it is missing, behind or of another history (only a writer may repair it).
    /// Reads then run in one read transaction until `closeReading()`, so a writer appending
    /// meanwhile is not seen half-way.
    public func openForReading(_ directory: LedgerDirectory, head: LogHead) -> Bool {
        self.directory = directory
        guard FileManager.default.fileExists(atPath: file), let db = try? SQLiteDatabase(path: file) else {
            return false
        }
        self.db = db
        guard (try? db.execute("BEGIN")) != nil, let meta = try? readMeta() else { return false }
        return meta.version == EventIndex.version && meta.seq == head.seq && meta.hash == head.hashHex
    }

    /// Ends the read transaction of `openForReading`.
    public func closeReading() { try? db?.execute("COMMIT") }

    /// Every company the indexed log names (after `openForReading`).
    func companies() throws -> [CompanyID] {
        let statement = try db!.prepare("SELECT company FROM companies")
        var all: [CompanyID] = []
        while try statement.step() {
            if let text = statement.text(0), let company = CompanyID(text) { all.append(company) }
        }
        return all
    }

    /// The stored line at `seq`.
    func line(at seq: Int) throws -> [UInt8]? {
        let statement = try db!.prepare("SELECT line FROM events WHERE seq = ?")
        try statement.bind([.integer(Int64(seq))])
        return try statement.step() ? statement.blob(0) : nil
    }

    /// The last seq recorded at or before `instant`, of a log whose last is `head`: the events
    /// known at it (R4) are those up to it. Recorded instants never go backwards (R2), so a
    /// bisection reads a few stored lines, not every one.
    func lastSeq(recordedAtOrBefore instant: Instant, head: Int) throws -> Int {
        let statement = try db!.prepare("SELECT line FROM events WHERE seq = ?")
        // Seqs up to `known` were recorded by then; those after `unknown` were not.
        var (known, unknown) = (0, head)
        while known < unknown {
            let middle = known + (unknown - known + 1) / 2
            try statement.bind([.integer(Int64(middle))])
            guard try statement.step(), let raw = statement.rawBlob(0) else {
                throw ProjectionError("seq \(middle) is missing from the append index")
            }
            if try LedgerHistory.decode(raw).recorded <= instant { known = middle } else { unknown = middle - 1 }
        }
        return known
    }

    /// The stored events after `seq`, in order, each with the company it concerns (a reversal:
    /// its target's; nil for a schedule, a round, or a reversal of one).
    func events(after seq: Int) throws -> [(event: SequencedEvent, company: String?)] {
        let statement = try db!.prepare("SELECT line, company FROM events WHERE seq > ? ORDER BY seq")
        try statement.bind([.integer(Int64(seq))])
        var found: [(event: SequencedEvent, company: String?)] = []
        while try statement.step() {
            guard let raw = statement.rawBlob(0) else { continue }
            found.append((try LedgerHistory.decode(raw).sequenced, statement.text(1)))
        }
        return found

    }

    /// Appends the events of the lines `statement` gives.
    private func read(_ statement: SQLiteStatement, into events: inout [SequencedEvent]) throws {
        while try statement.step() {
            guard let raw = statement.rawBlob(0) else { continue }
            events.append(try LedgerHistory.decode(raw).sequenced)
        }
    }

    /// Indexes the lines once they are durable; a large batch's rows are written meanwhile, on
    /// another core, as the feed brings them, in a transaction that commits only when the lines
    /// are durable (the index never runs ahead of the log) and is rolled back when they were not
    /// written.
    public func appending(_ feed: LineFeed) -> Finish {
        guard feed.count > 0 else { return { _ in } }
        guard feed.count >= EventIndex.directWriteLines else {
            return { durable in
                guard durable else { return }
                try self.insert(feed)
                try self.foldBackWAL()
            }
        }
        let verdict = DurabilityVerdict()
        let index = Handoff(value: self)
        let deferring = EventIndex.defersIndexes(batch: feed.count, indexed: indexedEvents)
        let rows = BackgroundWork {
            try index.value.insert(feed, deferringIndexes: deferring) { try verdict.wait() }
            try index.value.foldBackWAL()
        }
        return { durable in
            if !durable { feed.cancel() }
            verdict.give(durable)
            try rows.result()
        }
    }
}

/// What an index insert throws when its feed was cancelled: the lines were not written.
struct LineFeedCancelled: Error {}

/// Whether the lines being indexed were made durable, given once by the appending thread and
/// waited for by the thread writing their rows before it commits.
private final class DurabilityVerdict: @unchecked Sendable {
    struct NotWritten: Error {}

    private let given = DispatchSemaphore(value: 0)
    // Written before `given` is signalled, read only after waiting for it.
    private var durable = false

    func give(_ durable: Bool) {
        self.durable = durable
        given.signal()
    }

    /// Waits for the verdict; throws (so that the rows are rolled back) unless durable.
    func wait() throws {
        given.wait()
        guard durable else { throw NotWritten() }
    }
}
