import ArgumentParser
import Foundation
import LedgerCore
import LedgerLog
import LedgerProjections

/// Where the ledger is, and the clock: shared by every command, whether `--ledger` came through
/// ArgumentParser (`LedgerOptions`) or the quick append path (`LedgerLocation`).
protocol LedgerAccess {
    /// `--ledger`, when given.
    var ledger: String? { get }
}

extension LedgerAccess {
    /// `--ledger`, else `LEDGER_DIR`, else `./ledger-data`.
    var path: String {
        ledger ?? Environment.value("LEDGER_DIR") ?? "./ledger-data"
    }

    /// Opens the ledger, refusing a directory that is not one.
    func open() throws -> LedgerDirectory { try LedgerDirectory(opening: path) }

    /// Seconds a writer waits for another: `LEDGER_LOCK_TIMEOUT`, else 10.
    func lockTimeout() throws -> Double {
        guard let text = Environment.value("LEDGER_LOCK_TIMEOUT") else { return 10 }
        guard let seconds = Double(text), seconds >= 0 else {
            throw InputError(field: "LEDGER_LOCK_TIMEOUT", "\"\(text)\" is not a number of seconds")
        }
        return seconds
    }

    /// The appender for this ledger: `actor` (else the login name), the clock, the lock timeout.
    func appender(actor: String?) throws -> EventAppender {
        let actor = actor ?? Environment.loginName()
        try FieldFormat.checkText(actor, field: "--actor")
        var appender = EventAppender(directory: try open(), clock: try clock(), actor: actor)
        appender.lockTimeout = try lockTimeout()
        return appender
    }

    /// The clock: `LEDGER_CLOCK` when set (tests, backfills), else the system clock.
    func clock() throws -> RecordingClock {
        guard let text = Environment.value("LEDGER_CLOCK") else { return .system }
        guard let instant = Instant(text) else {
            throw InputError(field: "LEDGER_CLOCK", "\"\(text)\" is not an RFC 3339 instant")
        }
        return .fixed(instant)
    }

    /// Now, by `clock()`.
    func now() throws -> Instant { try clock().read() }
}

/// `--ledger` as an option of every command.
struct LedgerOptions: ParsableArguments, LedgerAccess {
    @Option(name: .long, help: "The ledger directory (default: $LEDGER_DIR, else ./ledger-data).")
    var ledger: String?
}

/// `--ledger` as the quick append path read it: no property wrappers to build.
struct LedgerLocation: LedgerAccess {
    let ledger: String?
}

/// The process environment, read a variable at a time (Foundation's `ProcessInfo` copies all of
/// it into a dictionary first).
enum Environment {
    static func value(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

    /// The login name: `getlogin`, else the password entry of the effective user, else `$USER`.
    static func loginName() -> String {
        if let name = getlogin().map({ String(cString: $0) }), !name.isEmpty { return name }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name.map({ String(cString: $0) }),
            !name.isEmpty
        {
            return name
        }
        return value("USER") ?? value("LOGNAME") ?? "unknown"
    }
}

/// The two clocks of R4 and the output format, for the views.
struct ViewOptions: ParsableArguments {
    @Option(name: .long, help: "Answer as of this Hong Kong date, YYYY-MM-DD (default: today).")
    var asOf: String?

    @Option(name: .long, help: "Answer as known at this RFC 3339 instant (default: now).")
    var knownAt: String?

    @Option(name: .long, help: "table, json or csv (default: table on a terminal, json otherwise).")
    var format: OutputFormat?

    func asOfDay(now: Instant) throws -> Day {
        guard let asOf else { return now.hongKongDay }
        guard let day = Day(asOf) else {
            throw InputError(field: "--as-of", "\"\(asOf)\" is not a real date YYYY-MM-DD")
        }
        return day
    }

    func knownAtInstant(now: Instant) throws -> Instant {
        guard let knownAt else { return now }
        guard let instant = Instant(knownAt) else {
            throw InputError(field: "--known-at", "\"\(knownAt)\" is not an RFC 3339 instant")
        }
        return instant
    }

    var outputFormat: OutputFormat { format ?? (isatty(1) != 0 ? .table : .json) }

    /// The fold of what was known at `--known-at` (about `companies` alone, when named), and the
    /// as-of date; with the status changes' notes when `notes`.
    func fold(
        _ options: some LedgerAccess,
        companies: Set<CompanyID>? = nil,
        notes: Bool = true
    ) throws -> (MembershipFold, Day) {
        let now = try options.now()
        let fold = try ViewOptions.replay(
            try options.open(),
            knownAt: try knownAtInstant(now: now),
            companies: companies,
            notes: notes
        )
        return (fold, try asOfDay(now: now))
    }

    /// Every stored event, with a progress bar on a terminal.
    static func history(_ directory: LedgerDirectory) throws -> LedgerHistory {
        try ProgressBar.around("replay", unit: .bytes) { try LedgerHistory.load(directory, progress: $0) }
    }

    /// The fold of the events known at `knownAt` (of `history`, when already read). A view of
    /// named `companies` folds theirs alone, from the append index when it is at the log's head
    /// (`CompanyReplay`: milliseconds where a whole replay of a large ledger takes seconds). The
    /// events of a whole replay are freed on a background thread: a view reads only the fold,
    /// and freeing a whole ledger's events before exit took seconds. A view that shows no status
    /// change's note (every one but `explain`) asks for a fold without them (`notes`).
    static func replay(
        _ directory: LedgerDirectory,
        history: LedgerHistory? = nil,
        head: LogHead? = nil,
        knownAt: Instant,
        companies: Set<CompanyID>? = nil,
        notes: Bool = true
    ) throws -> MembershipFold {
        // The index is derived: one that cannot be read, or a history it says breaks a rule, is
        // left to the whole replay, which reads the log itself and names the first broken rule.
        if history == nil, let companies, let head = head ?? (try? LogHead.quick(directory)) ?? nil,
            let fold = (try? CompanyReplay.fold(of: companies, knownAt: knownAt, in: directory, head: head)) ?? nil
        {
            return fold
        }
        guard let history else {
            // Read and folded in less memory, the events used up as they are folded.
            return try ProgressBar.around("replay", unit: .bytes) {
                try LedgerHistory.loadFolded(directory, knownAt: knownAt, notes: notes, progress: $0).fold
            }
        }
        let fold = try history.fold(knownAt: knownAt, notes: notes)
        BackgroundRelease.release(history)
        return fold
    }

    /// A view's rows, handed to `each` in parts, in order: from the SQLite projections (caught
    /// up first) when the question is about present knowledge, else by replaying the events known
    /// at `--known-at`. A view that names `companies` replays theirs alone, and asks the
    /// projections only when they need no replay to be current: a rebuild of a large ledger's
    /// takes a minute, a replay of a few companies from the append index milliseconds. A replay of
    /// every company folds a long log in `ranges` of companies (`RangedReplay`; nil: one for every
    /// 256 MiB of log read), as a rebuild does, and hands over each range's rows as it is folded.
    /// - Throws: `LedgerError` for a broken rule in the stored history, even when some parts are
    ///   out (a replay in ranges finds one only as it reaches it; never, in a ledger whose appends
    ///   were judged).
    func rows<Row>(
        _ options: some LedgerAccess,
        companies: Set<CompanyID>? = nil,
        ranges: Int? = nil,
        projected: (ProjectionStore, Day) throws -> [Row],
        replayed: (MembershipFold, Day) -> [Row],
        each: ([Row]) -> Void
    ) throws {
        let now = try options.now()
        let directory = try options.open()
        let (knownAt, day) = (try knownAtInstant(now: now), try asOfDay(now: now))
        let store = ProjectionStore(directory: directory)
        // The last recorded instant, from the log's last trailer (a replay only when the tail
        // needs a scan): questions about present knowledge go to the projections, which catch
        // up from the append index when they can, with no replay at all.
        var history: LedgerHistory?
        let lastRecorded: Instant?
        let head = (try? LogHead.quick(directory)) ?? nil
        if let head {
            lastRecorded = try head.lastRecorded()
        } else {
            history = try ViewOptions.history(directory)
            lastRecorded = history?.recorded.last
        }
        if knownAt >= (lastRecorded ?? knownAt) {
            do {
                let outcome =
                    if companies != nil, let head {
                        try store.updateWithoutReplay(head: head)
                    } else {
                        try store.update(history: history, head: head)
                    }
                if let outcome {
                    if let note = outcome.note { Console.note(note) }
                    return each(try projected(store, day))
                }
            } catch let error as ProjectionError {
                Console.note("projections unavailable (\(error)); answering by replay")
            }
        }
        try ViewOptions.forEachFold(
            directory,
            history: history,
            head: head,
            knownAt: knownAt,
            companies: companies,
            ranges: ranges
        ) { each(replayed($0, day)) }
    }

    /// Hands `each` the fold of what was known at `knownAt` (about `companies` alone, when named),
    /// without the status changes' notes: of every company in one piece, or, for a long log whose
    /// append index is at `head`, a range of companies at a time, in company order
    /// (`RangedReplay`, in `ranges`; nil: one for every 256 MiB of log read).
    /// - Throws: `LedgerError` for a broken rule in the stored history, even when some folds were
    ///   handed over (a replay in ranges finds one only as it reaches it; never, in a ledger whose
    ///   appends were judged).
    static func forEachFold(
        _ directory: LedgerDirectory,
        history: LedgerHistory? = nil,
        head: LogHead?,
        knownAt: Instant,
        companies: Set<CompanyID>? = nil,
        ranges: Int?,
        each: (MembershipFold) -> Void
    ) throws {
        if companies == nil, history == nil, let head {
            let outcome = try ProgressBar.around("replay", unit: .share) { progress in
                try RangedReplay.replay(
                    of: directory,
                    head: head,
                    knownAt: knownAt,
                    ranges: ranges,
                    progress: progress,
                    each: each
                )
            }
            switch outcome {
            case .replayed: return
            case .onePiece: break
            case .stopped(let handed):
                // What the ranges before gave is out: the replay in one piece names the rule.
                BackgroundRelease.release(try ViewOptions.replay(directory, head: head, knownAt: knownAt, notes: false))
                throw LogError(
                    .corrupt,
                    "the log read in ranges of companies stopped after \(handed) of them, and in one piece found nothing wrong: was it changed meanwhile?"
                )
            }
        }
        let fold = try ViewOptions.replay(
            directory,
            history: history,
            head: head,
            knownAt: knownAt,
            companies: companies,
            notes: false
        )
        defer { BackgroundRelease.release(fold) }
        each(fold)
    }
}

extension EventAppender {
    /// Appends `inputs` through the append index, printing `{"seq":N,"id":"…","hash":"…"}` per
    /// event as soon as they are durable (CLI.md), then any notes.
    func appendAcknowledging(_ inputs: consuming [EventInput]) throws {
        var written: BackgroundWork<Void>?
        // The acknowledgements are out before the process ends, whatever comes after them.
        defer { _ = try? written?.result() }
        let notes = try append(consume inputs, history: EventIndex.announcing()) { acks in
            // One write for the whole batch: a print per line cost a batch import 4% of its time.
            // Written field by field: a JSON value per acknowledgement cost a batch import 0.5 µs each.
            var out = JSONWriter()
            for ack in acks {
                out.beginObject()
                out.writeMember("seq", .number(String(ack.seq)))
                out.writeMember("id", .string(ack.id))
                out.writeMember("hash", .string(ack.hash))
                out.endObject()
                out.endLine()
            }
            fflush(nil)
            // Written on another thread: this one holds the writer lock until the index and any
            // seal are done, and a reader that leaves the pipe full must not keep it held (other
            // appenders would time out waiting for it).
            let bytes = out.bytes
            written = BackgroundWork { FileHandle.standardOutput.write(Data(bytes)) }
            // They are usually out at once: given that moment, the index and any seal come after
            // them (a crash there leaves the events acknowledged); a reader that does not drain the
            // pipe holds the lock this long more at most.
            _ = written?.hasEnded(within: 0.2)
        }
        notes.forEach(Console.note)
    }
}
